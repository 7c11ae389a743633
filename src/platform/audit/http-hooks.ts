// Audit events for requests that changed nothing: authentication failures, permission denials,
// rate-limit hits, refused writes and server errors. Successful changes are recorded by the
// services inside their own transactions; these are written after the response, outside any.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Database } from '../db/types.ts';
import { auditContextOf, type AuditEventInput, type AuditWriter } from './writer.ts';

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
// A flood of throttled requests would otherwise write one audit row each: one 429 event per
// client and operation per window is enough to see the attack.
const THROTTLE_EVENT_WINDOW_MS = 60_000;

function resourceOf(request: FastifyRequest): string | null {
  const params = request.params as Record<string, unknown> | undefined;
  return typeof params?.id === 'string' ? `${request.routeOptions.url ?? 'route'}:${params.id}` : null;
}

/** Which event, if any, a finished request deserves. */
export function failureEventFor(request: FastifyRequest, status: number): AuditEventInput | null {
  const operation = request.routeOptions.config?.operation ?? 'http.unmatched';
  const details = { status, code: request.problemCode ?? null, method: request.method, route: request.routeOptions.url ?? null };
  if (status === 401) return { action: 'auth.failure', outcome: 'failure', resource: null, details: { ...details, operation } };
  if (status === 403) return { action: 'auth.denied', outcome: 'denied', resource: resourceOf(request), details: { ...details, operation } };
  if (status === 429) return { action: 'rate_limit.hit', outcome: 'denied', resource: null, details: { ...details, operation } };
  if (status >= 500) return { action: operation, outcome: 'error', resource: resourceOf(request), details };
  if (status >= 400 && WRITE_METHODS.has(request.method)) {
    return { action: operation, outcome: 'failure', resource: resourceOf(request), details };
  }
  return null;
}

export function registerAuditHooks(app: FastifyInstance, deps: { database: Database; audit: AuditWriter }): void {
  const recentThrottles = new Map<string, number>();
  app.addHook('onResponse', async (request, reply) => {
    const event = failureEventFor(request, reply.statusCode);
    if (!event || !deps.audit.enabled) return;
    if (reply.statusCode === 429) {
      const key = `${request.ip}|${request.identity?.actor ?? ''}|${String(event.details?.operation)}`;
      const now = Date.now();
      if (now - (recentThrottles.get(key) ?? 0) < THROTTLE_EVENT_WINDOW_MS) return;
      recentThrottles.set(key, now);
      if (recentThrottles.size > 10_000) recentThrottles.clear();
    }
    try {
      await deps.audit.record(deps.database.db, auditContextOf(request), event);
    } catch (err) {
      // Losing a failure event must not fail the (already answered) request; it is logged.
      request.log.error({ err, action: event.action }, 'could not write audit event');
    }
  });
}
