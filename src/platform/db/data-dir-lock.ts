// PGlite does not lock its data directory and a second process opening it corrupts it. The
// first process writes its pid to a lock file created exclusively; a later one refuses to start
// while that pid is alive, and takes over the file when its owner died (kill -9, power cut).
//
// Two races are closed here: the lock file appears with its whole content at once (written to a
// private file, then hard-linked into place), so nobody sees it empty and mistakes it for a dead
// owner's; and a stale lock is removed only under a short-lived takeover mutex, after reading it
// again, so two processes taking over at the same moment cannot delete each other's new lock.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export class DataDirLockedError extends Error {
  override name = 'DataDirLockedError';
}

export interface DataDirLock {
  readonly file: string;
  release(): void;
}

interface Owner {
  pid?: number;
  host?: string;
  purpose?: string;
  boot?: string;
}

// A takeover lasts a few system calls; a mutex older than this was left by a crashed process.
const MUTEX_STALE_MS = 10_000;
const MAX_ATTEMPTS = 50;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Linux's id of the current boot: a lock written before a reboot (power cut) is stale even if
 * its pid now belongs to some other process. Undefined where the system does not offer it. */
function bootId(): string | undefined {
  try {
    return fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Creates `file` with `content` atomically; false when it already exists. */
function createExclusive(file: string, content: string): boolean {
  const tmp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  fs.writeFileSync(tmp, content, { mode: 0o600 });
  try {
    fs.linkSync(tmp, file);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP') throw err;
    // No hard links on this file system: fall back to an exclusive create.
    try {
      fs.writeFileSync(file, content, { flag: 'wx', mode: 0o600 });
      return true;
    } catch (err2) {
      if ((err2 as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw err2;
    }
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

function readRaw(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

function parseOwner(raw: string): Owner {
  try {
    return JSON.parse(raw) as Owner;
  } catch {
    return {}; // unreadable: written by hand or damaged; nobody can be holding it
  }
}

/** Whether the lock described by `raw` belongs to a live process other than this one. */
function heldByOther(owner: Owner): boolean {
  const sameHost = !owner.host || owner.host === os.hostname();
  if (sameHost && owner.boot && owner.boot !== bootId()) return false;
  return Boolean(owner.pid && owner.pid !== process.pid && (!sameHost || isAlive(owner.pid)));
}

/** Removes the lock file if it still holds exactly `staleRaw`, under the takeover mutex. */
function removeStale(file: string, staleRaw: string): void {
  const mutex = `${file}.takeover`;
  const mine = JSON.stringify({ pid: process.pid, host: os.hostname() });
  if (!createExclusive(mutex, mine)) {
    // Someone else is taking over right now, or a crashed process left its mutex behind.
    try {
      const owner = parseOwner(readRaw(mutex) ?? '{}');
      const age = Date.now() - fs.statSync(mutex).mtimeMs;
      const sameHost = !owner.host || owner.host === os.hostname();
      if (age > MUTEX_STALE_MS || (sameHost && owner.pid && !isAlive(owner.pid))) fs.rmSync(mutex, { force: true });
    } catch {
      // gone meanwhile
    }
    sleepSync(5 + Math.random() * 20);
    return;
  }
  try {
    if (readRaw(file) === staleRaw) fs.rmSync(file, { force: true });
  } finally {
    fs.rmSync(mutex, { force: true });
  }
}

export function acquireDataDirLock(dataDir: string, purpose: string): DataDirLock {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = path.join(dataDir, 'inventario.lock');
  const content = JSON.stringify({ pid: process.pid, host: os.hostname(), boot: bootId(), purpose, since: new Date().toISOString() });
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    if (createExclusive(file, content)) {
      let released = false;
      // A command that exits without closing the database (an error, process.exit) leaves no
      // lock behind; the database itself recovers on the next open as after kill -9.
      const onExit = () => release();
      const release = () => {
        if (released) return;
        released = true;
        process.removeListener('exit', onExit);
        try {
          const owner = JSON.parse(fs.readFileSync(file, 'utf8')) as { pid: number };
          if (owner.pid === process.pid) fs.unlinkSync(file);
        } catch {
          // already gone
        }
      };
      process.once('exit', onExit);
      return { file, release };
    }
    const raw = readRaw(file);
    if (raw === undefined) continue; // released meanwhile
    const owner = parseOwner(raw);
    if (heldByOther(owner)) {
      throw new DataDirLockedError(
        `The data directory ${dataDir} is in use by process ${owner.pid} (${owner.purpose ?? 'unknown'}); stop it first, or point INVENTARIO_DATA_DIR elsewhere`,
      );
    }
    removeStale(file, raw);
  }
  throw new DataDirLockedError(`Could not lock the data directory ${dataDir}`);
}
