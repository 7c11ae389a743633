// Restores a backup into an empty database of either engine (embedded → server PostgreSQL is
// the way a shop moves to a server). The schema is migrated to the backup's version, every
// table is loaded with COPY in ONE transaction that commits only once the whole file has
// authenticated and matched its manifest (a corrupted, truncated or wrong-key backup writes no
// row and no invoice file), and the remaining migrations bring it up to this version of the code.
// A target that holds data (--force) is only touched after a first pass has verified the file.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { MIGRATIONS_DIR, readJournal, runMigrations, verifyMigrationChecksums } from '../../../platform/db/migrate.ts';
import { queryRows, type Database, type Queryable } from '../../../platform/db/types.ts';
import { BackupError, unwrapBackupKey, type BackupKeys, type BackupManifest } from './format.ts';
import { peekManifest, scanBackup } from './reader.ts';
import { openCopy, type CopySink } from './copy-load.ts';
import { recordsToCopyText } from './copy-text.ts';
import { listTables, quoteIdent } from './tables.ts';

export interface RestoreOptions {
  file: string;
  keys: BackupKeys;
  target: Database;
  /** Where the invoice files go (`<dataDir>/invoices`). */
  dataDir: string;
  /** Replace a database that already holds data. */
  force?: boolean;
  onProgress?: (stage: string, done: number, total: number) => void;
}

export interface RestoreResult {
  manifest: BackupManifest;
  row_counts: Record<string, number>;
  files_restored: number;
  schema_version: string | null;
  /** The separate verification pass (0 when the file was verified while it loaded). */
  verify_ms: number;
  load_ms: number;
}

// Rows the migrations themselves insert (0000_init seeds the main location): a database holding
// only these is still empty.
const MIGRATION_SEEDS: Record<string, number> = { locations: 1 };

async function rowCounts(q: Queryable, tables: string[]): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const t of tables) {
    const [row] = await queryRows<{ n: string | number }>(q, sql.raw(`select count(*)::bigint as n from ${quoteIdent(t)}`));
    counts[t] = Number(row!.n);
  }
  return counts;
}

async function appliedMigrations(q: Queryable): Promise<number> {
  const [exists] = await queryRows<{ ok: boolean }>(q, sql`select to_regclass('drizzle.__drizzle_migrations') is not null as ok`);
  if (!exists?.ok) return 0;
  const [row] = await queryRows<{ n: string | number }>(q, sql`select count(*) as n from drizzle.__drizzle_migrations`);
  return Number(row!.n);
}

/** A copy of the migrations folder that stops at `tag`: the schema the backup was taken with. */
function migrationsUpTo(tag: string | null): { dir: string; cleanup: () => void } {
  const entries = readJournal();
  const idx = tag === null ? -1 : entries.findIndex((e) => e.tag === tag);
  if (tag !== null && idx < 0) {
    throw new BackupError(`the backup's schema ${tag} is newer than this version of inventario knows; upgrade inventario first`, 'schema');
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'inventario-migrations-'));
  fs.mkdirSync(path.join(dir, 'meta'));
  const journal = JSON.parse(fs.readFileSync(path.join(MIGRATIONS_DIR, 'meta/_journal.json'), 'utf8')) as { entries: unknown[] };
  journal.entries = journal.entries.slice(0, idx + 1);
  fs.writeFileSync(path.join(dir, 'meta/_journal.json'), JSON.stringify(journal));
  for (const e of entries.slice(0, idx + 1)) fs.copyFileSync(path.join(MIGRATIONS_DIR, `${e.tag}.sql`), path.join(dir, `${e.tag}.sql`));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

async function wipeSchema(database: Database): Promise<void> {
  await database.transaction(async (tx) => {
    await tx.execute(sql`drop schema if exists drizzle cascade`);
    await tx.execute(sql`drop schema if exists public cascade`);
    await tx.execute(sql`create schema public`);
  });
}

/** The target's tables and those holding rows beyond the migrations' own. */
async function targetState(target: Database): Promise<{ tables: string[]; holding: [string, number][] }> {
  const tables = (await listTables(target.db)).map((t) => t.name);
  const counts = await rowCounts(target.db, tables);
  return { tables, holding: Object.entries(counts).filter(([t, n]) => n > (MIGRATION_SEEDS[t] ?? 0)) };
}

/** Prepares the target: refuses data unless forced, leaves an empty schema at the backup's version. */
async function prepareTarget(options: RestoreOptions, manifest: BackupManifest): Promise<void> {
  const { target } = options;
  const { tables, holding } = await targetState(target);
  if (holding.length > 0 && !options.force) {
    const total = holding.reduce((s, [, n]) => s + n, 0);
    throw new BackupError(
      `the target database is not empty (${total} rows in ${holding.length} tables, e.g. ${holding.slice(0, 3).map(([t]) => t).join(', ')}); restore into an empty database or pass --force to replace it`,
      'not_empty',
    );
  }
  const applied = await appliedMigrations(target.db);
  const wanted = manifest.migrations_applied;
  // Anything that is not exactly "empty at the backup's schema version" is rebuilt from nothing.
  if (tables.length > 0 && applied === wanted && holding.length === 0) return;
  if (tables.length > 0) await wipeSchema(target);
  const partial = migrationsUpTo(manifest.schema_version);
  try {
    await runMigrations(target, partial.dir);
  } finally {
    partial.cleanup();
  }
}

interface Deferred {
  constraints: { table: string; name: string; def: string; kind: string }[];
  indexes: { name: string; def: string }[];
}

/**
 * Drops the target's keys, unique constraints, foreign keys and indexes for the load and returns
 * their definitions, the way pg_restore orders a restore: loading into bare tables and building
 * each index once afterwards is many times faster than maintaining them row by row, and the
 * rebuilt constraints check every row anyway. All inside the restore's transaction.
 */
async function dropForLoad(tx: Queryable): Promise<Deferred> {
  const constraints = await queryRows<{ table: string; name: string; def: string; kind: string }>(
    tx,
    sql`select c.relname::text as table, k.conname::text as name, pg_get_constraintdef(k.oid) as def, k.contype::text as kind
        from pg_constraint k join pg_class c on c.oid = k.conrelid join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'public' and k.contype in ('p', 'u', 'f') order by (k.contype = 'f') desc, c.relname, k.conname`,
  );
  const indexes = await queryRows<{ name: string; def: string }>(
    tx,
    sql`select ci.relname::text as name, pg_get_indexdef(ci.oid) as def
        from pg_index x join pg_class ci on ci.oid = x.indexrelid join pg_class t on t.oid = x.indrelid
        join pg_namespace n on n.oid = t.relnamespace
        where n.nspname = 'public' and not exists (select 1 from pg_constraint k where k.conindid = x.indexrelid and k.contype in ('p', 'u', 'x'))
        order by ci.relname`,
  );
  // Foreign keys first: they depend on the keys they reference.
  for (const c of constraints) await tx.execute(sql.raw(`alter table ${quoteIdent(c.table)} drop constraint ${quoteIdent(c.name)}`));
  for (const i of indexes) await tx.execute(sql.raw(`drop index ${quoteIdent(i.name)}`));
  return { constraints, indexes };
}

async function rebuildAfterLoad(tx: Queryable, deferred: Deferred): Promise<void> {
  for (const c of deferred.constraints.filter((k) => k.kind !== 'f')) await tx.execute(sql.raw(`alter table ${quoteIdent(c.table)} add constraint ${quoteIdent(c.name)} ${c.def}`));
  for (const i of deferred.indexes) await tx.execute(sql.raw(i.def));
  for (const c of deferred.constraints.filter((k) => k.kind === 'f')) await tx.execute(sql.raw(`alter table ${quoteIdent(c.table)} add constraint ${quoteIdent(c.name)} ${c.def}`));
}

export async function restoreBackup(options: RestoreOptions): Promise<RestoreResult> {
  const { target, keys, file } = options;
  const t0 = Date.now();
  // The manifest at the end of the file says which schema to load into. An empty target has
  // nothing to lose, so the file is verified while it loads (one pass, rolled back on any
  // failure); a target with data, or a file whose end is unreadable, gets a full pass first.
  const peeked = await peekManifest(file);
  let manifest: BackupManifest;
  let verifyMs = 0;
  if (peeked.manifest && (await targetState(target)).holding.length === 0) {
    manifest = peeked.manifest;
    unwrapBackupKey(peeked.header, keys).fill(0); // a wrong key is refused before anything else
  } else {
    ({ manifest } = await scanBackup(file, keys, undefined, (done, total) => options.onProgress?.('verify', done, total)));
    verifyMs = Date.now() - t0;
  }
  await prepareTarget(options, manifest);

  const t1 = Date.now();
  const invoicesRoot = path.join(options.dataDir, 'invoices');
  // Staged beside invoices/ (same file system, so moving them in is a rename), so a restore that
  // fails leaves no trace there.
  const staging = path.join(options.dataDir, `.restore-${randomBytes(6).toString('hex')}`);
  const staged: string[] = [];
  let restoredCounts: Record<string, number> = {};
  try {
    await target.transaction(
      async (tx) => {
        await tx.execute(sql`set local datestyle = 'ISO, YMD'`);
        await tx.execute(sql`set local timezone = 'UTC'`);
        await tx.execute(sql`set local intervalstyle = 'postgres'`);
        // One COPY loads a whole table and one statement rebuilds each index: on a big store
        // either can outlast the server sessions' 60 s statement timeout.
        await tx.execute(sql`set local statement_timeout = 0`);
        const tables = await listTables(tx);
        const byName = new Map(tables.map((t) => [t.name, t]));
        // The audit queue trigger would queue every restored event again; the backup has the
        // queue as it was. Owner rights suffice (no superuser), and it is re-enabled before commit.
        for (const t of tables) await tx.execute(sql.raw(`alter table ${quoteIdent(t.name)} disable trigger user`));
        const deferred = await dropForLoad(tx);
        // Emptied in this transaction (only the migrations' seed rows are there), so COPY can
        // write the rows already frozen: no hint-bit rewrite of the whole table afterwards.
        if (tables.length) await tx.execute(sql.raw(`truncate ${tables.map((t) => quoteIdent(t.name)).join(', ')}`));
        // Index builds sort every key: with the default 64 MB they spill to disk on a big store.
        await tx.execute(sql`set local maintenance_work_mem = '256MB'`);
        let sink: CopySink | undefined;
        let out: fs.WriteStream | undefined;
        let outPath = '';
        try {
          const scanned = await scanBackup(
            file,
            keys,
            async (record) => {
              if (record.kind === 'table') {
                const there = byName.get(record.name);
                if (!there || there.columns.join(',') !== record.columns.join(',')) {
                  throw new BackupError(`table ${record.name} in the backup does not match the schema ${manifest.schema_version ?? ''} here`, 'schema');
                }
                sink = openCopy(target.engine, tx, record.name, record.columns);
              } else if (record.kind === 'rows') {
                // The rows are stored in record text form; COPY's text form is the same values
                // cut differently, so the database parses each value once, on its fastest path.
                await sink!.write(recordsToCopyText(record.json));
              } else if (record.kind === 'table-end') {
                // A table's rows are all in before the next table (and the row counts) are touched.
                const s = sink!;
                sink = undefined;
                await s.end();
              } else if (record.kind === 'file') {
                if (out) out.end();
                fs.mkdirSync(staging, { recursive: true, mode: 0o700 });
                outPath = path.join(staging, record.path.replace('/', '_'));
                staged.push(record.path);
                out = fs.createWriteStream(outPath, { mode: 0o600 });
              } else if (record.kind === 'file-data') {
                if (!out!.write(record.data)) await new Promise<void>((r) => out!.once('drain', () => r()));
              }
            },
            (done, total) => options.onProgress?.('restore', done, total),
          );
          // The manifest the schema was chosen by is the one that authenticated.
          if (JSON.stringify(scanned.manifest) !== JSON.stringify(manifest)) throw new BackupError('the backup is corrupted: its manifest does not authenticate', 'corrupted');
        } catch (err) {
          // A COPY left open would hold the connection: end it before the rollback.
          await sink?.abort(err);
          throw err;
        }
        if (out) {
          const o = out as fs.WriteStream;
          await new Promise<void>((resolve, reject) => o.end((err?: Error | null) => (err ? reject(err) : resolve())));
        }
        options.onProgress?.('indexes', 0, 1);
        await rebuildAfterLoad(tx, deferred);
        options.onProgress?.('checks', 0, 1);
        for (const t of tables) await tx.execute(sql.raw(`alter table ${quoteIdent(t.name)} enable trigger user`));
        // Serial columns continue after the restored rows.
        const serials = await queryRows<{ table_name: string; column_name: string }>(
          tx,
          sql`select table_name::text, column_name::text from information_schema.columns where table_schema = 'public' and column_default like 'nextval(%'`,
        );
        for (const s of serials) {
          const t = quoteIdent(s.table_name);
          const c = quoteIdent(s.column_name);
          await tx.execute(sql.raw(`select setval(pg_get_serial_sequence('${t.replace(/'/g, "''")}', '${s.column_name.replace(/'/g, "''")}'), coalesce((select max(${c}) from ${t}), 0) + 1, false)`));
        }
        restoredCounts = await rowCounts(tx, Object.keys(manifest.row_counts));
        for (const [name, n] of Object.entries(manifest.row_counts)) {
          if (restoredCounts[name] !== n) throw new BackupError(`after loading, ${name} has ${restoredCounts[name]} rows; the manifest says ${n}`, 'mismatch');
        }
      },
      { maxRetries: 0 },
    );
    // Committed: move the invoice files into place (content-addressed, so an existing file with
    // the same name already has the same bytes).
    for (const rel of staged) {
      const dest = path.join(invoicesRoot, rel);
      fs.mkdirSync(path.dirname(dest), { recursive: true, mode: 0o700 });
      if (!fs.existsSync(dest)) fs.renameSync(path.join(staging, rel.replace('/', '_')), dest);
    }
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
  // Usually the backup is of this very schema: then only the checksums are checked, and the
  // embedded engine (no autovacuum) gets planner statistics for the rows just loaded.
  let status;
  if ((await appliedMigrations(target.db)) === readJournal().length) {
    status = await verifyMigrationChecksums(target);
    options.onProgress?.('analyze', 0, 1);
    if (target.engine === 'pglite') await target.db.execute(sql`analyze`);
  } else {
    status = await runMigrations(target);
  }
  return { manifest, row_counts: restoredCounts, files_restored: staged.length, schema_version: status.latest, verify_ms: verifyMs, load_ms: Date.now() - t1 };
}
