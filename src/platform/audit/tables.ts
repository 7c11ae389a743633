import { sql } from 'drizzle-orm';
import { bigint, bigserial, check, customType, index, integer, jsonb, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';

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

// bytea has no drizzle builder in this version; hashes are 32 raw bytes, half the size of hex.
const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => 'bytea' });

/**
 * The hash chain, one seal per event, in chain order (`position`, 1, 2, 3, ...). Written only by
 * the sealer, which appends committed events in the order it finds them: a late-committing event
 * (lower seq) simply gets a later position. hash = SHA-256(previous hash || canonical event).
 * Append-only like audit_events.
 */
export const auditSeals = pgTable(
  'audit_seals',
  {
    position: bigint('position', { mode: 'bigint' }).primaryKey(),
    eventSeq: bigint('event_seq', { mode: 'bigint' })
      .notNull()
      .references(() => auditEvents.seq),
    hash: bytea('hash').notNull(),
    // clock_timestamp() after the sealer took its lock: non-decreasing along the chain.
    sealedAt: timestamp('sealed_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [
    unique('audit_seals_event_seq_key').on(t.eventSeq),
    check('audit_seals_position_check', sql`${t.position} > 0`),
    check('audit_seals_hash_check', sql`octet_length(${t.hash}) = 32`),
  ],
);

/**
 * Committed events waiting for their seal. A trigger on audit_events adds the row in the
 * inserting transaction, so an event and its queue entry become visible together at commit; the
 * sealer deletes entries as it seals them. Nothing else reads or writes this table.
 */
export const auditPending = pgTable('audit_pending', {
  seq: bigint('seq', { mode: 'bigint' }).primaryKey(),
});

/**
 * Anomaly alerts raised by the rules over the audit trail. The row is also the webhook outbox:
 * delivery_state/next_delivery_at drive retries after commit, from any instance.
 */
export const auditAlerts = pgTable(
  'audit_alerts',
  {
    id: uuid('id').primaryKey(),
    rule: text('rule').notNull(),
    severity: text('severity').notNull(),
    at: timestamp('at', { withTimezone: true, mode: 'date' }).notNull(),
    actor: text('actor'),
    summary: text('summary').notNull(),
    status: text('status').notNull().default('open'),
    // The same incident (rule + subject) raises once until dedup_until, unless it escalates.
    dedupKey: text('dedup_key').notNull(),
    dedupUntil: timestamp('dedup_until', { withTimezone: true, mode: 'date' }).notNull(),
    evidenceSeqs: jsonb('evidence_seqs').notNull().default(sql`'[]'::jsonb`),
    details: jsonb('details').notNull().default(sql`'{}'::jsonb`),
    statusChangedAt: timestamp('status_changed_at', { withTimezone: true, mode: 'date' }),
    statusChangedBy: text('status_changed_by'),
    statusNote: text('status_note'),
    deliveryState: text('delivery_state').notNull().default('none'),
    deliveryAttempts: integer('delivery_attempts').notNull().default(0),
    nextDeliveryAt: timestamp('next_delivery_at', { withTimezone: true, mode: 'date' }),
    lastDeliveryError: text('last_delivery_error'),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    index('audit_alerts_at_idx').on(t.at, t.id),
    index('audit_alerts_dedup_idx').on(t.dedupKey, t.dedupUntil),
    index('audit_alerts_delivery_due_idx').on(t.nextDeliveryAt).where(sql`${t.deliveryState} = 'pending'`),
    check('audit_alerts_severity_check', sql`${t.severity} in ('low', 'medium', 'high', 'critical')`),
    check('audit_alerts_status_check', sql`${t.status} in ('open', 'acknowledged', 'closed')`),
    check('audit_alerts_delivery_state_check', sql`${t.deliveryState} in ('none', 'pending', 'delivered', 'failed')`),
  ],
);
