import type { App } from '../../platform/http/types.ts';
import { idParam } from '../../platform/http/schemas.ts';
import { pageOfList } from '../../platform/http/pagination.ts';
import type { Services } from '../../services.ts';
import { forecastQuery, forecastResponse, reorderQuery, reorderResponse } from './schemas.ts';

export function forecastRoutes(app: App, { forecast }: Pick<Services, 'forecast'>): void {
  const tags = ['forecast'];
  // The worker threads end with the server.
  app.addHook('onClose', async () => forecast.close());
  // A reorder call on stale forecasts starts a refresh it does not wait for; its failure is logged
  // here (the scheduler's next round retries).
  forecast.onBackgroundError((err) => app.log.error({ err, job: 'forecast.refresh' }, 'background forecast refresh failed'));

  app.get(
    '/forecast/reorder',
    {
      config: { access: 'forecast:read', operation: 'forecast.reorder.list' },
      schema: {
        tags,
        description:
          'Sugerencias de compra: productos activos con cantidad sugerida mayor que cero, los de menos días de cobertura primero. ' +
          'Punto de pedido = demanda pronosticada durante la demora del proveedor + stock de seguridad (nivel de servicio 95 %), nunca menor que el mínimo estacional.',
        querystring: reorderQuery,
        response: { 200: reorderResponse },
      },
    },
    async (request) => {
      // Computed whole (a few thousand products at most) and served in pages, like /stock/critical.
      const { date, items, staleForecasts } = await forecast.reorder({ supplierId: request.query.supplier_id });
      return { date, ...pageOfList(items, request.query.limit, request.query.cursor), stale_forecasts: staleForecasts };
    },
  );

  app.get(
    '/products/:id/forecast',
    {
      config: { access: 'forecast:read', operation: 'forecast.product.get' },
      schema: {
        tags,
        description: 'Pronóstico diario de demanda de un producto desde hoy, con banda del 95 % y el backtest (MASE, WAPE) del modelo elegido.',
        params: idParam,
        querystring: forecastQuery,
        response: { 200: forecastResponse },
      },
    },
    async (request) => {
      const result = await forecast.productForecast(request.params.id, request.query.days);
      return { ...result, computed_at: result.computed_at.toISOString() };
    },
  );
}
