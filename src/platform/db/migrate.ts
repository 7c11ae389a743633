// Applies the numbered SQL migrations with drizzle's programmatic migrator, one instance at a
// time, and refuses to run when an applied migration file was edited afterwards.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgliteDatabase } from 'drizzle-orm/pglite';
import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import { queryRows, type Database } from './types.ts';

export const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../migrations');

// Arbitrary constant shared by every instance: only one of them migrates at a time.
const MIGRATION_LOCK_ID = 727_001;

interface JournalEntry {
  idx: number;
  tag: string;
  when: number;
}

export function readJournal(dir = MIGRATIONS_DIR): JournalEntry[] {
  const journal = JSON.parse(fs.readFileSync(path.join(dir, 'meta/_journal.json'), 'utf8')) as {
    entries: JournalEntry[];
  };
  return journal.entries;
}

export class MigrationError extends Error {
  override name = 'MigrationError';
}

export interface MigrationStatus {
  applied: number;
  latest: string | null;
}

export async function runMigrations(database: Database, dir = MIGRATIONS_DIR): Promise<MigrationStatus> {
  const before = database.engine === 'pglite' ? await appliedCount(database) : 0;
  await database.withConnection(async (conn) => {
    if (database.engine === 'pg') await conn.execute(sql`select pg_advisory_lock(${MIGRATION_LOCK_ID})`);
    try {
      if (database.engine === 'pg') {
        await migratePg(conn as unknown as NodePgDatabase, { migrationsFolder: dir });
      } else {
        await migratePglite(conn as unknown as PgliteDatabase, { migrationsFolder: dir });
      }
    } finally {
      if (database.engine === 'pg') await conn.execute(sql`select pg_advisory_unlock(${MIGRATION_LOCK_ID})`);
    }
  });
  const status = await verifyMigrationChecksums(database, dir);
  // PGlite has no autovacuum: without statistics the planner scans and sorts whole tables. New
  // or changed tables get them here; otherwise the statistics kept in the database still hold
  // (nothing changes while no process has it open) and `serve` refreshes them shortly after it
  // starts and then every hour, so a CLI command does not pay for a full VACUUM on every run.
  if (database.engine === 'pglite' && status.applied !== before) await analyzeEmbedded(database);
  return status;
}

/** How many migrations the database has recorded; 0 before the first one. */
async function appliedCount(database: Database): Promise<number> {
  const [table] = await queryRows<{ name: string | null }>(database.db, sql`select to_regclass('drizzle.__drizzle_migrations')::text as name`);
  if (!table?.name) return 0;
  const [row] = await queryRows<{ applied: number }>(database.db, sql`select count(*)::int as applied from drizzle.__drizzle_migrations`);
  return row?.applied ?? 0;
}

/** Refreshes planner statistics on the embedded engine (also run hourly by `serve`). */
export async function analyzeEmbedded(database: Database): Promise<void> {
  if (database.engine !== 'pglite') return;
  await database.db.execute(sql`vacuum (analyze)`);
}

/** Compares the hash drizzle stored for each applied migration with the file on disk. */
export async function verifyMigrationChecksums(database: Database, dir = MIGRATIONS_DIR): Promise<MigrationStatus> {
  const entries = readJournal(dir);
  const applied = await queryRows<{ hash: string; created_at: string }>(
    database.db,
    sql`select hash, created_at::text as created_at from drizzle.__drizzle_migrations order by created_at`,
  );
  const byWhen = new Map(entries.map((e) => [String(e.when), e]));
  for (const row of applied) {
    const entry = byWhen.get(row.created_at);
    if (!entry) throw new MigrationError(`The database has a migration (${row.created_at}) this version does not know; is the code older than the database?`);
    const content = fs.readFileSync(path.join(dir, `${entry.tag}.sql`));
    const hash = crypto.createHash('sha256').update(content.toString()).digest('hex');
    if (hash !== row.hash) {
      throw new MigrationError(`Migration ${entry.tag}.sql was edited after it was applied; migrations are forward-only`);
    }
  }
  const last = applied.length ? byWhen.get(applied[applied.length - 1]!.created_at) : undefined;
  return { applied: applied.length, latest: last?.tag ?? null };
}
