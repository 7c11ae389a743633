import { z } from 'zod';
import type { App } from '../../platform/http/types.ts';
import type { Database } from '../../platform/db/types.ts';
import { AppError } from '../../platform/http/errors.ts';

const LANDING_PAGE = `<!doctype html>
<html lang="es-AR"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>inventario-retail</title></head>
<body><main><h1>inventario-retail</h1>
<p>La API está funcionando. El panel web llegará pronto.</p>
<ul><li><a href="/docs">Documentación interactiva de la API</a></li><li><a href="/openapi.json">OpenAPI (JSON)</a></li><li><a href="/health">Estado</a></li></ul>
</main></body></html>`;

export function systemRoutes(app: App, { database }: { database: Database }): void {
  const tags = ['system'];
  app.get(
    '/health',
    {
      config: { access: 'public', operation: 'system.health' },
      schema: { tags, response: { 200: z.object({ status: z.literal('ok') }) } },
    },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/ready',
    {
      config: { access: 'public', operation: 'system.ready' },
      schema: { tags, response: { 200: z.object({ status: z.literal('ready'), engine: z.string() }) } },
    },
    async () => {
      if (!(await database.ping())) {
        throw new AppError(503, 'db.unavailable', 'La base de datos no responde.', { headers: { 'retry-after': '5' } });
      }
      return { status: 'ready' as const, engine: database.engine };
    },
  );

  app.get(
    '/',
    {
      config: { access: 'public', operation: 'system.landing' },
      schema: { hide: true, response: { 200: z.string() } },
    },
    async (_request, reply) => reply.type('text/html; charset=utf-8').send(LANDING_PAGE),
  );
}
