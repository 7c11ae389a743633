import type { App } from '../../platform/http/types.ts';
import { auditContextOf } from '../../platform/audit/writer.ts';
import { idParam, page } from '../../platform/http/schemas.ts';
import type { Services } from '../../services.ts';
import { customerPrivacyRoutes } from './privacy-routes.ts';
import { customerCreateBody, customerDto, customerListItem, customerListQuery, toCustomerDto, toListItem } from './schemas.ts';

// Personal data: every route needs customers:manage (admin, manager). The response schemas are
// also the last filter: a decrypted field that is not declared here never leaves the server.
export function customerRoutes(app: App, { customers }: Pick<Services, 'customers'>): void {
  const tags = ['customers'];
  customerPrivacyRoutes(app, { customers });

  app.post(
    '/customers',
    {
      config: { access: 'customers:manage', operation: 'customers.customer.create' },
      schema: { tags, body: customerCreateBody, response: { 201: customerDto } },
    },
    async (request, reply) => reply.code(201).send(toCustomerDto(await customers.create(request.body, auditContextOf(request)))),
  );

  app.get(
    '/customers/:id',
    {
      config: { access: 'customers:manage', operation: 'customers.customer.read' },
      schema: { tags, params: idParam, response: { 200: customerDto } },
    },
    async (request) => toCustomerDto(await customers.get(request.params.id, auditContextOf(request))),
  );

  app.get(
    '/customers',
    {
      config: { access: 'customers:manage', operation: 'customers.customer.list' },
      schema: {
        tags,
        description:
          'Búsqueda exacta por `doc_number` (con `doc_type` opcional) o por `email` (sin distinguir mayúsculas), mediante índices ciegos: devuelve los registros completos. Sin filtro: solo ids y nombres enmascarados.',
        querystring: customerListQuery,
        response: { 200: page(customerListItem) },
      },
    },
    async (request) => {
      const result = await customers.list(request.query, auditContextOf(request));
      return { items: result.items.map(toListItem), next_cursor: result.next_cursor };
    },
  );
}
