import { z } from 'zod';
import type { App } from '../../platform/http/types.ts';
import { requireIdentity } from '../../platform/http/context.ts';
import { auditContextOf } from '../../platform/audit/writer.ts';
import { idParam, page, paginationQuery } from '../../platform/http/schemas.ts';
import type { Services } from '../../services.ts';
import { apiKeyDto, createApiKeyBody, createdApiKeyDto, toApiKeyDto } from './schemas.ts';

export function identityRoutes(app: App, { identity }: Pick<Services, 'identity'>): void {
  app.post(
    '/api-keys',
    {
      config: { access: 'admin', operation: 'identity.api_key.create' },
      schema: { tags: ['identity'], body: createApiKeyBody, response: { 201: createdApiKeyDto } },
    },
    async (request, reply) => {
      const actor = requireIdentity(request);
      const { row, key } = await identity.createApiKey({
        name: request.body.name,
        role: request.body.role,
        expiresAt: request.body.expires_at ? new Date(request.body.expires_at) : null,
        createdBy: actor.actor,
      }, auditContextOf(request));
      return reply.code(201).send({ ...toApiKeyDto(row), key });
    },
  );

  app.get(
    '/api-keys',
    {
      config: { access: 'admin', operation: 'identity.api_key.list' },
      schema: { tags: ['identity'], querystring: z.object(paginationQuery), response: { 200: page(apiKeyDto) } },
    },
    async (request) => {
      const result = await identity.listApiKeys(request.query.limit, request.query.cursor);
      return { items: result.items.map(toApiKeyDto), next_cursor: result.next_cursor };
    },
  );

  app.delete(
    '/api-keys/:id',
    {
      config: { access: 'admin', operation: 'identity.api_key.revoke' },
      schema: { tags: ['identity'], params: idParam, response: { 200: apiKeyDto } },
    },
    async (request) => toApiKeyDto(await identity.revokeApiKey(request.params.id, auditContextOf(request))),
  );

  app.get(
    '/me',
    {
      config: { access: 'authenticated', operation: 'identity.me' },
      schema: {
        tags: ['identity'],
        response: { 200: z.object({ kind: z.string(), id: z.string(), name: z.string(), role: z.string() }) },
      },
    },
    async (request) => {
      const { kind, id, name, role } = requireIdentity(request);
      return { kind, id, name, role };
    },
  );
}
