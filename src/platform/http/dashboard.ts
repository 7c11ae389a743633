// Serves the built dashboard (web/dist) at `/` under the API's own CSP. Hashed assets are
// cached for a year; index.html never is, so a new build reaches every browser on reload.
// Client-side routes (/productos, /stock, ...) load index.html through the 404 fallback.
import { createReadStream, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App } from './types.ts';

export const DEFAULT_DASHBOARD_DIR = fileURLToPath(new URL('../../../web/dist', import.meta.url));

const MISSING_BUILD_PAGE = `<!doctype html>
<html lang="es-AR"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>inventario-retail</title></head>
<body><main><h1>inventario-retail</h1>
<p>La API está funcionando, pero el panel web no está compilado. Ejecute <code>npm run build:web</code> y recargue.</p>
<ul><li><a href="/docs">Documentación interactiva de la API</a></li><li><a href="/health">Estado</a></li></ul>
</main></body></html>`;

/** Paths that are never dashboard pages, even when a browser asks for HTML. */
const NOT_PAGES = /^\/(api|docs|assets|openapi\.json|health|ready|metrics)(\/|$|\?)/;

export interface DashboardHandle {
  pageFallback: (request: FastifyRequest, reply: FastifyReply) => boolean;
}

export async function registerDashboard(app: App, root = DEFAULT_DASHBOARD_DIR): Promise<DashboardHandle> {
  const built = existsSync(path.join(root, 'index.html'));
  await app.register(async (scope) => {
    // Everything registered in this scope (/, /assets/*, /favicon.svg) is public by nature.
    scope.addHook('onRoute', (route) => {
      route.config = { ...route.config, access: 'public', operation: 'system.dashboard' };
      route.schema = { ...route.schema, hide: true };
    });
    if (!built) {
      scope.get('/', async (_request, reply) => reply.type('text/html; charset=utf-8').send(MISSING_BUILD_PAGE));
      return;
    }
    await scope.register(fastifyStatic, {
      root,
      prefix: '/',
      // Files are looked up per request (a rebuilt dashboard needs no restart); a missing file
      // falls through to the 404 handler, which answers problem+json or the page fallback.
      wildcard: true,
      index: ['index.html'],
      cacheControl: false,
      lastModified: false,
      setHeaders(res, filePath) {
        const immutable = filePath.includes(`${path.sep}assets${path.sep}`);
        res.header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    });
  });
  if (!built) return { pageFallback: () => false };

  return {
    pageFallback(request, reply) {
      if (request.method !== 'GET' && request.method !== 'HEAD') return false;
      if (NOT_PAGES.test(request.url)) return false;
      if (!(request.headers.accept ?? '').includes('text/html')) return false;
      reply.header('cache-control', 'no-cache');
      // Read per request: a rebuilt dashboard is picked up without a restart.
      void reply.type('text/html; charset=utf-8').send(createReadStream(path.join(root, 'index.html')));
      return true;
    },
  };
}
