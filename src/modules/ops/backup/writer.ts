// Makes a backup: one consistent snapshot of every table (a repeatable-read, read-only
// transaction; rows as PostgreSQL's own text form of the row, which either engine parses back
// exactly), then the uploaded invoice files, gzip-compressed and sealed frame by frame.
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { createGzip } from 'node:zlib';
import { sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import { queryRows, type Database } from '../../../platform/db/types.ts';
import { verifyMigrationChecksums } from '../../../platform/db/migrate.ts';
import { readHead } from '../../../platform/audit/sealer.ts';
import { randomKey, wipe } from '../../../platform/crypto/primitives.ts';
import {
  encodeHeader,
  FILE_SUFFIX,
  FORMAT_VERSION,
  FRAME_DATA,
  FRAME_LAST,
  FRAME_PLAINTEXT_BYTES,
  headerHash,
  manifestFrame,
  sealFrame,
  wrapBackupKey,
  type BackupHeader,
  type BackupKeys,
  type BackupManifest,
  type ChainHeadInfo,
} from './format.ts';
import { listTables, quoteIdent } from './tables.ts';

const FETCH_ROWS = 2000;
const FILE_CHUNK = 192 * 1024;

export interface CreateBackupOptions {
  database: Database;
  dataDir: string;
  keys: BackupKeys;
  /** Target file; by default a new name in `<dataDir>/backups`. */
  out?: string;
  /** gzip level 1–9 (default 1: the content is text and compresses well even at 1). */
  level?: number;
  onProgress?: (stage: string, done: number, total: number) => void;
}

export function backupsDir(dataDir: string): string {
  return path.join(dataDir, 'backups');
}

export function defaultBackupName(engine: string, at: Date, id: string): string {
  return `inventario-${engine}-${at.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${id.slice(-6)}${FILE_SUFFIX}`;
}

/** The sealed, compressed output: content lines in, frames out to a private file. */
class SealedWriter {
  private readonly fd: number;
  private readonly gzip;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private index = 0;
  private readonly contentHash = createHash('sha256');
  contentBytes = 0;
  fileBytes = 0;

  constructor(
    readonly file: string,
    private readonly dek: Buffer,
    private readonly hHash: Buffer,
    headerBytes: Buffer,
    level: number,
  ) {
    this.fd = fs.openSync(file, 'wx', 0o600);
    this.put(headerBytes);
    this.gzip = createGzip({ level });
    this.gzip.on('data', (chunk: Buffer) => {
      this.pending.push(chunk);
      this.pendingBytes += chunk.length;
      while (this.pendingBytes >= FRAME_PLAINTEXT_BYTES) this.flushFrame(FRAME_DATA, FRAME_PLAINTEXT_BYTES);
    });
  }

  private put(buf: Buffer): void {
    let done = 0;
    while (done < buf.length) done += fs.writeSync(this.fd, buf, done, buf.length - done);
    this.fileBytes += buf.length;
  }

  private flushFrame(type: number, bytes: number): void {
    const all = Buffer.concat(this.pending);
    const plain = all.subarray(0, bytes);
    const rest = all.subarray(bytes);
    this.pending = rest.length ? [rest] : [];
    this.pendingBytes = rest.length;
    this.put(sealFrame(this.dek, this.hHash, this.index++, type, plain));
  }

  async line(text: string): Promise<void> {
    const buf = Buffer.from(`${text}\n`, 'utf8');
    this.contentHash.update(buf);
    this.contentBytes += buf.length;
    if (!this.gzip.write(buf)) await once(this.gzip, 'drain');
  }

  async finish(manifest: (contentSha256: string, contentBytes: number) => BackupManifest): Promise<BackupManifest> {
    const ended = once(this.gzip, 'end');
    this.gzip.end();
    this.gzip.resume();
    await ended;
    while (this.pendingBytes > FRAME_PLAINTEXT_BYTES) this.flushFrame(FRAME_DATA, FRAME_PLAINTEXT_BYTES);
    this.flushFrame(FRAME_LAST, this.pendingBytes);
    const m = manifest(this.contentHash.digest('hex'), this.contentBytes);
    this.put(manifestFrame(this.dek, this.hHash, this.index, m));
    fs.fsyncSync(this.fd);
    fs.closeSync(this.fd);
    return m;
  }

  abort(): void {
    try {
      fs.closeSync(this.fd);
    } catch {
      // already closed
    }
    fs.rmSync(this.file, { force: true });
  }
}

function invoiceFiles(dataDir: string): { rel: string; abs: string; size: number }[] {
  const root = path.join(dataDir, 'invoices');
  const out: { rel: string; abs: string; size: number }[] = [];
  let prefixes: string[];
  try {
    prefixes = fs.readdirSync(root).filter((p) => /^[0-9a-f]{2}$/.test(p)).sort();
  } catch {
    return out;
  }
  for (const p of prefixes) {
    for (const name of fs.readdirSync(path.join(root, p)).filter((n) => /^[0-9a-f]{64}$/.test(n)).sort()) {
      const abs = path.join(root, p, name);
      out.push({ rel: `${p}/${name}`, abs, size: fs.statSync(abs).size });
    }
  }
  return out;
}

export async function createBackup(options: CreateBackupOptions): Promise<{ file: string; manifest: BackupManifest; size: number }> {
  const { database, keys } = options;
  const createdAt = new Date();
  const backupId = uuidv7();
  const status = await verifyMigrationChecksums(database);
  const file = path.resolve(options.out ?? path.join(backupsDir(options.dataDir), defaultBackupName(database.engine, createdAt, backupId)));
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  if (fs.existsSync(file)) throw new Error(`refusing to overwrite ${file}`);
  const partial = `${file}.${randomBytes(4).toString('hex')}.partial`;
  const dek = randomKey();
  const header: BackupHeader = {
    format_version: FORMAT_VERSION,
    backup_id: backupId,
    created_at: createdAt.toISOString(),
    engine: database.engine,
    schema_version: status.latest,
    kek_kcv: keys.active.kcv,
    wrapped_key: wrapBackupKey(keys.active.key, backupId, dek),
    compression: 'gzip',
  };
  const headerBytes = encodeHeader(header);
  const writer = new SealedWriter(partial, dek, headerHash(headerBytes), headerBytes, options.level ?? 1);
  try {
    const rowCounts: Record<string, number> = {};
    let chainHead: ChainHeadInfo | null = null;
    await database.transaction(
      async (tx) => {
        await tx.execute(sql`set transaction read only`);
        // Text forms that parse back identically anywhere: ISO dates in UTC, floats exact.
        await tx.execute(sql`set local datestyle = 'ISO, YMD'`);
        await tx.execute(sql`set local timezone = 'UTC'`);
        await tx.execute(sql`set local extra_float_digits = 3`);
        await tx.execute(sql`set local intervalstyle = 'postgres'`);
        const head = await readHead(tx);
        chainHead = head ? { position: head.position, event_seq: head.eventSeq, hash: head.hash } : null;
        const tables = await listTables(tx);
        for (const [i, table] of tables.entries()) {
          options.onProgress?.(`table ${table.name}`, i, tables.length);
          await writer.line(`T${JSON.stringify({ name: table.name, columns: table.columns })}`);
          const id = quoteIdent(table.name);
          await tx.execute(sql.raw(`declare backup_rows no scroll cursor for select t::text as r from ${id} t`));
          let rows = 0;
          for (;;) {
            const batch = await queryRows<{ r: string }>(tx, sql.raw(`fetch ${FETCH_ROWS} from backup_rows`));
            if (batch.length === 0) break;
            rows += batch.length;
            await writer.line(`R${batch.length}\t${JSON.stringify(batch.map((b) => b.r))}`);
          }
          await tx.execute(sql.raw('close backup_rows'));
          rowCounts[table.name] = rows;
          await writer.line(`E${JSON.stringify({ name: table.name, rows })}`);
        }
      },
      { isolationLevel: 'repeatable read', maxRetries: 0 },
    );
    const files = invoiceFiles(options.dataDir);
    let fileBytes = 0;
    for (const [i, f] of files.entries()) {
      options.onProgress?.('invoice files', i, files.length);
      const data = fs.readFileSync(f.abs);
      const sha256 = createHash('sha256').update(data).digest('hex');
      // Content-addressed: a file whose bytes no longer match its name was damaged on disk.
      if (sha256 !== path.basename(f.abs)) throw new Error(`invoice file ${f.rel} is damaged on disk (its content does not match its name)`);
      await writer.line(`F${JSON.stringify({ path: f.rel, size: data.length, sha256 })}`);
      for (let off = 0; off < data.length; off += FILE_CHUNK) await writer.line(`D${data.subarray(off, off + FILE_CHUNK).toString('base64')}`);
      await writer.line('G');
      fileBytes += data.length;
    }
    await writer.line('Z');
    const manifest = await writer.finish((contentSha256, contentBytes) => ({
      format_version: FORMAT_VERSION,
      backup_id: backupId,
      engine: database.engine,
      schema_version: status.latest,
      migrations_applied: status.applied,
      created_at: header.created_at,
      finished_at: new Date().toISOString(),
      row_counts: rowCounts,
      files: { count: files.length, bytes: fileBytes },
      content_sha256: contentSha256,
      content_bytes: contentBytes,
      audit_chain_head: chainHead,
      kek_kcv: keys.active.kcv,
    }));
    fs.renameSync(partial, file);
    return { file, manifest, size: writer.fileBytes };
  } catch (err) {
    writer.abort();
    throw err;
  } finally {
    wipe(dek);
  }
}
