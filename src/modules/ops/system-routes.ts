import { z } from 'zod';
import type { App } from '../../platform/http/types.ts';
import type { Database } from '../../platform/db/types.ts';
import { AppError } from '../../platform/http/errors.ts';

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

}
