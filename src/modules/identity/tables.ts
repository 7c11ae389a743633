import { sql } from 'drizzle-orm';
import { check, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { dataKeys } from '../../platform/crypto/tables.ts';

export const apiKeys = pgTable(
  'api_keys',
  {
    id: uuid('id').primaryKey(),
    name: text('name').notNull(),
    role: text('role').notNull(),
    // The first characters of the key, shown to people so they can tell keys apart.
    prefix: text('prefix').notNull(),
    // SHA-256 of the whole key (hex). The key itself is never stored.
    keyHash: text('key_hash').notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }),
    revokedAt: timestamp('revoked_at', { withTimezone: true, mode: 'date' }),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [
    uniqueIndex('api_keys_key_hash_key').on(t.keyHash),
    index('api_keys_prefix_idx').on(t.prefix),
    check('api_keys_role_check', sql`${t.role} in ('admin', 'manager', 'clerk', 'auditor')`),
  ],
);

/** Dashboard accounts. Usernames are stored lower-cased; passwords only as an argon2id hash. */
export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey(),
    username: text('username').notNull(),
    role: text('role').notNull(),
    // argon2id PHC string ($argon2id$v=19$m=...,t=...,p=...$salt$hash); never leaves the server.
    passwordHash: text('password_hash').notNull(),
    // The email is personal data: sealed under the user's own data key (subject `user:<id>`),
    // created the first time an email is set. Nothing looks users up by email, so no blind index.
    dataKeyId: uuid('data_key_id').references(() => dataKeys.id),
    emailSealed: jsonb('email_sealed'),
    createdBy: text('created_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    passwordChangedAt: timestamp('password_changed_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    disabledAt: timestamp('disabled_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [
    uniqueIndex('users_username_key').on(t.username),
    check('users_role_check', sql`${t.role} in ('admin', 'manager', 'clerk', 'auditor')`),
  ],
);

/**
 * Server-side dashboard sessions. The cookie carries 32 random bytes; only their SHA-256 is
 * stored, so a copy of the database cannot be replayed as a cookie. Idle expiry is computed from
 * last_seen_at with the configured timeout; expires_at is the absolute limit set at login.
 */
export const userSessions = pgTable(
  'user_sessions',
  {
    id: uuid('id').primaryKey(),
    tokenHash: text('token_hash').notNull(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [
    uniqueIndex('user_sessions_token_hash_key').on(t.tokenHash),
    index('user_sessions_user_idx').on(t.userId),
    index('user_sessions_expires_idx').on(t.expiresAt),
  ],
);

/**
 * Failed-credential counters shared by every instance: per account (the submitted username,
 * known or not) and per client address (logins and API keys alike).
 */
export const loginThrottles = pgTable(
  'login_throttles',
  {
    scope: text('scope').notNull(),
    key: text('key').notNull(),
    failures: integer('failures').notNull().default(0),
    windowStartedAt: timestamp('window_started_at', { withTimezone: true, mode: 'date' }).notNull(),
    // How many locks were imposed recently: each further lock lasts twice as long.
    lockLevel: integer('lock_level').notNull().default(0),
    lockedUntil: timestamp('locked_until', { withTimezone: true, mode: 'date' }),
    lastFailureAt: timestamp('last_failure_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [
    primaryKey({ name: 'login_throttles_pkey', columns: [t.scope, t.key] }),
    index('login_throttles_last_failure_idx').on(t.lastFailureAt),
    check('login_throttles_scope_check', sql`${t.scope} in ('account', 'ip')`),
  ],
);
