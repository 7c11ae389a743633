// The real server as a child process (`node --import tsx src/main.ts serve`, what `npm start`
// runs), plus the scratch PostgreSQL database and temp data dir it runs against.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const READY_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 30_000;
// Requests the load generator cut off may still be running in the server; stopped at once, its
// graceful shutdown closes the pool under them (500s; see "Problems found" in docs/performance.md).
const QUIET_BEFORE_STOP_MS = 500;

// The child sees none of the developer's server settings: only what the bench passes.
const SERVER_VARS = /^(PORT|HOST|DATABASE_URL|DB_POOL_SIZE|REDIS_URL|TLS_.*|LOG_LEVEL|METRICS_TOKEN|TRUST_PROXY|RATE_LIMIT_.*|BODY_LIMIT_BYTES|IDEMPOTENCY_TTL_HOURS|SHUTDOWN_TIMEOUT_SECONDS|INVENTARIO_.*)$/;

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** A port nobody listens on right now (the OS picks it). */
export function freePort(): Promise<number> {
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

/** An admin key for INVENTARIO_BOOTSTRAP_API_KEY (the contract asks for ≥ 32 characters). */
export function newApiKey(): string {
  return `bench_${randomBytes(30).toString('base64url')}`;
}

export function makeTempDir(label: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `inventario-bench-${label}-`));
}

export interface ServerOptions {
  apiKey: string;
  /** PostgreSQL database URL; the embedded engine in dataDir when omitted. */
  databaseUrl?: string;
  dataDir: string;
  dbPoolSize?: number;
  /** Extra node flags for the server, e.g. ['--cpu-prof', '--cpu-prof-dir=/tmp/prof']. */
  nodeArgs?: string[];
  /** Extra server variables, e.g. { INVENTARIO_BENCH_DISABLE_AUDIT: 'true' }. */
  env?: Record<string, string>;
}

export interface RunningServer {
  baseUrl: string;
  pid: number;
  /** SIGTERM, then wait (bounded) for the exit; SIGKILL if it does not come. */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Last lines the server wrote (warnings and errors only at LOG_LEVEL=warn). */
  outputTail(): string;
}

const children = new Set<ChildProcess>();
// A crashed or interrupted bench must not leave a server holding a port and a data dir.
process.once('exit', () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!SERVER_VARS.test(name)) env[name] = value;
  Object.assign(env, {
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    RATE_LIMIT_PER_MINUTE: '10000000',
    RATE_LIMIT_ANON_PER_MINUTE: '10000000',
    INVENTARIO_BOOTSTRAP_API_KEY: options.apiKey,
    INVENTARIO_DATA_DIR: options.dataDir,
    ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
    ...(options.dbPoolSize ? { DB_POOL_SIZE: String(options.dbPoolSize) } : {}),
    ...options.env,
  });
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), '--import', 'tsx', 'src/main.ts', 'serve'], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let output = '';
  const keep = (d: string) => {
    output = (output + d).slice(-20_000);
  };
  child.stdout!.setEncoding('utf8').on('data', keep);
  child.stderr!.setEncoding('utf8').on('data', keep);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('close', (code, signal) => {
      children.delete(child);
      resolve({ code, signal });
    });
  });
  let done = false;
  void exited.then(() => (done = true));

  const baseUrl = `http://127.0.0.1:${port}`;
  const server: RunningServer = {
    baseUrl,
    pid: child.pid!,
    outputTail: () => output.slice(-4000),
    async stop() {
      if (!done) await sleep(QUIET_BEFORE_STOP_MS);
      if (!done) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };

  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (done) throw new Error(`server exited before it was ready:\n${server.outputTail()}`);
    try {
      const res = await fetch(`${baseUrl}/ready`, { signal: AbortSignal.timeout(2_000) });
      if (res.status === 200) return server;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await server.stop();
      throw new Error(`server not ready within ${READY_TIMEOUT_MS} ms:\n${server.outputTail()}`);
    }
    await sleep(200);
  }
}

/** Same server, database name replaced. */
export function withDatabaseName(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

export interface ScratchDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** Creates `inventario_bench_<random>` on the server behind adminUrl; drop() removes it. */
export async function createScratchDatabase(adminUrl: string): Promise<ScratchDatabase> {
  const name = `inventario_bench_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  return {
    name,
    url: withDatabaseName(adminUrl, name),
    async drop() {
      const a = new pg.Client({ connectionString: adminUrl });
      await a.connect();
      try {
        await a.query(`drop database if exists ${name} with (force)`);
      } finally {
        await a.end();
      }
    },
  };
}

/** One-off query against a database (version, ids), on a connection of its own. */
export async function queryOnce<T extends pg.QueryResultRow>(url: string, text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

// ---------------------------------------------------------------------------------------------
// CPU accounting (Linux /proc; silently absent elsewhere): where the CPU of a scenario went.

const TICK_MS = 10; // USER_HZ is 100 on Linux

/** utime + stime of a process in ms, or undefined when it is gone or /proc is unavailable. */
function processCpuMs(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return undefined;
  }
}

/** Busy and total ms over all CPUs since boot (from the first line of /proc/stat). */
function machineCpuMs(): { busy: number; total: number } | undefined {
  try {
    const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
    const v = line.trim().split(/\s+/).slice(1, 9).map(Number);
    const total = v.reduce((a, b) => a + b, 0);
    return { busy: (total - v[3]! - v[4]!) * TICK_MS, total: total * TICK_MS };
  } catch {
    return undefined;
  }
}

export interface CpuSnapshot {
  at: number;
  bench: NodeJS.CpuUsage;
  server?: number;
  backends: Map<number, number>;
  machine?: { busy: number; total: number };
}

export interface CpuSplit {
  /** CPU ms per successful operation in this process (autocannon, or the direct-SQL client). */
  benchMsPerOp: number;
  /** The server process (for PGlite this includes the database). */
  serverMsPerOp?: number;
  /** The PostgreSQL backends of the scratch database (not the WAL writer or checkpointer). */
  postgresMsPerOp?: number;
  /** How busy all CPUs were, and the part of it that none of the above account for. */
  machineBusyPct?: number;
  othersPct?: number;
}

export async function cpuSnapshot(serverPid: number | undefined, backendPids: () => Promise<number[]>): Promise<CpuSnapshot> {
  const backends = new Map<number, number>();
  for (const pid of await backendPids()) {
    const ms = processCpuMs(pid);
    if (ms !== undefined) backends.set(pid, ms);
  }
  const server = serverPid === undefined ? undefined : processCpuMs(serverPid);
  const machine = machineCpuMs();
  return { at: Date.now(), bench: process.cpuUsage(), backends, ...(server !== undefined ? { server } : {}), ...(machine ? { machine } : {}) };
}

/** CPU spent between two snapshots, in ms (summable over several measured slices). */
export interface CpuDelta {
  bench: number;
  server?: number;
  postgres?: number;
  machineBusy?: number;
  machineSpan?: number;
}

export function cpuDelta(a: CpuSnapshot, b: CpuSnapshot): CpuDelta {
  const d: CpuDelta = { bench: (b.bench.user + b.bench.system - a.bench.user - a.bench.system) / 1000 };
  if (a.server !== undefined && b.server !== undefined) d.server = b.server - a.server;
  if (b.backends.size > 0) {
    d.postgres = 0;
    for (const [pid, ms] of b.backends) d.postgres += ms - (a.backends.get(pid) ?? 0);
  }
  if (a.machine && b.machine && b.machine.total > a.machine.total) {
    d.machineBusy = b.machine.busy - a.machine.busy;
    d.machineSpan = b.machine.total - a.machine.total;
  }
  return d;
}

export function sumCpu(parts: CpuDelta[]): CpuDelta {
  const add = (x: number | undefined, y: number | undefined) => (x === undefined && y === undefined ? undefined : (x ?? 0) + (y ?? 0));
  return parts.reduce<CpuDelta>((acc, d) => {
    const out: CpuDelta = { bench: acc.bench + d.bench };
    for (const k of ['server', 'postgres', 'machineBusy', 'machineSpan'] as const) {
      const v = add(acc[k], d[k]);
      if (v !== undefined) out[k] = v;
    }
    return out;
  }, { bench: 0 });
}

export function cpuSplit(d: CpuDelta, ops: number): CpuSplit | undefined {
  if (ops <= 0) return undefined;
  const split: CpuSplit = { benchMsPerOp: d.bench / ops };
  if (d.server !== undefined) split.serverMsPerOp = d.server / ops;
  if (d.postgres !== undefined) split.postgresMsPerOp = d.postgres / ops;
  if (d.machineBusy !== undefined && d.machineSpan) {
    split.machineBusyPct = (100 * d.machineBusy) / d.machineSpan;
    split.othersPct = Math.max(0, (100 * (d.machineBusy - d.bench - (d.server ?? 0) - (d.postgres ?? 0))) / d.machineSpan);
  }
  return split;
}
