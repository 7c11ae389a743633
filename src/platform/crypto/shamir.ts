// Splitting the master key into Shamir shares (k of n) and getting it back. The library is
// audited but cannot tell a wrong share from a right one (any k byte strings combine into
// *something*), so every share carries the key check value of the key it came from, and a
// recovery only succeeds when the combined key has exactly that KCV. Each share also has a
// checksum of its own bytes, to name the damaged file instead of just failing.
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { combine, split } from 'shamir-secret-sharing';
import { ShareError } from './errors.ts';
import { KEY_BYTES, keyCheckValue, sameBytes } from './primitives.ts';

export const SHARE_FORMAT = 'inventario-key-share/v1';

export interface ShareFile {
  format: typeof SHARE_FORMAT;
  /** Random id of one split: shares of different splits never combine. */
  split_id: string;
  index: number;
  threshold: number;
  total: number;
  /** The master key version, when the keyring says it (null for a key given in the environment). */
  key_version: number | null;
  kcv: string;
  created_at: string;
  share: string;
  checksum: string;
}

function checksumOf(share: Buffer): string {
  return createHash('sha256').update(share).digest('hex').slice(0, 16);
}

export async function splitKey(key: Buffer, options: { shares: number; threshold: number; keyVersion: number | null }): Promise<ShareFile[]> {
  const { shares, threshold } = options;
  if (key.length !== KEY_BYTES) throw new ShareError('the key to split must be 32 bytes');
  if (!Number.isInteger(shares) || !Number.isInteger(threshold) || threshold < 2 || shares < threshold || shares > 255) {
    throw new ShareError('need 2 <= threshold <= shares <= 255');
  }
  const parts = await split(new Uint8Array(key), shares, threshold);
  const splitId = randomBytes(8).toString('hex');
  const kcv = keyCheckValue(key);
  const createdAt = new Date().toISOString();
  return parts.map((bytes, i) => {
    const share = Buffer.from(bytes);
    return {
      format: SHARE_FORMAT,
      split_id: splitId,
      index: i + 1,
      threshold,
      total: shares,
      key_version: options.keyVersion,
      kcv,
      created_at: createdAt,
      share: share.toString('base64'),
      checksum: checksumOf(share),
    };
  });
}

export function shareFileName(share: Pick<ShareFile, 'index' | 'total' | 'kcv'>): string {
  return `inventario-key-${share.kcv}-share-${share.index}-of-${share.total}.json`;
}

/** Writes one file per share (mode 0600); refuses before writing anything if one exists. */
export function writeShareFiles(dir: string, shares: ShareFile[]): string[] {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const files = shares.map((s) => path.join(dir, shareFileName(s)));
  const existing = files.filter((f) => fs.existsSync(f));
  if (existing.length > 0) throw new ShareError(`refusing to overwrite ${existing[0]}; choose an empty --out directory`);
  shares.forEach((share, i) => {
    // 'wx' also closes the race with another writer between the check above and here.
    fs.writeFileSync(files[i]!, `${JSON.stringify(share, null, 2)}\n`, { flag: 'wx', mode: 0o600 });
  });
  return files;
}

export function parseShareFile(text: string, label: string): ShareFile {
  const bad = (why: string): never => {
    throw new ShareError(`${label} is not a usable key share: ${why}`);
  };
  let raw: Partial<ShareFile>;
  try {
    raw = JSON.parse(text) as Partial<ShareFile>;
  } catch {
    return bad('not JSON');
  }
  if (!raw || raw.format !== SHARE_FORMAT) bad(`format is not ${SHARE_FORMAT}`);
  const ints = [raw.index, raw.threshold, raw.total];
  if (!ints.every((n) => Number.isInteger(n) && (n as number) >= 1 && (n as number) <= 255)) bad('index, threshold or total is missing');
  if (typeof raw.split_id !== 'string' || typeof raw.kcv !== 'string' || !/^[0-9a-f]{16}$/.test(raw.kcv)) bad('split_id or kcv is missing');
  if (raw.key_version !== null && !Number.isInteger(raw.key_version)) bad('key_version is invalid');
  if (typeof raw.share !== 'string' || typeof raw.checksum !== 'string') bad('share data is missing');
  const bytes = Buffer.from(raw.share!, 'base64');
  // A share is the key's length plus one byte naming its x coordinate.
  if (bytes.length !== KEY_BYTES + 1 || checksumOf(bytes) !== raw.checksum) bad('it is damaged (checksum mismatch)');
  return raw as ShareFile;
}

export function readShareFile(file: string): ShareFile {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new ShareError(`cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  return parseShareFile(text, file);
}

export interface RecoveredKey {
  key: Buffer;
  kcv: string;
  keyVersion: number | null;
  sharesUsed: number;
  threshold: number;
  total: number;
}

/** Combines shares; throws ShareError unless the result is provably the key they came from. */
export async function recoverKey(shares: ShareFile[]): Promise<RecoveredKey> {
  if (shares.length === 0) throw new ShareError('no shares given');
  const first = shares[0]!;
  for (const s of shares) {
    if (s.split_id !== first.split_id || s.kcv !== first.kcv || s.threshold !== first.threshold || s.total !== first.total) {
      throw new ShareError(
        `the shares come from different splits (split ${first.split_id} with KCV ${first.kcv} and split ${s.split_id} with KCV ${s.kcv}); use shares of one split only`,
      );
    }
  }
  const byIndex = new Map<number, ShareFile>();
  for (const s of shares) byIndex.set(s.index, s);
  const distinct = [...byIndex.values()];
  if (distinct.length < first.threshold) {
    throw new ShareError(`not enough shares: this split needs ${first.threshold} of ${first.total}, got ${distinct.length} different one(s)`);
  }
  let key: Buffer;
  try {
    key = Buffer.from(await combine(distinct.map((s) => new Uint8Array(Buffer.from(s.share, 'base64')))));
  } catch {
    throw new ShareError('the shares do not combine (two of them are the same share under different names?)');
  }
  const kcv = keyCheckValue(key);
  if (key.length !== KEY_BYTES || !sameBytes(Buffer.from(kcv, 'hex'), Buffer.from(first.kcv, 'hex'))) {
    key.fill(0);
    throw new ShareError(`the recovered key does not match the key check value ${first.kcv}: at least one share is wrong or was altered`);
  }
  return { key, kcv, keyVersion: first.key_version, sharesUsed: distinct.length, threshold: first.threshold, total: first.total };
}
