// Wraps a write route in Idempotency-Key handling. The handler receives the claim and must
// complete it inside its own transaction (see IdempotencyStore.complete).
import type { FastifyReply, FastifyRequest } from 'fastify';
import { normalizeError, PROBLEM_CONTENT_TYPE, toProblem } from '../http/problem.ts';
import { requireIdentity } from '../http/context.ts';
import { validationError } from '../http/errors.ts';
import { idempotentReplays } from '../observability/metrics.ts';
import { IdempotencyErrors, requestHash, type IdempotencyClaim, type IdempotencyStore } from './store.ts';

export interface IdempotentResult {
  status: number;
  body: unknown;
}

export async function runIdempotent(
  store: IdempotencyStore,
  request: FastifyRequest,
  reply: FastifyReply,
  work: (claim: IdempotencyClaim, render: (status: number, body: unknown) => string) => Promise<IdempotentResult>,
): Promise<FastifyReply> {
  const raw = request.headers['idempotency-key'];
  if (raw === undefined || raw === '') throw IdempotencyErrors.keyRequired();
  if (typeof raw !== 'string' || raw.length > 200 || !/^[\x21-\x7e]+$/.test(raw)) {
    throw validationError([
      { path: 'Idempotency-Key', message: 'debe tener entre 1 y 200 caracteres ASCII visibles' },
    ]);
  }
  const identity = requireIdentity(request);
  const scope = `${identity.actor}|${request.routeOptions.config.operation ?? request.routeOptions.url}`;
  const begun = await store.begin(scope, raw, requestHash(request.body));
  if (begun.kind === 'replay') {
    idempotentReplays.inc({ operation: request.routeOptions.config.operation ?? 'unknown' });
    return reply
      .code(begun.status)
      .header('idempotent-replayed', 'true')
      .type(begun.status >= 400 ? PROBLEM_CONTENT_TYPE : 'application/json; charset=utf-8')
      .send(begun.body);
  }
  // The body is serialized once here, so the bytes stored for replays are the bytes sent now.
  const render = (_status: number, body: unknown) => JSON.stringify(body);
  try {
    const result = await work(begun.claim, render);
    return reply.code(result.status).type('application/json; charset=utf-8').send(render(result.status, result.body));
  } catch (err) {
    const known = normalizeError(err);
    if (known && known.status < 500 && known.code !== 'idempotency.in_progress') {
      await store.completeOutside(begun.claim, known.status, JSON.stringify(toProblem(known)));
    } else {
      await store.release(begun.claim);
    }
    throw err;
  }
}
