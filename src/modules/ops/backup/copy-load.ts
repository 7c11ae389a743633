// Loads one table's rows with COPY: on server PostgreSQL a `COPY … FROM STDIN` stream (with
// backpressure, so memory stays bounded whatever the table's size); on PGlite, which has no
// COPY protocol, `COPY … FROM '/dev/blob'` over blobs of a few megabytes each. Both run inside
// the restore's transaction, on its own connection.
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import type { Transaction as PgliteTransaction } from '@electric-sql/pglite';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { EngineName, Queryable } from '../../../platform/db/types.ts';
import { quoteIdent } from './tables.ts';

// PGlite copies each blob into its in-memory file system: a few MB per COPY keeps that bounded
// while the per-statement cost stays negligible.
const BLOB_BYTES = 8 * 1024 * 1024;

export interface CopySink {
  /** Lines of COPY text format (UTF-8), each ending in a newline. */
  write(lines: Uint8Array): Promise<void>;
  /** All rows sent: waits until the table is loaded. */
  end(): Promise<void>;
  /** Gives up the COPY so the connection can roll back; never throws. */
  abort(reason: unknown): Promise<void>;
}

/** The driver's connection under a drizzle transaction (drizzle keeps it as `session.client`). */
function rawClient<T>(tx: Queryable): T {
  const client = (tx as unknown as { session?: { client?: T } }).session?.client;
  if (!client) throw new Error('cannot reach the database connection of this transaction');
  return client;
}

function copyStatement(table: string, columns: string[], source: string): string {
  return `copy ${quoteIdent(table)} (${columns.map(quoteIdent).join(', ')}) from ${source} with (freeze)`;
}

export function openCopy(engine: EngineName, tx: Queryable, table: string, columns: string[]): CopySink {
  return engine === 'pg' ? pgCopy(rawClient<PoolClient>(tx), copyStatement(table, columns, 'stdin')) : pgliteCopy(rawClient<PgliteTransaction>(tx), copyStatement(table, columns, "'/dev/blob'"));
}

function pgCopy(client: PoolClient, statement: string): CopySink {
  const stream = client.query(copyFrom(statement, { highWaterMark: 1 << 20 }));
  let failure: unknown;
  stream.on('error', (err) => {
    failure ??= err;
  });
  const done = finished(stream);
  done.catch(() => undefined); // observed by end() or abort()
  return {
    async write(lines) {
      if (failure) throw failure;
      // once() rejects if the stream fails (the server refused a row) while we wait.
      if (!stream.write(lines)) await once(stream, 'drain');
    },
    async end() {
      if (failure) throw failure;
      stream.end();
      await done;
      if (failure) throw failure;
    },
    async abort(reason) {
      // destroy() sends CopyFail and settles once the server has ended the COPY, so the
      // transaction's rollback that follows is not queued behind a COPY that never ends.
      if (!stream.destroyed && !stream.writableFinished) stream.destroy(reason instanceof Error ? reason : new Error(String(reason)));
      await done.catch(() => undefined);
    },
  };
}

function pgliteCopy(client: PgliteTransaction, statement: string): CopySink {
  let parts: Uint8Array[] = [];
  let bytes = 0;
  const flush = async () => {
    if (bytes === 0) return;
    const blob = new Blob(parts);
    parts = [];
    bytes = 0;
    await client.query(statement, [], { blob });
  };
  return {
    async write(lines) {
      parts.push(lines);
      bytes += lines.length;
      if (bytes >= BLOB_BYTES) await flush();
    },
    end: flush,
    async abort() {
      parts = [];
      bytes = 0;
    },
  };
}
