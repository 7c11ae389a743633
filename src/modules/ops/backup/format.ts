// The backup file format (docs/operations/backup-and-restore.md has the byte layout):
//
//   "INVBKP1\n" ‖ u32 header length ‖ header JSON            plaintext, authenticated by every frame
//   frames: u8 type ‖ u32 length ‖ iv(12) ‖ tag(16) ‖ body     type 0 data, 1 last data, 2 manifest
//   footer: u32 manifest frame length ‖ "INVBEND\n"
//
// Data frames are AES-256-GCM over ~1 MiB of the gzip stream of the content, under a fresh
// backup data key that the header carries wrapped by the master key (never the master key
// itself). Each frame's associated data binds the header hash, the frame number and its type, so
// frames cannot be dropped, reordered, replayed from another backup, or cut after the last one
// without failing authentication. The manifest frame is plaintext (so `backup list` needs no key)
// and authenticated the same way (GCM over empty plaintext with the manifest as extra AAD).
import { createHash } from 'node:crypto';
import { unwrapDataKey, wrapDataKey } from '../../../platform/crypto/envelope.ts';
import { DecryptError, gcmOpen, gcmSeal, IV_BYTES, keyCheckValue, TAG_BYTES } from '../../../platform/crypto/primitives.ts';

export const MAGIC = Buffer.from('INVBKP1\n');
export const END_MAGIC = Buffer.from('INVBEND\n');
export const FORMAT_VERSION = 1;
export const FRAME_PLAINTEXT_BYTES = 1 << 20;
export const FILE_SUFFIX = '.invbak';
export const FRAME_DATA = 0;
export const FRAME_LAST = 1;
export const FRAME_MANIFEST = 2;
const FRAME_HEAD = 1 + 4 + IV_BYTES + TAG_BYTES;
// Wrapped with key version 0 in the AAD: a backup names its master key by KCV, not by version.
const WRAP_VERSION = 0;
const WRAP_SUBJECT = 'system:backup';

/** Every reason a backup cannot be read; the message is one line for the CLI and the API. */
export class BackupError extends Error {
  override name = 'BackupError';
  constructor(
    message: string,
    readonly reason: 'not_a_backup' | 'truncated' | 'corrupted' | 'wrong_key' | 'schema' | 'not_empty' | 'mismatch' | 'io',
  ) {
    super(message);
  }
}

export interface ChainHeadInfo {
  position: number;
  event_seq: number;
  hash: string;
}

export interface BackupHeader {
  format_version: number;
  backup_id: string;
  created_at: string;
  engine: 'pglite' | 'pg';
  schema_version: string | null;
  kek_kcv: string;
  wrapped_key: string;
  compression: 'gzip';
}

export interface BackupManifest {
  format_version: number;
  backup_id: string;
  engine: 'pglite' | 'pg';
  schema_version: string | null;
  migrations_applied: number;
  created_at: string;
  finished_at: string;
  row_counts: Record<string, number>;
  files: { count: number; bytes: number };
  content_sha256: string;
  content_bytes: number;
  audit_chain_head: ChainHeadInfo | null;
  kek_kcv: string;
}

/** The master keys a process can use for backups, by key check value. */
export interface BackupKeys {
  active: { kcv: string; key: Buffer };
  byKcv(kcv: string): Buffer | undefined;
  kcvs(): string[];
}

export function backupKeysOf(active: Buffer, others: Buffer[] = []): BackupKeys {
  const map = new Map<string, Buffer>();
  for (const k of [active, ...others]) map.set(keyCheckValue(k), k);
  return { active: { kcv: keyCheckValue(active), key: active }, byKcv: (kcv) => map.get(kcv), kcvs: () => [...map.keys()] };
}

export function wrapBackupKey(kek: Buffer, backupId: string, dek: Buffer): string {
  return wrapDataKey(kek, WRAP_VERSION, backupId, WRAP_SUBJECT, dek);
}

export function unwrapBackupKey(header: BackupHeader, keys: BackupKeys): Buffer {
  const kek = keys.byKcv(header.kek_kcv);
  if (!kek) {
    throw new BackupError(
      `wrong key: the backup was made with the master key KCV ${header.kek_kcv}, which is not available here (have ${keys.kcvs().join(', ') || 'none'})`,
      'wrong_key',
    );
  }
  try {
    return unwrapDataKey(kek, WRAP_VERSION, header.backup_id, WRAP_SUBJECT, header.wrapped_key);
  } catch {
    throw new BackupError('the backup header is corrupted: its data key does not unwrap with the matching master key', 'corrupted');
  }
}

export function encodeHeader(header: BackupHeader): Buffer {
  const json = Buffer.from(JSON.stringify(header));
  const len = Buffer.alloc(4);
  len.writeUInt32BE(json.length);
  return Buffer.concat([MAGIC, len, json]);
}

export function headerHash(encoded: Buffer): Buffer {
  return createHash('sha256').update(encoded).digest();
}

function frameAad(hHash: Buffer, index: number, type: number, extra?: Buffer): Buffer {
  const meta = Buffer.alloc(9);
  meta.writeBigUInt64BE(BigInt(index));
  meta.writeUInt8(type, 8);
  return Buffer.concat([hHash, meta, ...(extra ? [extra] : [])]);
}

function frameOf(type: number, iv: Buffer, tag: Buffer, body: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.writeUInt8(type, 0);
  head.writeUInt32BE(body.length, 1);
  return Buffer.concat([head, iv, tag, body]);
}

export function sealFrame(dek: Buffer, hHash: Buffer, index: number, type: number, plaintext: Buffer): Buffer {
  const box = gcmSeal(dek, plaintext, frameAad(hHash, index, type));
  return frameOf(type, box.iv, box.tag, box.ciphertext);
}

export function manifestFrame(dek: Buffer, hHash: Buffer, index: number, manifest: BackupManifest): Buffer {
  const body = Buffer.from(JSON.stringify(manifest));
  const box = gcmSeal(dek, Buffer.alloc(0), frameAad(hHash, index, FRAME_MANIFEST, body));
  const frame = frameOf(FRAME_MANIFEST, box.iv, box.tag, body);
  const footer = Buffer.alloc(4);
  footer.writeUInt32BE(frame.length);
  return Buffer.concat([frame, footer, END_MAGIC]);
}

export interface RawFrame {
  type: number;
  iv: Buffer;
  tag: Buffer;
  body: Buffer;
}

export function parseFrameHead(head: Buffer): { type: number; length: number } {
  return { type: head.readUInt8(0), length: head.readUInt32BE(1) };
}

export const FRAME_HEAD_BYTES = FRAME_HEAD;

export function openDataFrame(dek: Buffer, hHash: Buffer, index: number, frame: RawFrame): Buffer {
  try {
    return gcmOpen(dek, { iv: frame.iv, tag: frame.tag, ciphertext: frame.body }, frameAad(hHash, index, frame.type));
  } catch (err) {
    if (err instanceof DecryptError) throw new BackupError(`the backup is corrupted: frame ${index} does not authenticate`, 'corrupted');
    throw err;
  }
}

export function checkManifestFrame(dek: Buffer, hHash: Buffer, index: number, frame: RawFrame): BackupManifest {
  try {
    gcmOpen(dek, { iv: frame.iv, tag: frame.tag, ciphertext: Buffer.alloc(0) }, frameAad(hHash, index, FRAME_MANIFEST, frame.body));
  } catch {
    throw new BackupError('the backup is corrupted: its manifest does not authenticate', 'corrupted');
  }
  return JSON.parse(frame.body.toString('utf8')) as BackupManifest;
}

export function parseHeaderJson(json: Buffer): BackupHeader {
  let header: BackupHeader;
  try {
    header = JSON.parse(json.toString('utf8')) as BackupHeader;
  } catch {
    throw new BackupError('not an inventario backup: unreadable header', 'not_a_backup');
  }
  if (header.format_version !== FORMAT_VERSION) {
    throw new BackupError(`unsupported backup format version ${String(header.format_version)} (this version reads ${FORMAT_VERSION})`, 'not_a_backup');
  }
  if (typeof header.kek_kcv !== 'string' || typeof header.wrapped_key !== 'string' || typeof header.backup_id !== 'string') {
    throw new BackupError('not an inventario backup: incomplete header', 'not_a_backup');
  }
  return header;
}
