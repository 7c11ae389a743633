import type { App } from '../../platform/http/types.ts';
import { requireIdentity } from '../../platform/http/context.ts';
import { roleHas } from '../../platform/http/permissions.ts';
import type { Services } from '../../services.ts';
import { summaryQuery, summaryResponse } from './schemas.ts';

export function reportsRoutes(app: App, { reports }: Pick<Services, 'reports'>): void {
  const tags = ['reports'];

  app.get(
    '/reports/summary',
    {
      config: { access: 'catalog:read', operation: 'reports.summary' },
      schema: {
        tags,
        description:
          'Resumen para la página de inicio del panel: valor del stock a costo (productos activos, todos los depósitos), ' +
          'productos bajo el mínimo de temporada, movimientos de hoy, ventas e ingresos por día de los últimos `days` días ' +
          '(hoy incluido, zona horaria del comercio, días sin movimiento en cero) y valor por categoría. ' +
          '`open_alerts` es null para los roles sin permiso de auditoría.',
        querystring: summaryQuery,
        response: { 200: summaryResponse },
      },
    },
    async (request) =>
      reports.summary({ days: request.query.days, includeOpenAlerts: roleHas(requireIdentity(request).role, 'audit:read') }),
  );
}
