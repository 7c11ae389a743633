// Records every response in the request-duration histogram. It runs on every request, so it
// keeps one labelled child per (route, method, status) instead of hashing a label object each
// time, and uses the duration Fastify already measured.
import type { FastifyInstance } from 'fastify';
import type { Histogram } from 'prom-client';
import { httpRequestDuration } from '../observability/metrics.ts';

type Child = ReturnType<Histogram<'route' | 'method' | 'status'>['labels']>;

export function registerMetricsHooks(app: FastifyInstance): void {
  const children = new Map<string, Child>();
  app.addHook('onResponse', (request, reply, done) => {
    // The route template (`/api/v1/products/:id`), never the raw URL: ids would make one
    // series per product. Unmatched URLs share one label.
    const route = request.routeOptions.url ?? 'unmatched';
    const status = reply.statusCode;
    const key = `${request.method} ${status} ${route}`;
    let child = children.get(key);
    if (!child) {
      child = httpRequestDuration.labels(route, request.method, String(status));
      children.set(key, child);
    }
    child.observe(reply.elapsedTime / 1000);
    done();
  });
}
