// The register of shredded data keys: one line per destroyed data key id, kept in the data
// directory beside the keyring and never inside the database.
//
// Destroying a data key in the database cannot reach a backup taken before: that copy still holds
// the key, wrapped by the same master key. So the key service also refuses every id in this
// register, whatever database it serves: an older backup restored with this installation's keys
// cannot decrypt a person erased after it was taken, before anything else runs on it. The file is
// appended only after the destroying transaction committed (a rolled-back erasure must not make a
// live person unreadable), each line flushed to disk before the call returns; a crash between the
// commit and the append is repaired at the next start, which adds every id the database itself
// marks destroyed. Ids only: nothing here says whose key it was.
import fs from 'node:fs';
import path from 'node:path';
import { appendDurably } from '../fs/durable.ts';

export const SHREDDED_KEYS_FILE_NAME = 'shredded-data-keys.jsonl';

export function dataDirShreddedKeysPath(dataDir: string): string {
  return path.join(dataDir, SHREDDED_KEYS_FILE_NAME);
}

export interface ShreddedKeyRegister {
  readonly file: string;
  has(id: string): boolean;
  /** Appends the ids not yet registered (fsynced); returns how many were new. */
  add(ids: readonly string[], at?: Date): number;
  /** Every registered id. */
  ids(): string[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function readIds(file: string): Set<string> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new Set();
    throw err;
  }
  const ids = new Set<string>();
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const entry = JSON.parse(line) as { id?: unknown };
      if (typeof entry.id === 'string' && UUID.test(entry.id)) ids.add(entry.id.toLowerCase());
    } catch {
      // A torn last line (crash while appending): its id is added again at the next start.
    }
  }
  return ids;
}

/** Opens the register at `file` (a missing file is an empty register). */
export function openShreddedKeyRegister(file: string): ShreddedKeyRegister {
  let ids = new Set<string>();
  let seenSize = -1;
  // Another process on the same data directory (the CLI's retention run next to a server on
  // PostgreSQL) may append: a changed size means reading the file again. One stat per check.
  const refresh = (): void => {
    let size: number;
    try {
      size = fs.statSync(file).size;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      size = 0;
    }
    if (size !== seenSize) {
      ids = readIds(file);
      seenSize = size;
    }
  };

  return {
    file,
    has(id) {
      refresh();
      return ids.has(id.toLowerCase());
    },
    add(newIds, at = new Date()) {
      refresh();
      const fresh = [...new Set(newIds.map((id) => id.toLowerCase()))].filter((id) => !ids.has(id));
      if (fresh.length === 0) return 0;
      appendDurably(file, fresh.map((id) => `${JSON.stringify({ id, at: at.toISOString() })}\n`).join(''));
      for (const id of fresh) ids.add(id);
      seenSize = fs.statSync(file).size;
      return fresh.length;
    },
    ids() {
      refresh();
      return [...ids];
    },
  };
}

/**
 * Adds every id registered in `fromFile` to the register at `toFile` (a union: registers only
 * grow). Used to keep a copy beside the backup copies, and to take that copy back when a data
 * directory was lost and a backup is restored on a new one.
 */
export function mergeShreddedKeys(fromFile: string, toFile: string): number {
  if (path.resolve(fromFile) === path.resolve(toFile) || !fs.existsSync(fromFile)) return 0;
  return openShreddedKeyRegister(toFile).add(openShreddedKeyRegister(fromFile).ids());
}
