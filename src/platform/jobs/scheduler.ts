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
  /** Run once shortly after start as well. */
  runAtStart?: boolean;
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

export function startJob(options: JobOptions, fn: () => Promise<Record<string, unknown>>): { stop(): void } {
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      const result = await runExclusive(options.database, options.name, fn);
      if (result) options.logger.info({ job: options.name, ...result }, 'job finished');
    } catch (err) {
      options.logger.error({ job: options.name, err }, 'job failed');
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void tick(), options.everyMs);
  timer.unref();
  const first = options.runAtStart === false ? undefined : setTimeout(() => void tick(), 5_000);
  first?.unref();
  return {
    stop() {
      clearInterval(timer);
      if (first) clearTimeout(first);
    },
  };
}
