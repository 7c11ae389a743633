// Durability and concurrency of the stock ledger on real server processes: kill -9 in the middle
// of a burst of writes, and two servers racing for the last units of one product.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseUrl, testEngines } from '../helpers/engines.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-db.ts';
import {
  createProduct,
  EXIT_TIMEOUT_MS,
  httpRequest,
  integrity,
  killAllChildren,
  listMovements,
  makeTempDir,
  migratedDataDir,
  newBootstrapKey,
  onHand,
  removeTempDirs,
  REPO_ROOT,
  sleep,
  spawnTsx,
  startServer,
  uniqueLabel,
  type ApiResponse,
  type ServerProcess,
} from './helpers.ts';

afterAll(async () => {
  await killAllChildren();
  removeTempDirs();
});

const BURST = 200;
const CLIENTS = 8;
// The kill lands in the middle of the burst, with up to CLIENTS - 1 other requests in flight.
const KILL_AFTER_CREATED = 90;

interface Attempt {
  index: number;
  idempotencyKey: string;
  body: { product_id: string; type: 'in'; quantity: number; reference: string };
  /** The 201 answer before the crash, if any. */
  created?: { id: string };
  /** Sent but never answered (connection reset by the kill). */
  unanswered?: boolean;
}

describe.each(testEngines())('kill -9 during a burst of stock writes on %s', (engine) => {
  const bootstrapKey = newBootstrapKey();
  let scratch: TestDatabase | undefined;
  let dataDir: string;
  let server: ServerProcess;

  beforeAll(async () => {
    dataDir = migratedDataDir(`crash-${engine}`);
    if (engine === 'pg') scratch = await createTestDatabase('pg', 2);
    server = await startServer({ dataDir, bootstrapKey, ...(scratch ? { databaseUrl: scratch.url! } : {}) });
  });

  afterAll(async () => {
    await server?.stop('SIGKILL').catch(() => undefined);
    await scratch?.drop();
  });

  it('keeps every movement that was answered 201, and a restart on the same data takes over at once with the ledger intact', async () => {
    const product = await createProduct(server, bootstrapKey);
    const attempts: Attempt[] = Array.from({ length: BURST }, (_, index) => ({
      index,
      idempotencyKey: uniqueLabel(`burst-${engine}-${index}`),
      body: { product_id: product.id, type: 'in', quantity: 1, reference: `burst-${index}` },
    }));

    // CLIENTS concurrent clients take the next movement from one queue; the one that sees the
    // KILL_AFTER_CREATED-th 201 sends SIGKILL while the others still have requests open.
    let next = 0;
    let createdCount = 0;
    let killed = false;
    const otherErrors: string[] = [];
    const client = async () => {
      while (!killed && next < attempts.length) {
        const attempt = attempts[next++]!;
        let res: ApiResponse;
        try {
          res = await server.request('POST', '/api/v1/stock/movements', {
            key: bootstrapKey,
            idempotencyKey: attempt.idempotencyKey,
            body: attempt.body,
          });
        } catch {
          attempt.unanswered = true;
          continue;
        }
        if (res.status === 201) {
          attempt.created = { id: (res.json() as { movement: { id: string } }).movement.id };
          createdCount += 1;
          if (createdCount === KILL_AFTER_CREATED && !killed) {
            killed = true;
            server.child.kill('SIGKILL');
          }
        } else {
          otherErrors.push(`${res.status} ${res.text}`);
        }
      }
    };
    await Promise.all(Array.from({ length: CLIENTS }, client));
    expect(otherErrors).toEqual([]);
    expect(killed).toBe(true);
    const exit = await server.waitForExit();
    expect(exit).toEqual({ code: null, signal: 'SIGKILL' });

    const lockFile = path.join(dataDir, 'inventario.lock');
    if (engine === 'pglite') {
      // The dead server's lock is still there: the restart must recognise it as stale.
      const stale = JSON.parse(fs.readFileSync(lockFile, 'utf8')) as { pid: number };
      expect(stale.pid).toBe(server.pid);
    }

    const answered = attempts.filter((a) => a.created);
    const unanswered = attempts.filter((a) => a.unanswered);
    // The kill is sent after the N-th 201; a response already on the wire may still arrive.
    expect(answered.length).toBeGreaterThanOrEqual(KILL_AFTER_CREATED);

    // Restart immediately on the same data.
    server = await startServer({ dataDir, bootstrapKey, ...(scratch ? { databaseUrl: scratch.url! } : {}) });
    if (engine === 'pglite') {
      const lock = JSON.parse(fs.readFileSync(lockFile, 'utf8')) as { pid: number };
      expect(lock.pid).toBe(server.pid);
    }

    const ledger = await listMovements(server, bootstrapKey, product.id);
    const ledgerIds = new Set(ledger.map((m) => m.id));
    expect(ledgerIds.size).toBe(ledger.length);
    // Every 201 is durable.
    const lost = answered.filter((a) => !ledgerIds.has(a.created!.id));
    expect(lost.map((a) => a.index)).toEqual([]);
    // Nothing appears that was never sent; at most the requests in flight at the kill committed
    // without their answer reaching the client.
    const sentRefs = new Set([...answered, ...unanswered].map((a) => a.body.reference));
    const ledgerRefs = ledger.map((m) => (m as unknown as { reference: string }).reference);
    expect(ledgerRefs.filter((r) => !sentRefs.has(r))).toEqual([]);
    expect(ledger.length).toBeGreaterThanOrEqual(answered.length);
    expect(ledger.length).toBeLessThanOrEqual(answered.length + unanswered.length);
    // on_hand is what the ledger says: every 201 plus any committed-but-unanswered movement.
    expect(await onHand(server, bootstrapKey, product.id)).toBe(String(ledger.length));
    const check = await integrity(server, bootstrapKey);
    expect(check, JSON.stringify(check)).toMatchObject({ ok: true, mismatches: [] });

    const committedUnanswered = unanswered.filter((a) => ledgerRefs.includes(a.body.reference));
    console.info(
      `[durability ${engine}] 201s before kill: ${answered.length}, lost after restart: ${lost.length}, ` +
        `unanswered at kill: ${unanswered.length} (committed anyway: ${committedUnanswered.length}), on_hand after restart: ${ledger.length}`,
    );

    // The clients that got no answer retry with the same Idempotency-Key: a movement that did
    // commit is replayed (same id, nothing written), one that did not is written now. A claim
    // the dead process left behind answers 409 idempotency.in_progress until its lease expires.
    const leftClaims: Attempt[] = [];
    for (const attempt of unanswered) {
      const deadline = Date.now() + 120_000;
      for (;;) {
        const res = await httpRequest(server.baseUrl, 'POST', '/api/v1/stock/movements', {
          key: bootstrapKey,
          idempotencyKey: attempt.idempotencyKey,
          body: attempt.body,
        });
        if (res.status === 409 && (res.json() as { code: string }).code === 'idempotency.in_progress' && Date.now() < deadline) {
          if (!leftClaims.includes(attempt)) leftClaims.push(attempt);
          await sleep(2_000);
          continue;
        }
        expect(res.status, res.text).toBe(201);
        const id = (res.json() as { movement: { id: string } }).movement.id;
        const wasCommitted = committedUnanswered.includes(attempt);
        expect(res.headers.get('idempotent-replayed') === 'true').toBe(wasCommitted);
        if (wasCommitted) expect(ledgerIds.has(id)).toBe(true);
        attempt.created = { id };
        break;
      }
    }
    console.info(`[durability ${engine}] retried ${unanswered.length} unanswered; ${leftClaims.length} waited for a dead claim's lease`);
    const finalLedger = await listMovements(server, bootstrapKey, product.id);
    const total201 = attempts.filter((a) => a.created).length;
    expect(total201).toBe(answered.length + unanswered.length);
    expect(finalLedger).toHaveLength(total201);
    expect(new Set(finalLedger.map((m) => m.id))).toEqual(new Set(attempts.filter((a) => a.created).map((a) => a.created!.id)));
    expect(await onHand(server, bootstrapKey, product.id)).toBe(String(total201));
    expect((await integrity(server, bootstrapKey)).ok).toBe(true);

    expect(await server.stop()).toEqual({ code: 0, signal: null });
    if (engine === 'pglite') expect(fs.existsSync(lockFile)).toBe(false);
  }, 300_000);
});

describe.skipIf(!testDatabaseUrl())('two servers on one PostgreSQL database racing for the last units', () => {
  const bootstrapKey = newBootstrapKey();
  let scratch: TestDatabase;
  let servers: ServerProcess[] = [];

  beforeAll(async () => {
    scratch = await createTestDatabase('pg', 2);
    // Started together, as an orchestrator would: both migrate and bootstrap the same admin key.
    // Instances sharing a database must share its master key too (each data dir would otherwise
    // create its own keyring, and the second instance would refuse the first one's KCV).
    const env = { INVENTARIO_MASTER_KEY: randomBytes(32).toString('base64') };
    servers = await Promise.all([0, 1].map(() => startServer({ databaseUrl: scratch.url!, bootstrapKey, env })));
  });

  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop('SIGKILL').catch(() => undefined)));
    await scratch?.drop();
  });

  it('both instances start together against the same database and accept the bootstrap key', async () => {
    for (const s of servers) {
      const me = await s.request('GET', '/api/v1/me', { key: bootstrapKey });
      expect(me.status).toBe(200);
      expect(me.json()).toMatchObject({ role: 'admin' });
    }
    const keys = (await servers[0]!.request('GET', '/api/v1/api-keys', { key: bootstrapKey })).json() as { items: unknown[] };
    expect(keys.items).toHaveLength(1);
  });

  it('lets exactly 30 of 60 concurrent `out` of 1 succeed on a stock of 30, never going below zero', async () => {
    const [a, b] = servers as [ServerProcess, ServerProcess];
    const product = await createProduct(a, bootstrapKey);
    const receipt = await a.request('POST', '/api/v1/stock/movements', {
      key: bootstrapKey,
      idempotencyKey: uniqueLabel('race-in'),
      body: { product_id: product.id, type: 'in', quantity: 30 },
    });
    expect(receipt.status).toBe(201);
    expect(await onHand(b, bootstrapKey, product.id)).toBe('30');

    const sales = [a, b].flatMap((s, si) =>
      Array.from({ length: 30 }, (_, i) =>
        s.request('POST', '/api/v1/stock/movements', {
          key: bootstrapKey,
          idempotencyKey: uniqueLabel(`race-out-${si}-${i}`),
          body: { product_id: product.id, type: 'out', quantity: 1 },
        }),
      ),
    );
    const results = await Promise.all(sales);
    const created = results.filter((r) => r.status === 201);
    const refused = results.filter((r) => r.status !== 201);
    expect(created).toHaveLength(30);
    for (const r of refused) {
      expect(r.status, r.text).toBe(409);
      expect(r.json()).toMatchObject({ code: 'stock.insufficient', on_hand: '0' });
    }
    for (const s of [a, b]) expect(await onHand(s, bootstrapKey, product.id)).toBe('0');
    const ledger = await listMovements(b, bootstrapKey, product.id);
    expect(ledger).toHaveLength(31);
    for (const m of ledger) expect(Number(m.on_hand_after)).toBeGreaterThanOrEqual(0);
    // The 30 sales were serialized: they left 29, 28, … 0 behind, each exactly once.
    const after = ledger.filter((m) => m.type === 'out').map((m) => Number(m.on_hand_after)).sort((x, y) => x - y);
    expect(after).toEqual(Array.from({ length: 30 }, (_, i) => i));
    const levels = (await a.request('GET', `/api/v1/stock/levels?product_id=${product.id}`, { key: bootstrapKey })).json() as {
      items: Array<{ on_hand: string }>;
    };
    expect(levels.items.map((l) => l.on_hand)).toEqual(['0']);
    for (const s of [a, b]) expect((await integrity(s, bootstrapKey)).ok).toBe(true);
  });
});

describe('processes racing for the data-directory lock', () => {
  // Each contender is a separate Node process. In every round they all wake at the same instant
  // and try to lock a data dir whose lock file names a dead process (or is empty, as if its
  // writer died mid-write); the winner holds it briefly, releases it and plants the next stale
  // lock. A correct lock never lets two of them hold it at once.
  const CONTENDERS = 6;
  const ROUNDS = 8;
  const ROUND_MS = 800;

  it("never lets two of several processes taking over a dead owner's lock at the same moment hold it together", async () => {
    const dir = makeTempDir('lockrace');
    const dataDir = path.join(dir, 'data');
    fs.mkdirSync(dataDir);
    const lockFile = path.join(dataDir, 'inventario.lock');
    const goFile = path.join(dir, 'go');
    const stale = [JSON.stringify({ pid: 2 ** 22 + 1, host: os.hostname(), purpose: 'serve' }), ''];
    const script = path.join(dir, 'contender.mjs');
    const lockModule = pathToFileURL(path.join(REPO_ROOT, 'src/platform/db/data-dir-lock.ts')).href;
    fs.writeFileSync(
      script,
      [
        "import fs from 'node:fs';",
        `const { acquireDataDirLock } = await import(${JSON.stringify(lockModule)});`,
        'const [dataDir, lockFile, goFile, rounds, roundMs, ...stale] = process.argv.slice(2);',
        'const nap = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Math.max(0, ms));',
        "process.stdout.write('READY\\n');",
        'while (!fs.existsSync(goFile)) nap(10);',
        "const t0 = Number(fs.readFileSync(goFile, 'utf8'));",
        'for (let r = 0; r < Number(rounds); r++) {',
        '  const start = t0 + r * Number(roundMs);',
        '  nap(start - Date.now() - 20);',
        '  while (Date.now() < start) { /* all contenders wake together */ }',
        '  let lock;',
        "  try { lock = acquireDataDirLock(dataDir, 'race'); } catch { lock = undefined; }",
        '  const acquiredAt = Date.now();',
        "  if (!lock) process.stdout.write(`${r} REFUSED\\n`);",
        '  if (lock) {',
        '    nap(start + Number(roundMs) / 2 - Date.now());',
        '    process.stdout.write(`${r} ACQUIRED ${acquiredAt} ${Date.now()}\\n`);',
        '    lock.release();',
        '    fs.writeFileSync(lockFile, stale[(r + 1) % 2]);',
        '  }',
        '}',
      ].join('\n'),
    );
    fs.writeFileSync(lockFile, stale[0]!);
    const procs = Array.from({ length: CONTENDERS }, () =>
      spawnTsx(script, [dataDir, lockFile, goFile, String(ROUNDS), String(ROUND_MS), ...stale]),
    );
    await Promise.all(procs.map((p) => p.waitForLine(/^READY$/, 60_000)));
    // Renamed into place: a contender polling for the file must never read it half-written
    // (an empty start time would send it through every round at once).
    fs.writeFileSync(`${goFile}.tmp`, String(Date.now() + 300));
    fs.renameSync(`${goFile}.tmp`, goFile);
    const outputs = await Promise.all(
      procs.map(async (p) => {
        const exit = await p.waitForExit(EXIT_TIMEOUT_MS);
        expect(exit, p.stderr()).toEqual({ code: 0, signal: null });
        return p.stdout();
      }),
    );
    const lines = outputs.flatMap((o) => o.split('\n').filter((l) => /^\d+ /.test(l)));
    expect(lines).toHaveLength(CONTENDERS * ROUNDS);
    // Every round had a winner, and no two processes ever held the lock at once. (A contender the
    // scheduler held back past the winner's release may rightly take the next stale lock too, so
    // the count per round is not asserted; the hold intervals are. Each is recorded inside the
    // real one, after acquiring and before releasing, so real overlaps cannot hide.)
    const holds = lines
      .map((l) => l.split(' '))
      .filter((f) => f[1] === 'ACQUIRED')
      .map(([round, , from, to]) => ({ round: Number(round), from: Number(from), to: Number(to) }))
      .sort((x, y) => x.from - y.from);
    expect(new Set(holds.map((h) => h.round)).size).toBe(ROUNDS);
    for (let i = 1; i < holds.length; i++) {
      expect(holds[i]!.from, `hold ${i} starts before hold ${i - 1} ended`).toBeGreaterThanOrEqual(holds[i - 1]!.to);
    }
    // Nothing left behind: no takeover mutex, no temporary files.
    expect(fs.readdirSync(dataDir).filter((f) => f !== 'inventario.lock')).toEqual([]);
  }, 120_000);
});
