// GET /metrics: the Prometheus registry in text format.
//
// Who may scrape (API.md): an admin or auditor API key, always; a scraper presenting
// `Authorization: Bearer <METRICS_TOKEN>` when that variable is set; and, only while it is
// unset, anyone connecting straight from this machine's loopback (no proxy in between: a request
// with X-Forwarded-For / Forwarded / X-Real-IP came through a proxy and may be from anywhere,
// whatever TRUST_PROXY says). Everything else gets 401 (no or bad credentials) or 403 (a key of
// another role), like any route.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { App } from '../../platform/http/types.ts';
import { metricsRegistry } from '../../platform/observability/metrics.ts';
import type { MetricsSampler } from './metrics-sampler.ts';

const PROXY_HEADERS = ['x-forwarded-for', 'forwarded', 'x-real-ip'];

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** The socket's own peer is loopback and no proxy header claims another origin. */
export function isDirectLoopback(request: FastifyRequest): boolean {
  const peer = request.socket?.remoteAddress ?? '';
  const loopback = peer === '::1' || peer.startsWith('127.') || peer.startsWith('::ffff:127.');
  return loopback && PROXY_HEADERS.every((h) => request.headers[h] === undefined);
}

function hasCredentials(request: FastifyRequest): boolean {
  return request.headers.authorization !== undefined || request.headers['x-api-key'] !== undefined || request.headers.cookie !== undefined;
}

/** Decides whether a request may scrape without an API key (see the header comment). */
export function metricsScrapeAllowed(token: string | undefined): (request: FastifyRequest) => boolean {
  const expected = token === undefined ? undefined : sha256(`Bearer ${token}`);
  return (request) => {
    if (expected) {
      const auth = request.headers.authorization;
      // Hashes have equal length, so the comparison takes the same time whatever was sent.
      return typeof auth === 'string' && timingSafeEqual(sha256(auth), expected);
    }
    return !hasCredentials(request) && isDirectLoopback(request);
  };
}

export function metricsRoutes(app: App, deps: { sampler: MetricsSampler; metricsToken: string | undefined }): void {
  app.get(
    '/metrics',
    {
      config: { access: 'audit:read', operation: 'system.metrics', allowAnonymous: metricsScrapeAllowed(deps.metricsToken) },
      schema: {
        tags: ['system'],
        description:
          'Métricas en formato de texto de Prometheus. Clave de administrador o auditor; o `Authorization: Bearer <METRICS_TOKEN>`; ' +
          'o sin credenciales desde loopback mientras METRICS_TOKEN no esté definido.',
        response: { 200: z.string().meta({ description: 'Prometheus text exposition format 0.0.4' }) },
      },
    },
    async (_request, reply) => {
      await deps.sampler.refresh();
      const body = await metricsRegistry.metrics();
      return reply.type(metricsRegistry.contentType).send(body);
    },
  );
}
