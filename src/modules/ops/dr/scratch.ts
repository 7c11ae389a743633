// The drill's scratch target, never production: a throwaway PostgreSQL cluster (initdb + pg_ctl
// on a free port, in a temporary directory) when the server binaries exist, otherwise a PGlite
// directory. initdb refuses to run as root, so as root the cluster belongs to the `postgres`
// system user (runuser). destroy() is the simulated loss: stop the cluster, delete its data.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { openPg, openPglite } from '../../../platform/db/engines.ts';
import type { Database } from '../../../platform/db/types.ts';

const run = promisify(execFile);

export type ScratchKind = 'cluster' | 'pglite';

export interface ScratchTarget {
  kind: ScratchKind;
  database: Database;
  /** Where restored invoice files go. */
  dataDir: string;
  description: string;
  /** The loss: stops the target and deletes its data directory; true once it is gone. */
  destroy(): Promise<boolean>;
}

function executable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The directory holding initdb and pg_ctl (newest Debian version first, then the shell's PATH). */
export async function findPgBinaries(): Promise<string | undefined> {
  const candidates: string[] = [];
  try {
    const versions = fs.readdirSync('/usr/lib/postgresql').filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((v) => `/usr/lib/postgresql/${v}/bin`));
  } catch {
    // not Debian's layout
  }
  try {
    const found = (await run('sh', ['-c', 'command -v initdb'])).stdout.trim();
    if (found) candidates.push(path.dirname(fs.realpathSync(found)));
  } catch {
    // not on PATH
  }
  return candidates.find((dir) => executable(path.join(dir, 'initdb')) && executable(path.join(dir, 'pg_ctl')));
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

async function systemUser(name: string): Promise<{ uid: number; gid: number } | undefined> {
  try {
    const uid = Number((await run('id', ['-u', name])).stdout.trim());
    const gid = Number((await run('id', ['-g', name])).stdout.trim());
    return Number.isInteger(uid) && Number.isInteger(gid) ? { uid, gid } : undefined;
  } catch {
    return undefined;
  }
}

async function createCluster(bin: string): Promise<ScratchTarget> {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'inventario-drill-pg-'));
  const pgdata = path.join(base, 'pgdata');
  const asRoot = process.getuid?.() === 0;
  let prefix: string[] = [];
  if (asRoot) {
    const pgUser = await systemUser('postgres');
    if (!pgUser || !executable('/usr/sbin/runuser')) {
      fs.rmSync(base, { recursive: true, force: true });
      throw new Error('running as root and there is no `postgres` user with runuser to own the scratch cluster');
    }
    fs.chownSync(base, pgUser.uid, pgUser.gid);
    prefix = ['/usr/sbin/runuser', '-u', 'postgres', '--'];
  }
  const exec = (file: string, args: string[]) => (prefix.length ? run(prefix[0]!, [...prefix.slice(1), file, ...args]) : run(file, args));
  const port = await freePort();
  const stop = async () => {
    await exec(path.join(bin, 'pg_ctl'), ['-D', pgdata, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
  };
  try {
    await exec(path.join(bin, 'initdb'), ['-D', pgdata, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync', '--no-instructions']);
    const opts = `-p ${port} -k ${base} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
    await exec(path.join(bin, 'pg_ctl'), ['-D', pgdata, '-o', opts, '-l', path.join(base, 'server.log'), '-w', '-t', '60', 'start']);
  } catch (err) {
    await stop();
    fs.rmSync(base, { recursive: true, force: true });
    const e = err as { stderr?: string; message: string };
    throw new Error(`could not start a scratch PostgreSQL cluster: ${(e.stderr || e.message).trim().split('\n').pop()}`, { cause: err });
  }
  const database = openPg({ url: `postgres://postgres@127.0.0.1:${port}/postgres`, poolSize: 4, applicationName: 'inventario-dr-drill' });
  const filesDir = path.join(base, 'files');
  fs.mkdirSync(filesDir, { mode: 0o700 });
  return {
    kind: 'cluster',
    database,
    dataDir: filesDir,
    description: `throwaway PostgreSQL cluster (${path.basename(path.dirname(bin))}) on 127.0.0.1:${port}, data in ${pgdata}`,
    async destroy() {
      await database.close().catch(() => undefined);
      await stop();
      fs.rmSync(base, { recursive: true, force: true });
      return !fs.existsSync(pgdata);
    },
  };
}

async function createPgliteDir(): Promise<ScratchTarget> {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'inventario-drill-pglite-'));
  const database = await openPglite({ dataDir: path.join(base, 'pg') });
  return {
    kind: 'pglite',
    database,
    dataDir: base,
    description: `throwaway PGlite directory ${base}`,
    async destroy() {
      await database.close().catch(() => undefined);
      fs.rmSync(base, { recursive: true, force: true });
      return !fs.existsSync(base);
    },
  };
}

export async function createScratchTarget(wanted: ScratchKind | 'auto'): Promise<ScratchTarget> {
  if (wanted === 'pglite') return createPgliteDir();
  const bin = await findPgBinaries();
  if (!bin) {
    if (wanted === 'cluster') throw new Error('initdb and pg_ctl were not found (install the PostgreSQL server package or use --target pglite)');
    return createPgliteDir();
  }
  return createCluster(bin);
}
