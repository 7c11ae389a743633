import type { App } from '../../platform/http/types.ts';
import { idParam, page } from '../../platform/http/schemas.ts';
import { auditContextOf } from '../../platform/audit/writer.ts';
import type { Services } from '../../services.ts';
import {
  alertDto,
  alertListQuery,
  eventDto,
  eventListQuery,
  toAlertDto,
  toEventDto,
  transitionBody,
  verifyResponse,
} from './schemas.ts';

export function auditRoutes(app: App, { auditTrail, identity }: Pick<Services, 'auditTrail' | 'identity'>): void {
  const tags = ['audit'];

  app.get(
    '/audit/events',
    {
      config: { access: 'audit:read', operation: 'audit.event.list' },
      schema: {
        tags,
        description: 'Eventos de auditoría, del más nuevo al más viejo. `action` acepta un prefijo terminado en `.*` (customers.*).',
        querystring: eventListQuery,
        response: { 200: page(eventDto) },
      },
    },
    async (request) => {
      const result = await auditTrail.listEvents(request.query);
      const names = await identity.actorNames(result.items.map((e) => e.actor));
      return { items: result.items.map((e) => toEventDto(e, names)), next_cursor: result.next_cursor };
    },
  );

  app.get(
    '/audit/verify',
    {
      config: { access: 'audit:read', operation: 'audit.chain.verify' },
      schema: {
        tags,
        description: 'Sella los eventos pendientes y recalcula toda la cadena de hashes, comparándola con los puntos de control firmados.',
        response: { 200: verifyResponse },
      },
    },
    async (request) => auditTrail.verify(auditContextOf(request)),
  );

  app.get(
    '/audit/alerts',
    {
      config: { access: 'audit:read', operation: 'audit.alert.list' },
      schema: { tags, querystring: alertListQuery, response: { 200: page(alertDto) } },
    },
    async (request) => {
      const result = await auditTrail.listAlerts(request.query);
      return { items: result.items.map(toAlertDto), next_cursor: result.next_cursor };
    },
  );

  for (const [verb, status] of [
    ['acknowledge', 'acknowledged'],
    ['close', 'closed'],
  ] as const) {
    app.post(
      `/audit/alerts/:id/${verb}`,
      {
        config: { access: 'audit:read', operation: `audit.alert.${verb}` },
        schema: {
          tags,
          description:
            verb === 'acknowledge'
              ? 'Marca la alerta como reconocida (alguien la está revisando). Repetirlo no cambia nada.'
              : 'Cierra la alerta. Una alerta cerrada no vuelve a abrirse.',
          params: idParam,
          body: transitionBody,
          response: { 200: alertDto },
        },
      },
      async (request) => {
        const row = await auditTrail.transitionAlert(request.params.id, status, auditContextOf(request), request.body?.note ?? null);
        return toAlertDto(row);
      },
    );
  }
}
