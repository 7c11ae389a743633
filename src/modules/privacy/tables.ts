import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * The breach register (Ley 25.326 art. 9, GDPR art. 33.5): every suspected breach, whether or not
 * it was notified, with what the authority asks for. Rows are never deleted: the register is the
 * controller's proof of accountability.
 */
export const privacyBreaches = pgTable(
  'privacy_breaches',
  {
    id: uuid('id').primaryKey(),
    title: text('title').notNull(),
    description: text('description').notNull(),
    occurredAt: timestamp('occurred_at', { withTimezone: true, mode: 'date' }),
    detectedAt: timestamp('detected_at', { withTimezone: true, mode: 'date' }).notNull(),
    /** Data classes of src/modules/privacy/personal-data.ts. */
    dataClasses: jsonb('data_classes').$type<string[]>().notNull(),
    peopleAffected: integer('people_affected').notNull(),
    likelyConsequences: text('likely_consequences'),
    measuresTaken: text('measures_taken'),
    status: text('status').notNull().default('open'),
    notifiedAt: timestamp('notified_at', { withTimezone: true, mode: 'date' }),
    authorityReference: text('authority_reference'),
    delayReason: text('delay_reason'),
    closedAt: timestamp('closed_at', { withTimezone: true, mode: 'date' }),
    /** Ids of audit_alerts rows that relate to the breach (checked on write). */
    alertIds: jsonb('alert_ids').$type<string[]>().notNull().default(sql`'[]'::jsonb`),
    createdBy: text('created_by').notNull(),
    updatedBy: text('updated_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    index('privacy_breaches_detected_idx').on(t.detectedAt, t.id),
    check('privacy_breaches_status_check', sql`${t.status} in ('open', 'notified', 'closed')`),
    check('privacy_breaches_people_check', sql`${t.peopleAffected} >= 0`),
  ],
);

/**
 * One row per retention run (dry or applied): the report the dashboard and the CLI show. Kept
 * like audit events: they are the record that retention was applied.
 */
export const retentionRuns = pgTable(
  'retention_runs',
  {
    id: uuid('id').primaryKey(),
    trigger: text('trigger').notNull(),
    dryRun: boolean('dry_run').notNull(),
    actor: text('actor').notNull(),
    startedAt: timestamp('started_at', { withTimezone: true, mode: 'date' }).notNull(),
    finishedAt: timestamp('finished_at', { withTimezone: true, mode: 'date' }).notNull(),
    /** [{ class, action, cutoff, due, applied, retained, note }] */
    classes: jsonb('classes').notNull(),
  },
  (t) => [
    index('retention_runs_started_idx').on(t.startedAt, t.id),
    check('retention_runs_trigger_check', sql`${t.trigger} in ('api', 'cli', 'scheduled')`),
  ],
);
