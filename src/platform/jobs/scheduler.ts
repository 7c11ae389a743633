// Periodic jobs that must run on one instance only. On PostgreSQL the instance that gets a
// transaction-level advisory lock runs the job; the others skip that round. PGlite has one
// process by construction.
import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Database } from '../db/types.ts';
import { queryRows } from '../db/types.ts';
import type { Logger } from '../observability/logger.ts';

export interface JobOptions {
  name: string;
  everyMs: number;
  database: Database;
  logger: Logger;
  /** Delay before the first round (default 5 s). */
  firstDelayMs?: number;
  /**
   * How the one-instance guarantee is taken: a transaction-level advisory lock (default), or a
   * session-level one on a dedicated connection for rounds that may outlast
   * idle_in_transaction_session_timeout (a full audit verification).
   */
  lock?: 'transaction' | 'session';
}

function lockIdFor(name: string): bigint {
  return createHash('sha256').update(`job:${name}`).digest().readBigInt64BE(0);
}

/** Runs fn under the job's advisory lock; returns undefined when another instance holds it. */
export async function runExclusive<T>(database: Database, name: string, fn: () => Promise<T>): Promise<T | undefined> {
  if (database.engine === 'pglite') return fn();
  return database.transaction(async (tx) => {
    const [row] = await queryRows<{ locked: boolean }>(tx, sql`select pg_try_advisory_xact_lock(${lockIdFor(name).toString()}::bigint) as locked`);
    return row?.locked ? fn() : undefined;
  });
}

/** Like runExclusive, with a session-level lock held on one dedicated connection. */
export async function runWithSessionLock<T>(database: Database, name: string, fn: () => Promise<T>): Promise<T | undefined> {
  if (database.engine === 'pglite') return fn();
  const id = lockIdFor(name).toString();
  return database.withConnection(async (conn) => {
    const [row] = await queryRows<{ locked: boolean }>(conn, sql`select pg_try_advisory_lock(${id}::bigint) as locked`);
    if (!row?.locked) return undefined;
    try {
      return await fn();
    } finally {
      await conn.execute(sql`select pg_advisory_unlock(${id}::bigint)`);
    }
  });
}

/**
 * Runs fn every `everyMs` on one instance at a time. Rounds never overlap (the next is scheduled
 * when one ends). A round that returns a record is logged at info; a round that returns nothing
 * logs nothing (a sealer running every second would otherwise flood the log).
 */
export function startJob(options: JobOptions, fn: () => Promise<Record<string, unknown> | undefined>): { stop(): void } {
  const exclusive = options.lock === 'session' ? runWithSessionLock : runExclusive;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const schedule = (ms: number) => {
    timer = setTimeout(() => void tick(), ms);
    timer.unref();
  };
  const tick = async () => {
    try {
      const result = await exclusive(options.database, options.name, fn);
      if (result) options.logger.info({ job: options.name, ...result }, 'job finished');
    } catch (err) {
      // A round cut short by shutdown (database closed under it) is not worth an error line.
      if (!stopped) options.logger.error({ job: options.name, err }, 'job failed');
    } finally {
      if (!stopped) schedule(options.everyMs);
    }
  };
  schedule(options.firstDelayMs ?? 5_000);
  return {
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
