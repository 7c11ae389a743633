// Runs the REAL server and CLI as child processes (`node --import tsx src/main.ts ...`), the way
// `npm start` and `npx inventario` do. Every child is tracked and killed by killAllChildren()
// (call it in afterAll); every wait is bounded.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Bounds for waits: a new PGlite data dir takes up to ~13 s to initialise on two cores. */
export const READY_TIMEOUT_MS = 90_000;
export const EXIT_TIMEOUT_MS = 45_000;

// Variables the server reads (src/config.ts): the child gets none of the parent's values unless
// a test passes them, so a developer's shell cannot change what a test proves.
const CONFIG_VARS = [
  'PORT',
  'HOST',
  'DATABASE_URL',
  'DB_POOL_SIZE',
  'REDIS_URL',
  'TLS_CERT_FILE',
  'TLS_KEY_FILE',
  'LOG_LEVEL',
  'METRICS_TOKEN',
  'TRUST_PROXY',
  'RATE_LIMIT_PER_MINUTE',
  'RATE_LIMIT_ANON_PER_MINUTE',
  'BODY_LIMIT_BYTES',
  'IDEMPOTENCY_TTL_HOURS',
  'SHUTDOWN_TIMEOUT_SECONDS',
];

export type EnvOverrides = Record<string, string | undefined>;

function childEnv(overrides: EnvOverrides): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(env)) {
    if (CONFIG_VARS.includes(name) || name.startsWith('INVENTARIO_')) delete env[name];
  }
  // Bursts from one key must not meet the rate limiter; it is not what these tests are about.
  env.RATE_LIMIT_PER_MINUTE = '1000000';
  env.RATE_LIMIT_ANON_PER_MINUTE = '1000000';
  env.LOG_LEVEL = 'info';
  for (const [name, value] of Object.entries(overrides)) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return env;
}

// ---------------------------------------------------------------------------------------------
// Temp dirs and ports

const tempDirs = new Set<string>();

export function makeTempDir(label = 'proc'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `inventario-${label}-`));
  tempDirs.add(dir);
  return dir;
}

/**
 * A new data directory whose embedded database is already migrated (a copy of the run's
 * template): a server or command starts in about a second instead of spending several on initdb
 * and the migrations. Tests of the very first start use makeTempDir() instead.
 */
export function migratedDataDir(label = 'data'): string {
  const dir = makeTempDir(label);
  fs.cpSync(inject('pgliteDataDirTemplate'), path.join(dir, 'pg'), { recursive: true });
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
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

/** An admin key that satisfies INVENTARIO_BOOTSTRAP_API_KEY (≥ 32 characters). */
export function newBootstrapKey(): string {
  return `boot_${randomBytes(24).toString('base64url')}`;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls check() until it returns a value other than undefined, or throws after timeoutMs. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs: number, everyMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

// ---------------------------------------------------------------------------------------------
// Child processes

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface RunningProcess {
  child: ChildProcess;
  pid: number;
  stdout(): string;
  stderr(): string;
  /** Resolves when the process has exited and its output is fully read. */
  exited: Promise<ExitInfo>;
  exitInfo(): ExitInfo | undefined;
  /** Resolves with the first stdout/stderr line matching re; rejects on exit or timeout. */
  waitForLine(re: RegExp, timeoutMs?: number): Promise<string>;
  /** Resolves with the exit info; SIGKILLs the process if it has not exited within timeoutMs. */
  waitForExit(timeoutMs?: number): Promise<ExitInfo>;
}

const children = new Set<ChildProcess>();

// A crashed test runner must not leave servers behind holding ports and data dirs.
process.once('exit', () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

export function spawnCli(args: string[], env: EnvOverrides = {}): RunningProcess {
  return spawnTsx('src/main.ts', args, env);
}

/** Runs a TypeScript (or JavaScript) entry file through tsx, from the repository root. */
export function spawnTsx(entry: string, args: string[], env: EnvOverrides = {}): RunningProcess {
  return spawnNode(['--import', 'tsx', entry, ...args], env);
}

/** Runs `node ...args` from the repository root with a clean configuration environment. */
export function spawnNode(args: string[], env: EnvOverrides = {}): RunningProcess {
  const child = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    env: childEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let out = '';
  let err = '';
  let info: ExitInfo | undefined;
  const listeners = new Set<() => void>();
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    out += d;
    for (const l of listeners) l();
  });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    err += d;
    for (const l of listeners) l();
  });
  const exited = new Promise<ExitInfo>((resolve, reject) => {
    child.once('error', reject);
    // 'close' fires after the stdio streams are drained, unlike 'exit'.
    child.once('close', (code, signal) => {
      info = { code, signal };
      children.delete(child);
      for (const l of listeners) l();
      resolve(info);
    });
  });

  const waitForExit = async (timeoutMs = EXIT_TIMEOUT_MS): Promise<ExitInfo> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`process ${child.pid} (${args.join(' ')}) did not exit within ${timeoutMs} ms\nstderr: ${err}\nstdout tail: ${out.slice(-2000)}`));
      }, timeoutMs);
    });
    try {
      return await Promise.race([exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  };

  const waitForLine = (re: RegExp, timeoutMs = READY_TIMEOUT_MS): Promise<string> =>
    new Promise((resolve, reject) => {
      const check = () => {
        const line = `${out}\n${err}`.split('\n').find((l) => re.test(l));
        if (line !== undefined) return finish(() => resolve(line));
        if (info) return finish(() => reject(new Error(`process exited (${JSON.stringify(info)}) before printing ${re}\nstderr: ${err}`)));
      };
      const timer = setTimeout(() => finish(() => reject(new Error(`no line matching ${re} within ${timeoutMs} ms`))), timeoutMs);
      const finish = (fn: () => void) => {
        clearTimeout(timer);
        listeners.delete(check);
        fn();
      };
      listeners.add(check);
      check();
    });

  return {
    child,
    pid: child.pid!,
    stdout: () => out,
    stderr: () => err,
    exited,
    exitInfo: () => info,
    waitForLine,
    waitForExit,
  };
}

export interface CliResult extends ExitInfo {
  stdout: string;
  stderr: string;
}

/** Runs one CLI command to completion (bounded). */
export async function runCli(args: string[], env: EnvOverrides = {}, timeoutMs = 120_000): Promise<CliResult> {
  const proc = spawnCli(args, env);
  const exit = await proc.waitForExit(timeoutMs);
  return { ...exit, stdout: proc.stdout(), stderr: proc.stderr() };
}

/** Sends SIGKILL to every child still running and waits (bounded) for them to go. */
export async function killAllChildren(): Promise<void> {
  const running = [...children];
  for (const child of running) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await Promise.race([
    Promise.all(running.map((c) => new Promise<void>((r) => (c.exitCode !== null || c.signalCode !== null ? r() : c.once('close', () => r()))))),
    sleep(10_000),
  ]);
}

// ---------------------------------------------------------------------------------------------
// Servers

export interface ApiResponse {
  status: number;
  headers: Headers;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read whatever shape each endpoint answers
  json(): any;
}

export interface RequestOptions {
  /** API key sent as a Bearer token; none when omitted. */
  key?: string;
  body?: unknown;
  idempotencyKey?: string;
  headers?: Record<string, string>;
  timeoutMs?: number;
}

export interface ServerProcess extends RunningProcess {
  port: number;
  baseUrl: string;
  dataDir: string;
  request(method: string, urlPath: string, options?: RequestOptions): Promise<ApiResponse>;
  /** Sends the signal and waits (bounded) for the exit. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<ExitInfo>;
}

export interface StartServerOptions {
  /** INVENTARIO_DATA_DIR; a new temp dir when omitted. */
  dataDir?: string;
  /** Run against this PostgreSQL database instead of the embedded one. */
  databaseUrl?: string;
  bootstrapKey?: string;
  env?: EnvOverrides;
  /** Wait for GET /ready to answer 200 (default true). */
  waitReady?: boolean;
  readyTimeoutMs?: number;
}

export async function httpRequest(baseUrl: string, method: string, urlPath: string, options: RequestOptions = {}): Promise<ApiResponse> {
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  if (options.key) headers.authorization = `Bearer ${options.key}`;
  if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${baseUrl}${urlPath}`, {
    method,
    headers,
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
  });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    text,
    json: () => JSON.parse(text),
  };
}

export async function startServer(options: StartServerOptions = {}): Promise<ServerProcess> {
  const dataDir = options.dataDir ?? migratedDataDir('data');
  const port = await freePort();
  const env: EnvOverrides = {
    PORT: String(port),
    HOST: '127.0.0.1',
    INVENTARIO_DATA_DIR: dataDir,
    ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
    ...(options.bootstrapKey ? { INVENTARIO_BOOTSTRAP_API_KEY: options.bootstrapKey } : {}),
    ...(options.env ?? {}),
  };
  const proc = spawnCli(['serve'], env);
  const baseUrl = `http://127.0.0.1:${port}`;
  const server: ServerProcess = {
    ...proc,
    port,
    baseUrl,
    dataDir,
    request: (method, urlPath, reqOptions) => httpRequest(baseUrl, method, urlPath, reqOptions),
    async stop(signal = 'SIGTERM', timeoutMs = EXIT_TIMEOUT_MS) {
      if (!proc.exitInfo()) proc.child.kill(signal);
      return proc.waitForExit(timeoutMs);
    },
  };
  if (options.waitReady !== false) await waitUntilReady(server, options.readyTimeoutMs ?? READY_TIMEOUT_MS);
  return server;
}

/**
 * Whether process `pid` holds the listening TCP socket on `port` (Linux /proc). Parallel test files
 * each pick a free port and start a server seconds later, so two of them can get the same port.
 */
function listensOn(pid: number | undefined, port: number): boolean {
  if (pid === undefined) return false;
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = fs.readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      // cols[1] local address "ADDR:PORT", cols[3] state (0A = LISTEN), cols[9] inode.
      if (cols[1]?.endsWith(`:${hexPort}`) && cols[3] === '0A' && cols[9]) inodes.add(cols[9]);
    }
  }
  if (inodes.size === 0) return false;
  try {
    return fs.readdirSync(`/proc/${pid}/fd`).some((fd) => {
      try {
        const target = fs.readlinkSync(`/proc/${pid}/fd/${fd}`);
        return inodes.has(target.slice('socket:['.length, -1));
      } catch {
        return false;
      }
    });
  } catch {
    return false;
  }
}

/** Polls GET /ready until 200 from the spawned process; fails at once if the process exits first. */
export async function waitUntilReady(server: ServerProcess, timeoutMs = READY_TIMEOUT_MS): Promise<void> {
  try {
    await waitFor(
      `GET ${server.baseUrl}/ready`,
      async () => {
        const exit = server.exitInfo();
        if (exit) throw new Error(`server exited before ready: ${JSON.stringify(exit)}\nstderr: ${server.stderr()}\nstdout tail: ${server.stdout().slice(-2000)}`);
        try {
          const res = await httpRequest(server.baseUrl, 'GET', '/ready', { timeoutMs: 2_000 });
          // Another test's server may have taken the same free port first: ready means OUR process listens.
          return res.status === 200 && listensOn(server.child.pid, server.port) ? true : undefined;
        } catch {
          return undefined; // not listening yet
        }
      },
      timeoutMs,
      150,
    );
  } catch (err) {
    server.child.kill('SIGKILL');
    throw err;
  }
}

/** The server's JSON log lines (pino), skipping anything that is not JSON. */
export function logEntries(text: string): Array<Record<string, unknown>> {
  const entries: Array<Record<string, unknown>> = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      entries.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      // not a log line
    }
  }
  return entries;
}

/** Non-empty lines of a process's output. */
export function linesOf(text: string): string[] {
  return text.split('\n').filter((l) => l.trim() !== '');
}

// ---------------------------------------------------------------------------------------------
// Domain shortcuts

let sequence = 0;

export function uniqueLabel(prefix: string): string {
  sequence += 1;
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${sequence}`;
}

export async function createProduct(server: ServerProcess, key: string, overrides: Record<string, unknown> = {}): Promise<{ id: string; sku: string }> {
  const sku = uniqueLabel('P').toUpperCase().replace(/[^A-Z0-9_-]/g, '').slice(0, 50);
  const res = await server.request('POST', '/api/v1/products', {
    key,
    body: { sku, name: `Producto ${sku}`, category: 'Almacén', cost_price: '100', min_stock: '0', ...overrides },
  });
  if (res.status !== 201) throw new Error(`create product: ${res.status} ${res.text}`);
  return res.json() as { id: string; sku: string };
}

export interface Movement {
  id: string;
  type: string;
  quantity: string;
  on_hand_before: string;
  on_hand_after: string;
}

/** Every movement of a product, following the cursor. */
export async function listMovements(server: ServerProcess, key: string, productId: string): Promise<Movement[]> {
  const items: Movement[] = [];
  let cursor: string | null = null;
  for (let pageNo = 0; pageNo < 100; pageNo++) {
    const qs = new URLSearchParams({ product_id: productId, limit: '500', ...(cursor ? { cursor } : {}) });
    const res = await server.request('GET', `/api/v1/stock/movements?${qs}`, { key });
    if (res.status !== 200) throw new Error(`list movements: ${res.status} ${res.text}`);
    const body = res.json() as { items: Movement[]; next_cursor: string | null };
    items.push(...body.items);
    cursor = body.next_cursor;
    if (!cursor) return items;
  }
  throw new Error('list movements: too many pages');
}

export async function onHand(server: ServerProcess, key: string, productId: string): Promise<string> {
  const res = await server.request('GET', `/api/v1/products/${productId}`, { key });
  if (res.status !== 200) throw new Error(`get product: ${res.status} ${res.text}`);
  return (res.json() as { on_hand: string }).on_hand;
}

export async function integrity(server: ServerProcess, key: string): Promise<{ ok: boolean; products_checked: number; mismatches: unknown[] }> {
  const res = await server.request('GET', '/api/v1/stock/integrity', { key });
  if (res.status !== 200) throw new Error(`integrity: ${res.status} ${res.text}`);
  return res.json() as { ok: boolean; products_checked: number; mismatches: unknown[] };
}

// ---------------------------------------------------------------------------------------------
// A request held in flight: `Expect: 100-continue` makes the server accept the request (Node
// answers 100 Continue when the request starts) before the client has sent the body, so the test
// knows the request is in the server's hands and decides when it may finish.

export interface HeldRequest {
  /** Sends the body; resolves with the response. */
  finish(): Promise<{ status: number; body: string }>;
}

export function holdRequest(
  baseUrl: string,
  method: string,
  urlPath: string,
  body: unknown,
  headers: Record<string, string>,
  timeoutMs = 30_000,
): Promise<HeldRequest> {
  const payload = Buffer.from(JSON.stringify(body));
  const url = new URL(urlPath, baseUrl);
  return new Promise((resolveHeld, rejectHeld) => {
    let resolveResponse!: (r: { status: number; body: string }) => void;
    let rejectResponse!: (err: Error) => void;
    const response = new Promise<{ status: number; body: string }>((res, rej) => {
      resolveResponse = res;
      rejectResponse = rej;
    });
    // The caller may never ask for the response if the test fails earlier.
    response.catch(() => undefined);
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        method,
        agent: false,
        headers: {
          ...headers,
          'content-type': 'application/json',
          'content-length': String(payload.length),
          expect: '100-continue',
        },
        timeout: timeoutMs,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => resolveResponse({ status: res.statusCode ?? 0, body: text }));
        res.on('error', rejectResponse);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`held ${method} ${urlPath} timed out`)));
    req.on('error', (err) => {
      rejectHeld(err);
      rejectResponse(err);
    });
    req.on('continue', () =>
      resolveHeld({
        finish: () => {
          req.end(payload);
          return response;
        },
      }),
    );
    req.flushHeaders();
  });
}
