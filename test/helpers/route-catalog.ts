// Records every route Fastify registers, with its final options, by listening on Fastify's
// `fastify.initialization` diagnostics channel: an onRoute hook is attached to each new instance
// before buildApp registers anything, so nothing has to be exposed by the app for the tests.
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { FastifyInstance, RouteOptions } from 'fastify';

export interface RegisteredRoute {
  method: string;
  url: string;
  /** The live options object: later onRoute hooks (e.g. the /docs access declaration) show here. */
  options: RouteOptions;
}

export interface RouteRecorder {
  routes: RegisteredRoute[];
  stop(): void;
}

const CHANNEL = 'fastify.initialization';

export function recordRoutes(): RouteRecorder {
  const routes: RegisteredRoute[] = [];
  const onInit = (message: unknown) => {
    const { fastify } = message as { fastify: FastifyInstance };
    fastify.addHook('onRoute', (options) => {
      for (const method of [options.method].flat()) routes.push({ method: String(method), url: options.url, options });
    });
  };
  subscribe(CHANNEL, onInit);
  return { routes, stop: () => unsubscribe(CHANNEL, onInit) };
}

/** `/api/v1/products/:id` → `/api/v1/products/{id}`, as OpenAPI writes paths. */
export function openApiPath(url: string): string {
  return url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}
