// API.md "Stock ledger" (replays): Idempotency-Key on stock writes. A retry never writes twice.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../helpers/engines.ts';
import { createProduct, movementsOf, onHand, receive } from '../helpers/fixtures.ts';
import { createTestApp, idemKey, type TestApp } from '../helpers/test-app.ts';

describe.each(testEngines())('idempotency keys on %s', (engine) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(engine);
  });
  afterAll(async () => t?.close());

  const post = (body: Record<string, unknown>, idempotencyKey?: string, key?: string) =>
    t.call('POST', '/api/v1/stock/movements', { body, ...(idempotencyKey !== undefined ? { idempotencyKey } : {}), ...(key ? { key } : {}) });

  it('requires the header on movements: 400 idempotency.key_required and nothing written', async () => {
    const p = await createProduct(t);
    const res = await post({ product_id: p.id, type: 'in', quantity: 1 });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json().code).toBe('idempotency.key_required');
    const empty = await t.call('POST', '/api/v1/stock/movements', {
      body: { product_id: p.id, type: 'in', quantity: 1 },
      headers: { 'idempotency-key': '' },
    });
    expect(empty.json().code).toBe('idempotency.key_required');
    expect(await movementsOf(t, p.id)).toHaveLength(0);
  });

  it('accepts keys of 1 to 200 characters and refuses longer ones', async () => {
    const p = await createProduct(t);
    expect((await post({ product_id: p.id, type: 'in', quantity: 1 }, 'k')).statusCode).toBe(201);
    expect((await post({ product_id: p.id, type: 'in', quantity: 1 }, 'x'.repeat(200))).statusCode).toBe(201);
    const long = await post({ product_id: p.id, type: 'in', quantity: 1 }, 'y'.repeat(201));
    expect(long.statusCode).toBe(400);
    expect(long.json().errors[0].path).toBe('Idempotency-Key');
    expect(await onHand(t, p.id)).toBe('2');
  });

  it('replays the original status and body with Idempotent-Replayed: true and writes nothing', async () => {
    const p = await createProduct(t);
    const key = idemKey('replay');
    const first = await post({ product_id: p.id, type: 'in', quantity: 7, unit_cost: '10', reference: 'R-1' }, key);
    expect(first.statusCode).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    // The same request with its fields in another order is still the same request.
    const again = await post({ reference: 'R-1', unit_cost: '10', quantity: 7, type: 'in', product_id: p.id }, key);
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.headers['content-type']).toMatch(/^application\/json/);
    expect(again.body).toBe(first.body);
    expect(await movementsOf(t, p.id)).toHaveLength(1);
    expect(await onHand(t, p.id)).toBe('7');
  });

  it('answers 422 idempotency.key_reused when the key comes back with another body, and keeps the original', async () => {
    const p = await createProduct(t);
    const key = idemKey('reuse');
    const first = await post({ product_id: p.id, type: 'in', quantity: 3 }, key);
    const other = await post({ product_id: p.id, type: 'in', quantity: 4 }, key);
    expect(other.statusCode).toBe(422);
    expect(other.json().code).toBe('idempotency.key_reused');
    expect(await onHand(t, p.id)).toBe('3');
    const replay = await post({ product_id: p.id, type: 'in', quantity: 3 }, key);
    expect(replay.body).toBe(first.body);
  });

  it('scopes a key to its caller: another API key with the same Idempotency-Key is a new request', async () => {
    const p = await createProduct(t);
    const key = idemKey('shared');
    const mine = await post({ product_id: p.id, type: 'in', quantity: 2 }, key);
    const theirs = await post({ product_id: p.id, type: 'in', quantity: 2 }, key, await t.keyFor('clerk'));
    expect(theirs.statusCode).toBe(201);
    expect(theirs.headers['idempotent-replayed']).toBeUndefined();
    expect(theirs.json().movement.id).not.toBe(mine.json().movement.id);
    expect(await onHand(t, p.id)).toBe('4');
  });

  it('replays a stored 409 stock.insufficient even after stock arrives', async () => {
    const p = await createProduct(t);
    await receive(t, p.id, 1);
    const key = idemKey('short');
    const first = await post({ product_id: p.id, type: 'out', quantity: 5 }, key);
    expect(first.statusCode).toBe(409);
    expect(first.json()).toMatchObject({ code: 'stock.insufficient', on_hand: '1' });
    await receive(t, p.id, 10);
    const retry = await post({ product_id: p.id, type: 'out', quantity: 5 }, key);
    expect(retry.statusCode).toBe(409);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(retry.body).toBe(first.body);
    expect(await onHand(t, p.id)).toBe('11');
  });

  it('lets a request that failed with a server error run again on retry', async () => {
    const p = await createProduct(t);
    const key = idemKey('retry');
    await t.db.database.db.execute(sql`alter table stock_movements rename to stock_movements_away`);
    let failed;
    try {
      failed = await post({ product_id: p.id, type: 'in', quantity: 6 }, key);
    } finally {
      await t.db.database.db.execute(sql`alter table stock_movements_away rename to stock_movements`);
    }
    expect(failed.statusCode).toBe(500);
    expect(await onHand(t, p.id)).toBe('0');
    const retry = await post({ product_id: p.id, type: 'in', quantity: 6 }, key);
    expect(retry.statusCode, retry.body).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBeUndefined();
    expect(await onHand(t, p.id)).toBe('6');
  });

  it('replays a physical count instead of adjusting twice', async () => {
    const p = await createProduct(t);
    await receive(t, p.id, 10);
    const key = idemKey('count');
    const body = { lines: [{ product_id: p.id, counted: 8 }] };
    const first = await t.call('POST', '/api/v1/stock/counts', { body, idempotencyKey: key });
    expect(first.statusCode, first.body).toBe(201);
    await receive(t, p.id, 5);
    const again = await t.call('POST', '/api/v1/stock/counts', { body, idempotencyKey: key });
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toBe(first.body);
    expect(await onHand(t, p.id)).toBe('13');
  });

  it('writes exactly one movement for 10 parallel requests with one key; the rest replay or answer in_progress', async () => {
    const p = await createProduct(t);
    const key = idemKey('burst');
    const body = { product_id: p.id, type: 'in', quantity: 1 };
    const results = await Promise.all(Array.from({ length: 10 }, () => post(body, key)));
    const fresh = results.filter((r) => r.statusCode === 201 && r.headers['idempotent-replayed'] === undefined);
    const replayed = results.filter((r) => r.statusCode === 201 && r.headers['idempotent-replayed'] === 'true');
    const busy = results.filter((r) => r.statusCode === 409 && r.json().code === 'idempotency.in_progress');
    expect(fresh).toHaveLength(1);
    expect(fresh.length + replayed.length + busy.length, results.map((r) => `${r.statusCode} ${r.body}`).join('\n')).toBe(10);
    for (const r of replayed) expect(r.body).toBe(fresh[0]!.body);
    for (const r of busy) expect(r.headers['retry-after']).toBeDefined();
    expect(await movementsOf(t, p.id)).toHaveLength(1);
    expect(await onHand(t, p.id)).toBe('1');
  });
});
