// The keyring file: versioned master keys on disk, `{ versions: [{ version, key, created_at,
// retired_at? }], active }`, mode 0600. Written by replacing the whole file atomically, so a
// crash or a reader never sees half a keyring.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fsyncDir } from '../fs/durable.ts';
import { MasterKeyError } from './errors.ts';
import { parseBase64Key, randomKey } from './primitives.ts';

export const KEYRING_FILE_NAME = 'keyring.json';

export interface KeyringVersion {
  version: number;
  key: Buffer;
  createdAt: string;
  retiredAt: string | null;
}

export interface Keyring {
  versions: KeyringVersion[];
  active: number;
}

export function dataDirKeyringPath(dataDir: string): string {
  return path.join(dataDir, KEYRING_FILE_NAME);
}

export function newKeyring(now = new Date()): Keyring {
  return { versions: [{ version: 1, key: randomKey(), createdAt: now.toISOString(), retiredAt: null }], active: 1 };
}

export function activeVersion(keyring: Keyring): KeyringVersion {
  return keyring.versions.find((v) => v.version === keyring.active)!;
}

/** Validates the JSON shape; `origin` names the file in the one-line error. */
export function parseKeyring(text: string, origin: string): Keyring {
  const bad = (why: string): never => {
    throw new MasterKeyError(`${origin} is not a valid keyring: ${why}`);
  };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return bad('not JSON');
  }
  const obj = raw as { versions?: unknown; active?: unknown };
  if (!obj || typeof obj !== 'object' || !Array.isArray(obj.versions) || obj.versions.length === 0) bad('no versions');
  const versions: KeyringVersion[] = [];
  for (const entry of obj.versions as unknown[]) {
    const v = entry as { version?: unknown; key?: unknown; created_at?: unknown; retired_at?: unknown };
    if (!Number.isInteger(v?.version) || (v.version as number) < 1) bad('a version is not a positive integer');
    const key = typeof v.key === 'string' ? parseBase64Key(v.key) : undefined;
    if (!key) bad(`version ${String(v.version)} has no 32-byte base64 key`);
    if (versions.some((x) => x.version === v.version)) bad(`version ${String(v.version)} appears twice`);
    versions.push({
      version: v.version as number,
      key: key!,
      createdAt: typeof v.created_at === 'string' ? v.created_at : new Date(0).toISOString(),
      retiredAt: typeof v.retired_at === 'string' ? v.retired_at : null,
    });
  }
  const active = versions.find((v) => v.version === obj.active);
  if (!active) bad('"active" does not name one of its versions');
  if (active!.retiredAt) bad(`the active version ${active!.version} is marked retired`);
  return { versions: versions.sort((a, b) => a.version - b.version), active: active!.version };
}

export function serializeKeyring(keyring: Keyring): string {
  const versions = keyring.versions.map((v) => ({
    version: v.version,
    key: v.key.toString('base64'),
    created_at: v.createdAt,
    ...(v.retiredAt ? { retired_at: v.retiredAt } : {}),
  }));
  return `${JSON.stringify({ versions, active: keyring.active }, null, 2)}\n`;
}

/** Reads a keyring file; undefined when it does not exist. `requirePrivate` refuses a file
 * other users can read (the data-dir keyring is ours to keep at 0600). */
export function readKeyringFile(file: string, options: { requirePrivate: boolean }): Keyring | undefined {
  let text: string;
  try {
    if (options.requirePrivate && process.platform !== 'win32') {
      const mode = fs.statSync(file).mode & 0o777;
      if (mode & 0o077) {
        throw new MasterKeyError(`${file} is readable by other users (mode ${mode.toString(8)}); run: chmod 600 ${file}`);
      }
    }
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    if (err instanceof MasterKeyError) throw err;
    throw new MasterKeyError(`cannot read the keyring ${file}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  return parseKeyring(text, file);
}

function tempNameFor(file: string): string {
  return `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
}

function writePrivate(file: string, content: string): void {
  const fd = fs.openSync(file, 'wx', 0o600);
  try {
    fs.writeSync(fd, content);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Replaces the keyring file atomically (write a private temp file, fsync, rename). */
export function writeKeyringFile(file: string, keyring: Keyring): void {
  const tmp = tempNameFor(file);
  try {
    writePrivate(tmp, serializeKeyring(keyring));
    fs.renameSync(tmp, file);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
  fsyncDir(path.dirname(file));
}

/**
 * Creates a new keyring file unless one exists. Two processes starting together on one data
 * directory both end up with the same keyring: the file appears whole (temp file + hard link)
 * and exactly one link wins.
 */
export function createKeyringFileIfMissing(file: string): { keyring: Keyring; created: boolean } {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const keyring = newKeyring();
  const tmp = tempNameFor(file);
  try {
    writePrivate(tmp, serializeKeyring(keyring));
    try {
      fs.linkSync(tmp, file);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') return { keyring: readKeyringFile(file, { requirePrivate: true })!, created: false };
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP') throw err;
      // No hard links on this file system: an exclusive create is the next best thing.
      try {
        writePrivate(file, serializeKeyring(keyring));
      } catch (err2) {
        if ((err2 as NodeJS.ErrnoException).code !== 'EEXIST') throw err2;
        return { keyring: readKeyringFile(file, { requirePrivate: true })!, created: false };
      }
    }
  } finally {
    fs.rmSync(tmp, { force: true });
  }
  fsyncDir(path.dirname(file));
  return { keyring, created: true };
}
