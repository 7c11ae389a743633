import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type { SQL } from 'drizzle-orm';

/**
 * Anything that can run a query: the engine's root handle or an open transaction.
 * Repos are factories over a Queryable so the same code runs inside or outside a transaction.
 */
export type Queryable = PgDatabase<PgQueryResultHKT, Record<string, never>>;

export type EngineName = 'pglite' | 'pg';

export interface TransactionOptions {
  isolationLevel?: 'read committed' | 'repeatable read' | 'serializable';
  /** How many times a serialization failure or deadlock is retried before giving up. */
  maxRetries?: number;
}

export interface Database {
  readonly engine: EngineName;
  readonly db: Queryable;
  /** Runs fn in one transaction; retries 40001/40P01 a bounded number of times. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>, options?: TransactionOptions): Promise<T>;
  /** Runs fn on one dedicated connection (advisory locks, LISTEN); PGlite has only one. */
  withConnection<T>(fn: (conn: Queryable) => Promise<T>): Promise<T>;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

/** Runs raw SQL (built with drizzle's sql template) and returns its rows on either engine. */
export async function queryRows<T>(q: Queryable, query: SQL): Promise<T[]> {
  const result = (await q.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}
