// The operations contract (API.md, "Running it") proven on the real `inventario serve` process:
// first start, the data-directory lock, configuration errors and graceful shutdown.
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readJournal } from '../../src/platform/db/migrate.ts';
import {
  createProduct,
  holdRequest,
  integrity,
  killAllChildren,
  linesOf,
  logEntries,
  makeTempDir,
  migratedDataDir,
  newBootstrapKey,
  onHand,
  removeTempDirs,
  runCli,
  spawnCli,
  startServer,
  uniqueLabel,
  type ServerProcess,
} from './helpers.ts';

afterAll(async () => {
  await killAllChildren();
  removeTempDirs();
});

describe('a server on a fresh data directory with INVENTARIO_BOOTSTRAP_API_KEY', () => {
  const bootstrapKey = newBootstrapKey();
  let dataDir: string;
  let server: ServerProcess;

  beforeAll(async () => {
    dataDir = migratedDataDir('lifecycle');
    server = await startServer({ dataDir, bootstrapKey });
  });

  it('migrates the new database, answers /ready with 200 and has the MAIN location', async () => {
    const ready = await server.request('GET', '/ready');
    expect(ready.status).toBe(200);
    expect(ready.json()).toMatchObject({ status: 'ready', engine: 'pglite' });

    const journal = readJournal();
    const dbReady = logEntries(server.stdout()).find((e) => e.msg === 'database ready');
    expect(dbReady, server.stdout()).toMatchObject({
      engine: 'pglite',
      migrations: { applied: journal.length, latest: journal[journal.length - 1]!.tag },
    });
    expect(fs.existsSync(path.join(dataDir, 'pg'))).toBe(true);

    const locations = await server.request('GET', '/api/v1/locations', { key: bootstrapKey });
    expect(locations.status).toBe(200);
    expect((locations.json() as { items: Array<{ code: string }> }).items.map((l) => l.code)).toContain('MAIN');
  });

  it('accepts the exact bootstrap key as an admin key, writes no key file and never logs the key', async () => {
    const me = await server.request('GET', '/api/v1/me', { key: bootstrapKey });
    expect(me.status).toBe(200);
    expect(me.json()).toMatchObject({ kind: 'api_key', role: 'admin' });
    // Admin-only: listing API keys.
    const keys = await server.request('GET', '/api/v1/api-keys', { key: bootstrapKey });
    expect(keys.status).toBe(200);
    // A key that differs in one character is not accepted.
    const wrong = await server.request('GET', '/api/v1/me', { key: `${bootstrapKey.slice(0, -1)}${bootstrapKey.endsWith('A') ? 'B' : 'A'}` });
    expect(wrong.status).toBe(401);

    expect(fs.existsSync(path.join(dataDir, 'initial-admin-api-key.txt'))).toBe(false);
    expect(server.stdout()).not.toContain(bootstrapKey);
    expect(server.stderr()).not.toContain(bootstrapKey);
  });

  it('refuses a second serve on the same data directory with one line naming it and a non-zero exit, while the first keeps serving', async () => {
    const second = await runCli(['serve'], {
      INVENTARIO_DATA_DIR: dataDir,
      PORT: String(server.port + 0), // the port is not what stops it: the lock is checked first
      INVENTARIO_BOOTSTRAP_API_KEY: bootstrapKey,
    });
    expect(second.code).not.toBe(0);
    expect(second.code).not.toBeNull();
    const lines = linesOf(second.stderr);
    expect(lines, second.stderr).toHaveLength(1);
    expect(lines[0]).toContain(dataDir);
    expect(lines[0]).toContain(String(server.pid));
    expect(second.stdout).toBe('');

    // The first server is untouched: it still answers and still writes.
    expect(server.exitInfo()).toBeUndefined();
    expect((await server.request('GET', '/ready')).status).toBe(200);
    const product = await createProduct(server, bootstrapKey);
    const moved = await server.request('POST', '/api/v1/stock/movements', {
      key: bootstrapKey,
      idempotencyKey: uniqueLabel('lock'),
      body: { product_id: product.id, type: 'in', quantity: 3 },
    });
    expect(moved.status).toBe(201);
    expect(await onHand(server, bootstrapKey, product.id)).toBe('3');
    const lock = JSON.parse(fs.readFileSync(path.join(dataDir, 'inventario.lock'), 'utf8')) as { pid: number };
    expect(lock.pid).toBe(server.pid);
  });

  it('refuses `api-keys list` the same way while the server runs', async () => {
    const cli = await runCli(['api-keys', 'list', '--json'], { INVENTARIO_DATA_DIR: dataDir });
    expect(cli.code).not.toBe(0);
    expect(cli.code).not.toBeNull();
    const lines = linesOf(cli.stderr);
    expect(lines, cli.stderr).toHaveLength(1);
    expect(lines[0]).toContain(dataDir);
    expect(cli.stdout).toBe('');
    expect((await server.request('GET', '/ready')).status).toBe(200);
    expect((await integrity(server, bootstrapKey)).ok).toBe(true);
  });

  it('on SIGTERM lets in-flight requests finish with 201, exits 0 and releases the lock so a new server starts on the same directory at once', async () => {
    const product = await createProduct(server, bootstrapKey);
    const lockFile = path.join(dataDir, 'inventario.lock');
    expect(fs.existsSync(lockFile)).toBe(true);

    // Six stock movements the server has accepted (100 Continue) but whose bodies are not sent yet.
    const held = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        holdRequest(
          server.baseUrl,
          'POST',
          '/api/v1/stock/movements',
          { product_id: product.id, type: 'in', quantity: 1, reference: `inflight-${i}` },
          { authorization: `Bearer ${bootstrapKey}`, 'idempotency-key': uniqueLabel('sigterm') },
        ),
      ),
    );

    server.child.kill('SIGTERM');
    await server.waitForLine(/shutting down/, 30_000);
    expect(server.exitInfo()).toBeUndefined();

    // Only now the bodies arrive: the server is shutting down and must still finish them.
    const responses = await Promise.all(held.map((h) => h.finish()));
    for (const r of responses) expect(r.status, r.body).toBe(201);

    const exit = await server.waitForExit();
    expect(exit, server.stderr()).toEqual({ code: 0, signal: null });
    expect(server.stderr()).toBe('');
    expect(logEntries(server.stdout()).some((e) => e.msg === 'stopped')).toBe(true);
    expect(fs.existsSync(lockFile)).toBe(false);

    // Straight away, a new server on the same directory: no wait for any lock to expire.
    const next = await startServer({ dataDir, bootstrapKey });
    server = next;
    expect(await onHand(next, bootstrapKey, product.id)).toBe('6');
    const movements = (await next.request('GET', `/api/v1/stock/movements?product_id=${product.id}`, { key: bootstrapKey })).json() as {
      items: Array<{ reference: string }>;
    };
    expect(movements.items.map((m) => m.reference).sort()).toEqual(Array.from({ length: 6 }, (_, i) => `inflight-${i}`));
    expect((await integrity(next, bootstrapKey)).ok).toBe(true);
    const stopped = await next.stop('SIGINT');
    expect(stopped).toEqual({ code: 0, signal: null });
    expect(fs.existsSync(lockFile)).toBe(false);
  });
});

describe('a server on a fresh data directory without a bootstrap key', () => {
  let dataDir: string;
  let server: ServerProcess;

  beforeAll(async () => {
    dataDir = makeTempDir('firststart');
    server = await startServer({ dataDir });
  });

  it('writes an admin key to initial-admin-api-key.txt with mode 0600; the key works and never appears in stdout or stderr', async () => {
    const file = path.join(dataDir, 'initial-admin-api-key.txt');
    expect(fs.existsSync(file)).toBe(true);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const key = fs.readFileSync(file, 'utf8').trim();
    expect(key.length).toBeGreaterThanOrEqual(32);
    expect(key).not.toMatch(/\s/);

    const me = await server.request('GET', '/api/v1/me', { key });
    expect(me.status).toBe(200);
    expect(me.json()).toMatchObject({ role: 'admin' });
    const created = await createProduct(server, key);
    expect(created.id).toBeTruthy();
    const locations = (await server.request('GET', '/api/v1/locations', { key })).json() as { items: Array<{ code: string }> };
    expect(locations.items.map((l) => l.code)).toContain('MAIN');

    // The log says where the key is, never what it is (also after requests made with it).
    const warn = logEntries(server.stdout()).find((e) => e.file === file);
    expect(warn, server.stdout()).toBeDefined();
    const stopped = await server.stop();
    expect(stopped).toEqual({ code: 0, signal: null });
    const secretPart = key.slice(-20);
    expect(server.stdout()).not.toContain(key);
    expect(server.stderr()).not.toContain(key);
    expect(server.stdout()).not.toContain(secretPart);
  });

  it('does not write a second key file or a second admin on the next start', async () => {
    const file = path.join(dataDir, 'initial-admin-api-key.txt');
    const key = fs.readFileSync(file, 'utf8').trim();
    const before = fs.statSync(file).mtimeMs;
    const again = await startServer({ dataDir });
    const keys = await again.request('GET', '/api/v1/api-keys', { key });
    expect(keys.status).toBe(200);
    expect((keys.json() as { items: Array<{ role: string }> }).items.filter((k) => k.role === 'admin')).toHaveLength(1);
    expect(fs.readFileSync(file, 'utf8').trim()).toBe(key);
    expect(fs.statSync(file).mtimeMs).toBe(before);
    expect(await again.stop()).toEqual({ code: 0, signal: null });
  });

  it('a port already in use stops start-up with one line on stderr and leaves the data directory unlocked', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const res = await runCli(['serve'], { INVENTARIO_DATA_DIR: dataDir, PORT: String(port) });
      expect(res.code).not.toBe(0);
      expect(res.code).not.toBeNull();
      const lines = linesOf(res.stderr);
      expect(lines, res.stderr).toHaveLength(1);
      expect(lines[0]).toContain(String(port));
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
    expect(fs.existsSync(path.join(dataDir, 'inventario.lock'))).toBe(false);
    const next = await startServer({ dataDir });
    expect((await next.request('GET', '/ready')).status).toBe(200);
    expect(await next.stop()).toEqual({ code: 0, signal: null });
  });
});

describe('bad configuration stops start-up', () => {
  const cases: Array<[string, string]> = [
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['INVENTARIO_TIMEZONE', 'Mars/Base'],
    ['DATABASE_URL', 'mysql://x'],
    ['INVENTARIO_BOOTSTRAP_API_KEY', 'too-short'],
    ['LOG_LEVEL', 'loud'],
  ];

  it.each(cases)('%s=%s exits non-zero with one line on stderr naming the variable, before touching the data directory', async (name, value) => {
    const dataDir = path.join(makeTempDir('badconfig'), 'never-created');
    const proc = spawnCli(['serve'], { INVENTARIO_DATA_DIR: dataDir, PORT: '0', [name]: value });
    const exit = await proc.waitForExit(60_000);
    expect(exit.signal).toBeNull();
    expect(exit.code).not.toBe(0);
    expect(exit.code).not.toBeNull();
    const lines = linesOf(proc.stderr());
    expect(lines, proc.stderr()).toHaveLength(1);
    expect(lines[0]).toContain(name);
    expect(proc.stdout()).toBe('');
    expect(fs.existsSync(dataDir)).toBe(false);
  });
});
