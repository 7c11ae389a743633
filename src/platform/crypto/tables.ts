import { sql } from 'drizzle-orm';
import { check, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

/**
 * Which master keys (KEKs) exist, by version, with a key check value each. The keys themselves
 * never enter the database; the KCV lets a start-up prove that the configured key is the one the
 * data was wrapped with, and lets a key recovered from Shamir shares be verified.
 */
export const masterKeyVersions = pgTable(
  'master_key_versions',
  {
    version: integer('version').primaryKey(),
    // First 8 bytes of HMAC-SHA256(kek, "inventario-kcv"), hex.
    kcv: text('kcv').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    retiredAt: timestamp('retired_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [
    uniqueIndex('master_key_versions_kcv_key').on(t.kcv),
    check('master_key_versions_version_check', sql`${t.version} > 0`),
  ],
);

/**
 * Data keys (DEKs), one per subject (`customer:<id>`), wrapped by a master key version.
 * Destroying a key (crypto-shredding) drops the wrapped key and keeps the row, so everything
 * that referred to it stays consistent while its ciphertexts become unreadable for good.
 */
export const dataKeys = pgTable(
  'data_keys',
  {
    id: uuid('id').primaryKey(),
    subject: text('subject').notNull(),
    // base64(iv ‖ tag ‖ AES-256-GCM(wrap key, dek)); null once destroyed.
    wrappedKey: text('wrapped_key'),
    kekVersion: integer('kek_version')
      .notNull()
      .references(() => masterKeyVersions.version),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    destroyedAt: timestamp('destroyed_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [
    // One live key per subject; a destroyed subject may get a new key (a re-registered person).
    uniqueIndex('data_keys_subject_live_key').on(t.subject).where(sql`${t.destroyedAt} is null`),
    // Rotation walks the keys still wrapped by an old version.
    index('data_keys_kek_version_idx').on(t.kekVersion),
    check('data_keys_destroyed_check', sql`(${t.destroyedAt} is null) = (${t.wrappedKey} is not null)`),
  ],
);
