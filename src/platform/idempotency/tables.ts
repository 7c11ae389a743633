import { sql } from 'drizzle-orm';
import { check, index, integer, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/** Remembered responses for Idempotency-Key, scoped by caller and operation. */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    scope: text('scope').notNull(),
    key: text('key').notNull(),
    requestHash: text('request_hash').notNull(),
    status: text('status').notNull(),
    // Only the holder of the current claim may complete it; a takeover issues a new token.
    claimToken: uuid('claim_token').notNull(),
    responseStatus: integer('response_status'),
    // Text, not jsonb: a replay returns the original bytes, key order included.
    responseBody: text('response_body'),
    // While in progress: after this instant a crashed request's claim may be taken over.
    lockedUntil: timestamp('locked_until', { withTimezone: true, mode: 'date' }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.scope, t.key], name: 'idempotency_keys_pkey' }),
    index('idempotency_keys_expires_idx').on(t.expiresAt),
    check('idempotency_keys_status_check', sql`${t.status} in ('in_progress', 'done')`),
  ],
);
