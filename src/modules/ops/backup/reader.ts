// Reads a backup: header, frames, manifest. `scanBackup` decrypts and checks everything
// (authentication of every frame, the content hash, row counts, file hashes, the end marker)
// and hands each content record to an optional handler: verify passes none, restore loads them.
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import { pipeline, Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import {
  BackupError,
  checkManifestFrame,
  END_MAGIC,
  FRAME_DATA,
  FRAME_HEAD_BYTES,
  FRAME_LAST,
  FRAME_MANIFEST,
  headerHash,
  MAGIC,
  openDataFrame,
  parseFrameHead,
  parseHeaderJson,
  unwrapBackupKey,
  type BackupHeader,
  type BackupKeys,
  type BackupManifest,
} from './format.ts';

export type ContentRecord =
  | { kind: 'table'; name: string; columns: string[] }
  | { kind: 'rows'; table: string; count: number; json: string }
  | { kind: 'table-end'; name: string; rows: number }
  | { kind: 'file'; path: string; size: number; sha256: string }
  | { kind: 'file-data'; path: string; data: Buffer };

export interface OpenedBackup {
  header: BackupHeader;
  /** Bytes of magic + length + header JSON. */
  headerBytes: Buffer;
  size: number;
}

async function readExactly(handle: fs.FileHandle, position: number, length: number): Promise<Buffer | undefined> {
  const buf = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await handle.read(buf, done, length - done, position + done);
    if (bytesRead === 0) return undefined;
    done += bytesRead;
  }
  return buf;
}

async function openFile(file: string): Promise<fs.FileHandle> {
  try {
    return await fs.open(file, 'r');
  } catch (err) {
    throw new BackupError(`cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`, 'io');
  }
}

async function readHeaderFrom(handle: fs.FileHandle, file: string): Promise<OpenedBackup> {
  const size = (await handle.stat()).size;
  const start = await readExactly(handle, 0, MAGIC.length + 4);
  if (!start || !start.subarray(0, MAGIC.length).equals(MAGIC)) throw new BackupError(`${file} is not an inventario backup`, 'not_a_backup');
  const len = start.readUInt32BE(MAGIC.length);
  if (len > 64 * 1024) throw new BackupError(`${file} is not an inventario backup: header too long`, 'not_a_backup');
  const json = await readExactly(handle, start.length, len);
  if (!json) throw new BackupError(`the backup ${file} is truncated (inside its header)`, 'truncated');
  return { header: parseHeaderJson(json), headerBytes: Buffer.concat([start, json]), size };
}

export async function readBackupHeader(file: string): Promise<OpenedBackup> {
  const handle = await openFile(file);
  try {
    return await readHeaderFrom(handle, file);
  } finally {
    await handle.close();
  }
}

/** The manifest from the footer, NOT authenticated (listing only); undefined when incomplete. */
export async function peekManifest(file: string): Promise<{ header: BackupHeader; manifest: BackupManifest | undefined; size: number }> {
  const handle = await openFile(file);
  try {
    const opened = await readHeaderFrom(handle, file);
    const tail = opened.size >= 12 ? await readExactly(handle, opened.size - 12, 12) : undefined;
    if (!tail || !tail.subarray(4).equals(END_MAGIC)) return { header: opened.header, manifest: undefined, size: opened.size };
    const frameLen = tail.readUInt32BE(0);
    const frame = await readExactly(handle, opened.size - 12 - frameLen, frameLen);
    try {
      const manifest = frame ? (JSON.parse(frame.subarray(FRAME_HEAD_BYTES).toString('utf8')) as BackupManifest) : undefined;
      return { header: opened.header, manifest, size: opened.size };
    } catch {
      return { header: opened.header, manifest: undefined, size: opened.size };
    }
  } finally {
    await handle.close();
  }
}

/**
 * Splits the decompressed content into lines. Works on bytes, so a multi-byte character cut by a
 * chunk boundary is never mangled, and joins a long line's pieces once (not once per chunk).
 */
async function* lines(source: AsyncIterable<Buffer>): AsyncGenerator<string> {
  let pending: Buffer[] = [];
  for await (const chunk of source) {
    let start = 0;
    for (let nl = chunk.indexOf(10, start); nl >= 0; nl = chunk.indexOf(10, start)) {
      const piece = chunk.subarray(start, nl);
      yield (pending.length ? Buffer.concat([...pending, piece]) : piece).toString('utf8');
      pending = [];
      start = nl + 1;
    }
    if (start < chunk.length) pending.push(chunk.subarray(start));
  }
  if (pending.length) yield Buffer.concat(pending).toString('utf8');
}

export interface ScanProgress {
  (bytesRead: number, totalBytes: number): void;
}

export async function scanBackup(
  file: string,
  keys: BackupKeys,
  handler?: (record: ContentRecord) => Promise<void> | void,
  onProgress?: ScanProgress,
): Promise<{ header: BackupHeader; manifest: BackupManifest }> {
  const handle = await openFile(file);
  try {
    const opened = await readHeaderFrom(handle, file);
    const { header } = opened;
    const dek = unwrapBackupKey(header, keys);
    const hHash = headerHash(opened.headerBytes);
    let position = opened.headerBytes.length;
    let index = 0;
    let manifest: BackupManifest | undefined;
    const truncated = () => new BackupError(`the backup ${file} is truncated at byte ${position} of ${opened.size}`, 'truncated');

    async function* frames(): AsyncGenerator<Buffer> {
      for (;;) {
        const head = await readExactly(handle, position, FRAME_HEAD_BYTES);
        if (!head) throw truncated();
        const { type, length } = parseFrameHead(head);
        if (type !== FRAME_DATA && type !== FRAME_LAST && type !== FRAME_MANIFEST) throw new BackupError(`the backup is corrupted: unknown frame type at byte ${position}`, 'corrupted');
        if (length > 64 * 1024 * 1024) throw new BackupError(`the backup is corrupted: impossible frame length at byte ${position}`, 'corrupted');
        const body = await readExactly(handle, position + FRAME_HEAD_BYTES, length);
        if (!body) throw truncated();
        const frame = { type, iv: head.subarray(5, 17), tag: head.subarray(17, 33), body };
        position += FRAME_HEAD_BYTES + length;
        onProgress?.(position, opened.size);
        if (type === FRAME_MANIFEST) {
          manifest = checkManifestFrame(dek, hHash, index, frame);
          const tail = await readExactly(handle, position, 12);
          if (!tail || !tail.subarray(4).equals(END_MAGIC)) throw truncated();
          if (position + 12 !== opened.size) throw new BackupError('the backup is corrupted: data after its end', 'corrupted');
          return;
        }
        const plain = openDataFrame(dek, hHash, index, frame);
        index += 1;
        yield plain;
        if (type === FRAME_LAST) {
          // Only the manifest may follow.
          const next = await readExactly(handle, position, 1);
          if (!next) throw truncated();
          if (next.readUInt8(0) !== FRAME_MANIFEST) throw new BackupError('the backup is corrupted: data after its last frame', 'corrupted');
        }
      }
    }

    const hash = createHash('sha256');
    let contentBytes = 0;
    const gunzip = createGunzip({ chunkSize: 256 * 1024 });
    // pipeline (not pipe) so a frame that fails to authenticate ends the gunzip stream with that
    // error instead of leaving it waiting forever.
    pipeline(Readable.from(frames()), gunzip, () => undefined);
    const counted = (async function* () {
      try {
        for await (const chunk of gunzip as AsyncIterable<Buffer>) {
          hash.update(chunk);
          contentBytes += chunk.length;
          yield chunk;
        }
      } catch (err) {
        if (err instanceof BackupError) throw err;
        throw new BackupError(`the backup is corrupted: ${(err as Error).message}`, 'corrupted');
      }
    })();

    const rowCounts: Record<string, number> = {};
    let table: string | undefined;
    let fileState: { path: string; size: number; sha256: string; got: number; hash: ReturnType<typeof createHash> } | undefined;
    let ended = false;
    const bad = (why: string): never => {
      throw new BackupError(`the backup is corrupted: ${why}`, 'corrupted');
    };
    for await (const line of lines(counted)) {
      if (ended) bad('content after its end marker');
      const tag = line[0];
      const rest = line.slice(1);
      if (tag === 'R') {
        const tab = rest.indexOf('\t');
        const count = Number(rest.slice(0, tab));
        if (!table || tab < 0 || !Number.isInteger(count)) bad('rows outside a table');
        rowCounts[table!] = (rowCounts[table!] ?? 0) + count;
        if (handler) await handler({ kind: 'rows', table: table!, count, json: rest.slice(tab + 1) });
      } else if (tag === 'T') {
        const t = JSON.parse(rest) as { name: string; columns: string[] };
        table = t.name;
        rowCounts[table] = 0;
        if (handler) await handler({ kind: 'table', name: t.name, columns: t.columns });
      } else if (tag === 'E') {
        const e = JSON.parse(rest) as { name: string; rows: number };
        if (e.name !== table || e.rows !== rowCounts[table]) bad(`row count of ${e.name} does not add up`);
        if (handler) await handler({ kind: 'table-end', name: e.name, rows: e.rows });
        table = undefined;
      } else if (tag === 'F') {
        const f = JSON.parse(rest) as { path: string; size: number; sha256: string };
        if (!/^[0-9a-f]{2}\/[0-9a-f]{64}$/.test(f.path)) bad('an invoice file has an unexpected name');
        fileState = { ...f, got: 0, hash: createHash('sha256') };
        if (handler) await handler({ kind: 'file', ...f });
      } else if (tag === 'D') {
        if (!fileState) bad('file data outside a file');
        const data = Buffer.from(rest, 'base64');
        fileState!.got += data.length;
        fileState!.hash.update(data);
        if (handler) await handler({ kind: 'file-data', path: fileState!.path, data });
      } else if (tag === 'G') {
        if (!fileState || fileState.got !== fileState.size || fileState.hash.digest('hex') !== fileState.sha256) bad(`invoice file ${fileState?.path ?? '?'} does not match its hash`);
        fileState = undefined;
      } else if (tag === 'Z') {
        ended = true;
      } else {
        bad('unknown content record');
      }
    }
    if (!manifest) throw truncated();
    if (!ended) bad('the content has no end marker');
    const m: BackupManifest = manifest;
    if (hash.digest('hex') !== m.content_sha256 || contentBytes !== m.content_bytes) bad('the content does not match the SHA-256 in the manifest');
    for (const [name, n] of Object.entries(m.row_counts)) if (rowCounts[name] !== n) bad(`table ${name} has ${rowCounts[name] ?? 0} rows, the manifest says ${n}`);
    if (m.backup_id !== header.backup_id) bad('the manifest belongs to another backup');
    return { header, manifest: m };
  } finally {
    await handle.close();
  }
}
