import type { App } from '../../platform/http/types.ts';
import { idParam, page } from '../../platform/http/schemas.ts';
import { auditContextOf } from '../../platform/audit/writer.ts';
import { runIdempotent } from '../../platform/idempotency/http.ts';
import type { Services } from '../../services.ts';
import type { PricingSettings } from './engine.ts';
import {
  changesQuery,
  historyItemDto,
  historyQuery,
  labelledChangeDto,
  pricingSettingsBody,
  pricingSettingsDto,
  quoteDto,
  quoteQuery,
  repriceBody,
  repriceResponse,
  runDto,
} from './schemas.ts';

export function pricingRoutes(app: App, { pricing, idempotency }: Pick<Services, 'pricing' | 'idempotency'>): void {
  const tags = ['pricing'];

  app.get(
    '/pricing/settings',
    {
      config: { access: 'pricing:manage', operation: 'pricing.settings.get' },
      schema: {
        tags,
        description: 'Parámetros de precios: inflación mensual supuesta, margen por categoría y por defecto, redondeo.',
        response: { 200: pricingSettingsDto },
      },
    },
    async () => pricing.getSettings(),
  );

  app.put(
    '/pricing/settings',
    {
      config: { access: 'pricing:manage', operation: 'pricing.settings.update' },
      schema: {
        tags,
        description:
          'Reemplaza los parámetros de precios. Inflación y márgenes como fracción ("0.045" = 4,5 %); redondeo "1", "10", "50" o "100". Queda auditado.',
        body: pricingSettingsBody,
        response: { 200: pricingSettingsDto },
      },
    },
    async (request) => pricing.putSettings(request.body as PricingSettings, auditContextOf(request)),
  );

  app.get(
    '/products/:id/price-quote',
    {
      config: { access: 'catalog:read', operation: 'pricing.quote.get' },
      schema: {
        tags,
        description:
          'Precio sugerido de un producto: costo de reposición por la inflación desde el último costo, más el margen y el IVA, redondeado hacia arriba. `date` (AAAA-MM-DD) calcula para otro día; por defecto, hoy.',
        params: idParam,
        querystring: quoteQuery,
        response: { 200: quoteDto },
      },
    },
    async (request) => pricing.quote(request.params.id, request.query.date),
  );

  app.post(
    '/pricing/reprice',
    {
      config: { access: 'pricing:manage', operation: 'pricing.reprice' },
      schema: {
        tags,
        description:
          'Recalcula los precios de venta (todos los productos activos, una categoría o una lista de ids). Con `dry_run` (por defecto true) solo muestra los cambios; con `dry_run: false` los aplica en una transacción con historial y auditoría. Acepta un Idempotency-Key opcional al aplicar.',
        body: repriceBody,
        response: { 200: repriceResponse },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const ctx = auditContextOf(request);
      if (body.dry_run || request.headers['idempotency-key'] === undefined) return pricing.reprice(body, ctx);
      return runIdempotent(idempotency, request, reply, async (claim, render) => {
        const result = await pricing.reprice(body, ctx, {
          beforeCommit: (tx, r) => idempotency.complete(tx, claim, 200, render(200, r)),
        });
        return { status: 200, body: result };
      });
    },
  );

  app.get(
    '/products/:id/price-history',
    {
      config: { access: 'catalog:read', operation: 'pricing.history.list' },
      schema: {
        tags,
        description: 'Historial de precios de un producto, del más reciente al más antiguo: precio anterior y nuevo, quién y por qué.',
        params: idParam,
        querystring: historyQuery,
        response: { 200: page(historyItemDto) },
      },
    },
    async (request) => pricing.history(request.params.id, request.query),
  );

  app.get(
    '/pricing/changes',
    {
      config: { access: 'catalog:read', operation: 'pricing.changes.list' },
      schema: {
        tags,
        description:
          'Cambios de precio de todo el comercio, del más reciente al más antiguo, con nombre, SKU y código de barras (para etiquetas de góndola). Filtros: `run_id`, `from`, `to` (fecha u instante).',
        querystring: changesQuery,
        response: { 200: page(labelledChangeDto) },
      },
    },
    async (request) => pricing.changes(request.query),
  );

  app.get(
    '/pricing/runs',
    {
      config: { access: 'pricing:manage', operation: 'pricing.runs.list' },
      schema: {
        tags,
        description: 'Reprecios aplicados (manuales y programados), del más reciente al más antiguo, con los parámetros usados.',
        querystring: historyQuery,
        response: { 200: page(runDto) },
      },
    },
    async (request) => pricing.runs(request.query),
  );
}
