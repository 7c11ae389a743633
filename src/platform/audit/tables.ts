import { sql } from 'drizzle-orm';
import { bigserial, check, index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * The audit trail: append-only (the database refuses UPDATE, DELETE and TRUNCATE). Each event is
 * inserted in the same transaction as the change it records; the hash chain over events is kept
 * by the sealer in its own append-only table, so writers never serialize on a chain head.
 */
export const auditEvents = pgTable(
  'audit_events',
  {
    seq: bigserial('seq', { mode: 'bigint' }).primaryKey(),
    id: uuid('id').notNull().unique('audit_events_id_key'),
    at: timestamp('at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    resource: text('resource'),
    outcome: text('outcome').notNull(),
    ip: text('ip'),
    requestId: text('request_id'),
    details: jsonb('details').notNull().default(sql`'{}'::jsonb`),
  },
  (t) => [
    index('audit_events_at_idx').on(t.at),
    index('audit_events_actor_at_idx').on(t.actor, t.at),
    index('audit_events_action_at_idx').on(t.action, t.at),
    check('audit_events_outcome_check', sql`${t.outcome} in ('success', 'failure', 'denied', 'error')`),
  ],
);
