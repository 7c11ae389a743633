// Writes audit events. Services call record() with their transaction so the event commits or
// rolls back with the change it describes; failures (denied, rate-limited, 5xx) are recorded
// outside any business transaction by the HTTP hooks.
import { uuidv7 } from 'uuidv7';
import type { FastifyRequest } from 'fastify';
import type { Queryable } from '../db/types.ts';
import { placeholders, prepareStatement, statementBuilder } from '../db/prepared.ts';
import { auditEvents } from './tables.ts';

type EventRow = Required<Omit<typeof auditEvents.$inferInsert, 'seq' | 'at'>>;
// Every change writes one: rendered once (src/platform/db/prepared.ts).
const insertEvent = prepareStatement<EventRow>(
  statementBuilder.insert(auditEvents).values(placeholders<EventRow>(['id', 'actor', 'action', 'resource', 'outcome', 'ip', 'requestId', 'details'])),
);

export type AuditOutcome = 'success' | 'failure' | 'denied' | 'error';

/** Who did it and from where: taken from the request once, passed to services explicitly. */
export interface AuditContext {
  actor: string;
  ip: string | null;
  requestId: string | null;
}

export interface AuditEventInput {
  /** A stable dotted name; for requests, the route's operation (`stock.movement.create`). */
  action: string;
  /** What was acted on: `product:<id>`, `api_key:<id>`, `customer:<id>`. */
  resource?: string | null;
  outcome: AuditOutcome;
  /** Never secrets or plaintext personal data: ids, codes, counts, changed field names. */
  details?: Record<string, unknown>;
}

export const SYSTEM_CONTEXT: AuditContext = { actor: 'system', ip: null, requestId: null };

export function auditContextOf(request: FastifyRequest): AuditContext {
  return { actor: request.identity?.actor ?? 'anonymous', ip: request.ip ?? null, requestId: request.id ?? null };
}

export interface AuditWriter {
  readonly enabled: boolean;
  record(q: Queryable, ctx: AuditContext, event: AuditEventInput): Promise<void>;
}

export interface AuditWriterOptions {
  /** `false` exists only for the benchmark that measures what auditing costs. */
  enabled: boolean;
  /**
   * Tests only: the clock for `at` (a scenario replays a week in seconds). Without it `at` is the
   * database's now(), the start of the writing transaction.
   */
  clock?: () => Date;
}

export function createAuditWriter(options: AuditWriterOptions = { enabled: true }): AuditWriter {
  return {
    enabled: options.enabled,
    async record(q, ctx, event) {
      if (!options.enabled) return;
      const row: EventRow = {
        id: uuidv7(),
        actor: ctx.actor,
        action: event.action,
        resource: event.resource ?? null,
        outcome: event.outcome,
        ip: ctx.ip,
        requestId: ctx.requestId,
        details: event.details ?? {},
      };
      if (options.clock) await q.insert(auditEvents).values({ ...row, at: options.clock() });
      else await insertEvent.run(q, row);
    },
  };
}
