// The two database engines behind one Database interface: embedded PGlite for a single shop,
// a `pg` pool for a PostgreSQL server.
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { sql } from 'drizzle-orm';
import type { Database, Queryable, TransactionOptions } from './types.ts';
import { isRetryableTransactionError } from './sqlstate.ts';

// Server sessions never wait forever on a lock: a stuck lock becomes a 503 with Retry-After.
const SESSION_OPTIONS = '-c lock_timeout=5000 -c statement_timeout=60000 -c idle_in_transaction_session_timeout=60000';

// numeric and bigint arrive as strings (exact); timestamptz as Date via drizzle's mapping.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => v);

async function withRetries<T>(run: () => Promise<T>, maxRetries: number): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await run();
    } catch (err) {
      if (attempt >= maxRetries || !isRetryableTransactionError(err)) throw err;
      // Jittered back-off so the competing transactions do not collide again in lockstep.
      await new Promise((r) => setTimeout(r, 5 + Math.random() * 20 * (attempt + 1)));
    }
  }
}

/**
 * Counts transactions in flight so close() can let them finish: at shutdown a request whose
 * client already went away may still be inside one, and closing the pool under it would turn a
 * clean commit (or rollback) into a spurious error.
 */
function inFlightTracker() {
  let active = 0;
  return {
    async run<T>(work: () => Promise<T>): Promise<T> {
      active += 1;
      try {
        return await work();
      } finally {
        active -= 1;
      }
    },
    async drain(timeoutMs = 10_000): Promise<void> {
      const deadline = Date.now() + timeoutMs;
      while (active > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    },
  };
}

export interface PgliteOptions {
  dataDir?: string;
  /** A tarball from dumpDataDir, used by tests to clone a migrated template. */
  loadDataDir?: Blob;
}

export async function openPglite(options: PgliteOptions): Promise<Database & { client: PGlite }> {
  const client = await PGlite.create({
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
  });
  const db = drizzlePglite(client) as unknown as Queryable;
  const inFlight = inFlightTracker();
  return {
    engine: 'pglite',
    db,
    client,
    // PGlite is one connection and serializes transactions itself; retries still apply to
    // deadlocks that cannot happen there, so they are harmless.
    transaction: (fn, opts: TransactionOptions = {}) =>
      inFlight.run(() => withRetries(
        () => db.transaction(fn, opts.isolationLevel ? { isolationLevel: opts.isolationLevel } : undefined),
        opts.maxRetries ?? 3,
      )),
    withConnection: (fn) => fn(db),
    ping: async () => {
      try {
        await client.query('select 1');
        return true;
      } catch {
        return false;
      }
    },
    close: async () => {
      await inFlight.drain();
      await client.close();
    },
  };
}

export interface PgOptions {
  url: string;
  poolSize: number;
  applicationName?: string;
}

export function openPg(options: PgOptions): Database & { pool: pg.Pool } {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize,
    options: SESSION_OPTIONS,
    application_name: options.applicationName ?? 'inventario',
    connectionTimeoutMillis: 10_000,
  });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  const db = drizzlePg(pool) as unknown as Queryable;
  const inFlight = inFlightTracker();
  return {
    engine: 'pg',
    db,
    pool,
    transaction: (fn, opts: TransactionOptions = {}) =>
      inFlight.run(() => withRetries(
        () => db.transaction(fn, opts.isolationLevel ? { isolationLevel: opts.isolationLevel } : undefined),
        opts.maxRetries ?? 5,
      )),
    withConnection: async (fn) => {
      const client = await pool.connect();
      try {
        return await fn(drizzlePg(client) as unknown as Queryable);
      } finally {
        client.release();
      }
    },
    ping: async () => {
      try {
        await db.execute(sql`select 1`);
        return true;
      } catch {
        return false;
      }
    },
    close: async () => {
      await inFlight.drain();
      await pool.end();
    },
  };
}
