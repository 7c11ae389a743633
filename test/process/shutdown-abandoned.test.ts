// A deploy stops the server while a request whose client has already hung up is still being
// handled. The server must let that handler finish before closing the database: otherwise its
// idempotency claim stays "in progress", the movement is never written, and the client's retry
// with the same Idempotency-Key gets 409 for a minute instead of its movement.
import http from 'node:http';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseUrl } from '../helpers/engines.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-db.ts';
import { createProduct, killAllChildren, logEntries, makeTempDir, newBootstrapKey, onHand, removeTempDirs, sleep, startServer, uniqueLabel, waitFor, type ServerProcess } from './helpers.ts';

afterAll(async () => {
  await killAllChildren();
  removeTempDirs();
});

/** Sends the whole request and returns a function that hangs up without reading the answer. */
function sendThenHangUp(baseUrl: string, urlPath: string, body: unknown, headers: Record<string, string>): () => void {
  const payload = Buffer.from(JSON.stringify(body));
  const url = new URL(urlPath, baseUrl);
  const req = http.request({
    host: url.hostname,
    port: url.port,
    path: url.pathname,
    method: 'POST',
    agent: false,
    headers: { ...headers, 'content-type': 'application/json', 'content-length': String(payload.length) },
  });
  req.on('error', () => undefined); // the hang-up itself
  req.end(payload);
  return () => req.destroy();
}

// PostgreSQL only: the test holds a row lock from its own connection to stop the handler at a
// known point, which the embedded engine (one connection, inside the server) cannot offer.
describe.skipIf(!testDatabaseUrl())('SIGTERM while the handler of an abandoned request is still running (PostgreSQL)', () => {
  const bootstrapKey = newBootstrapKey();
  const dataDir = makeTempDir('shutdown-abandoned');
  let scratch: TestDatabase;
  let server: ServerProcess;

  beforeAll(async () => {
    scratch = await createTestDatabase('pg', 2);
    server = await startServer({ dataDir, databaseUrl: scratch.url!, bootstrapKey });
  });

  afterAll(async () => {
    await server?.stop('SIGKILL').catch(() => undefined);
    await scratch?.drop();
  });

  it('finishes the movement before closing the database, exits 0, and the retry with the same key replays its 201', async () => {
    const product = await createProduct(server, bootstrapKey);
    const keys = (await server.request('GET', '/api/v1/api-keys', { key: bootstrapKey })).json() as { items: { id: string }[] };
    const idempotencyKey = uniqueLabel('abandoned');
    const body = { product_id: product.id, type: 'in', quantity: 3, reference: 'abandoned-during-deploy' };

    // An uncommitted row with the request's own (scope, key): the server's claim waits on it.
    const blocker = new pg.Client({ connectionString: scratch.url! });
    await blocker.connect();
    try {
      await blocker.query('begin');
      await blocker.query(
        `insert into idempotency_keys (scope, key, request_hash, status, claim_token, locked_until, expires_at)
         values ($1, $2, 'x', 'in_progress', gen_random_uuid(), now(), now() + interval '1 hour')`,
        [`api_key:${keys.items[0]!.id}|stock.movement.create`, idempotencyKey],
      );
      const hangUp = sendThenHangUp(server.baseUrl, '/api/v1/stock/movements', body, {
        authorization: `Bearer ${bootstrapKey}`,
        'idempotency-key': idempotencyKey,
      });
      const observer = new pg.Client({ connectionString: scratch.url! });
      await observer.connect();
      try {
        await waitFor(
          'the claim to wait on the held row',
          async () => {
            const { rows } = await observer.query<{ n: number }>(
              `select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and query like '%idempotency_keys%'`,
            );
            return rows[0]!.n > 0 ? true : undefined;
          },
          4_000,
          50,
        );
      } finally {
        await observer.end();
      }
      hangUp();
      await sleep(100);

      server.child.kill('SIGTERM');
      await server.waitForLine(/shutting down/, 3_000);
      // Time for the server to stop listening and reach its database (the session's lock_timeout
      // is 5 s, so the claim is still waiting). The claim goes through only now; the movement's
      // transaction then needs a connection of its own from the pool.
      await sleep(500);
      await blocker.query('rollback');
    } finally {
      await blocker.end();
    }

    const exit = await server.waitForExit();
    expect(exit, server.stderr()).toEqual({ code: 0, signal: null });
    const entries = logEntries(server.stdout());
    expect(entries.filter((e) => Number(e.level) >= 50), server.stdout()).toEqual([]);
    expect(entries.some((e) => e.msg === 'waiting for handlers of requests whose client has gone' && e.handlers === 1)).toBe(true);
    expect(entries.some((e) => e.msg === 'stopped')).toBe(true);

    server = await startServer({ dataDir, databaseUrl: scratch.url!, bootstrapKey });
    expect(await onHand(server, bootstrapKey, product.id)).toBe('3');
    const retry = await server.request('POST', '/api/v1/stock/movements', { key: bootstrapKey, idempotencyKey, body });
    expect(retry.status, retry.text).toBe(201);
    expect((retry.json() as { movement: { reference: string } }).movement.reference).toBe('abandoned-during-deploy');
    expect(await onHand(server, bootstrapKey, product.id)).toBe('3');
  });
});
