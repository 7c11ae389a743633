// API.md "Stock ledger": movements, transfers, quantities, levels, counts, the movement list and
// the integrity check. The seasonal critical list lives in stock-critical.test.ts.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../helpers/engines.ts';
import { createLocation, createProduct, integrity, mainLocationId, move, movementsOf, onHand, receive } from '../helpers/fixtures.ts';
import { createTestApp, idemKey, type TestApp } from '../helpers/test-app.ts';

const UNKNOWN_ID = '0195b7a4-0000-7000-8000-0000000000ee';
const MOVEMENT_KEYS = [
  'actor', 'created_at', 'customer_id', 'id', 'location_id', 'on_hand_after', 'on_hand_before', 'product_id', 'quantity',
  'reason', 'reference', 'to_location_id', 'type', 'unit_cost',
].sort();

describe.each(testEngines())('stock ledger on %s', (engine) => {
  let t: TestApp;
  let main: string;
  let actor: string;

  beforeAll(async () => {
    t = await createTestApp(engine);
    main = await mainLocationId(t);
    actor = `api_key:${(await t.call('GET', '/api/v1/me')).json().id}`;
  });
  afterAll(async () => t?.close());

  async function level(productId: string, locationId: string): Promise<string | undefined> {
    const res = await t.call('GET', `/api/v1/stock/levels?product_id=${productId}&location_id=${locationId}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json().items[0]?.on_hand;
  }

  function expectProblem(res: { statusCode: number; json(): Record<string, unknown> }, status: number, code: string) {
    expect(res.statusCode, JSON.stringify(res.json())).toBe(status);
    expect(res.json().code).toBe(code);
  }

  describe('movements', () => {
    it('records a receipt at MAIN with the documented fields and before/after levels', async () => {
      const p = await createProduct(t);
      const res = await move(t, { product_id: p.id, type: 'in', quantity: '20', unit_cost: 3600.5, reason: 'compra', reference: 'FC A 0001-00001234' });
      expect(res.statusCode, res.body).toBe(201);
      expect(Object.keys(res.json())).toEqual(['movement']);
      const m = res.json().movement;
      expect(Object.keys(m).sort()).toEqual(MOVEMENT_KEYS);
      expect(m).toMatchObject({
        product_id: p.id, location_id: main, type: 'in', quantity: '20', on_hand_before: '0', on_hand_after: '20',
        unit_cost: '3600.50', reason: 'compra', reference: 'FC A 0001-00001234', to_location_id: null, actor,
      });
      expect(m.created_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      expect(await onHand(t, p.id)).toBe('20');
    });

    it('signs quantities: a sale is negative, adjustments keep their sign', async () => {
      const p = await createProduct(t);
      await receive(t, p.id, 20);
      const sale = await move(t, { product_id: p.id, type: 'out', quantity: 3 });
      expect(sale.json().movement).toMatchObject({ type: 'out', quantity: '-3', on_hand_before: '20', on_hand_after: '17', unit_cost: null });
      const up = await move(t, { product_id: p.id, type: 'adjust', quantity: 2 });
      expect(up.json().movement).toMatchObject({ type: 'adjust', quantity: '2', on_hand_before: '17', on_hand_after: '19' });
      const down = await move(t, { product_id: p.id, type: 'adjust', quantity: -4 });
      expect(down.json().movement).toMatchObject({ type: 'adjust', quantity: '-4', on_hand_before: '19', on_hand_after: '15' });
      expect(await onHand(t, p.id)).toBe('15');
    });

    it.each([
      ['in', 0], ['in', -1], ['out', 0], ['out', '-2'], ['adjust', 0], ['adjust', '0.000'],
    ])('refuses type %s with quantity %j (400 at quantity)', async (type, quantity) => {
      const p = await createProduct(t);
      const res = await move(t, { product_id: p.id, type, quantity });
      expect(res.statusCode).toBe(400);
      expect(res.json().errors.map((e: { path: string }) => e.path)).toEqual(['quantity']);
    });

    it('takes whole units only for unit products and up to 3 decimals for kg', async () => {
      const unit = await createProduct(t);
      const half = await move(t, { product_id: unit.id, type: 'in', quantity: '1.5' });
      expect(half.statusCode).toBe(400);
      expect(half.json().errors[0].path).toBe('quantity');
      expect(await movementsOf(t, unit.id)).toHaveLength(0);

      const cheese = await createProduct(t, { unit: 'kg' });
      const m = await receive(t, cheese.id, '2.125');
      expect(m).toMatchObject({ quantity: '2.125', on_hand_after: '2.125' });
      const slice = await move(t, { product_id: cheese.id, type: 'out', quantity: 0.25 });
      expect(slice.json().movement).toMatchObject({ quantity: '-0.25', on_hand_after: '1.875' });
      const tooFine = await move(t, { product_id: cheese.id, type: 'out', quantity: '0.0001' });
      expect(tooFine.statusCode).toBe(400);
      expect(await onHand(t, cheese.id)).toBe('1.875');
    });

    it('never takes stock below zero: 409 stock.insufficient with on_hand, nothing written', async () => {
      const p = await createProduct(t);
      await receive(t, p.id, 3);
      const before = await movementsOf(t, p.id);
      const sale = await move(t, { product_id: p.id, type: 'out', quantity: 5 });
      expectProblem(sale, 409, 'stock.insufficient');
      expect(sale.json().on_hand).toBe('3');
      const adjust = await move(t, { product_id: p.id, type: 'adjust', quantity: -4 });
      expectProblem(adjust, 409, 'stock.insufficient');
      expect(await movementsOf(t, p.id)).toHaveLength(before.length);
      expect(await onHand(t, p.id)).toBe('3');
      const exact = await move(t, { product_id: p.id, type: 'out', quantity: 3 });
      expect(exact.json().movement.on_hand_after).toBe('0');
    });

    it('refuses to sell from a location that never held the product, reporting on_hand 0', async () => {
      const p = await createProduct(t);
      await receive(t, p.id, 5);
      const empty = await createLocation(t);
      const res = await move(t, { product_id: p.id, type: 'out', quantity: 1, location_id: empty.id });
      expectProblem(res, 409, 'stock.insufficient');
      expect(res.json().on_hand).toBe('0');
    });

    it('answers 404 for an unknown product or location and 409 for an archived product', async () => {
      expectProblem(await move(t, { product_id: UNKNOWN_ID, type: 'in', quantity: 1 }), 404, 'product.not_found');
      const p = await createProduct(t);
      expectProblem(await move(t, { product_id: p.id, type: 'in', quantity: 1, location_id: UNKNOWN_ID }), 404, 'location.not_found');
      expect((await t.call('DELETE', `/api/v1/products/${p.id}`)).statusCode).toBe(200);
      expectProblem(await move(t, { product_id: p.id, type: 'in', quantity: 1 }), 409, 'product.archived');
      expect(await movementsOf(t, p.id)).toHaveLength(0);
    });

    it('reports on_hand as the total over all locations', async () => {
      const p = await createProduct(t);
      const other = await createLocation(t);
      await receive(t, p.id, 4);
      await receive(t, p.id, 6, { location_id: other.id });
      expect(await onHand(t, p.id)).toBe('10');
      const levels = await t.call('GET', `/api/v1/stock/levels?product_id=${p.id}`);
      const items = levels.json().items.map((l: Record<string, unknown>) => ({ location_id: l.location_id, on_hand: l.on_hand, product_id: l.product_id }));
      expect(items).toHaveLength(2);
      expect(items).toEqual(expect.arrayContaining([
        { product_id: p.id, location_id: main, on_hand: '4' },
        { product_id: p.id, location_id: other.id, on_hand: '6' },
      ]));
    });
  });

  describe('transfers', () => {
    it('moves stock between locations as an out-leg and an in-leg', async () => {
      const p = await createProduct(t);
      const shop = await createLocation(t);
      await receive(t, p.id, 10);
      const res = await move(t, { product_id: p.id, type: 'transfer', quantity: 4, to_location_id: shop.id });
      expect(res.statusCode, res.body).toBe(201);
      const { movement, counterpart } = res.json();
      expect(movement).toMatchObject({ type: 'transfer', location_id: main, to_location_id: shop.id, quantity: '-4', on_hand_before: '10', on_hand_after: '6' });
      expect(counterpart).toMatchObject({ type: 'transfer', location_id: shop.id, quantity: '4', on_hand_before: '0', on_hand_after: '4' });
      expect(Object.keys(counterpart).sort()).toEqual(MOVEMENT_KEYS);
      expect(await level(p.id, main)).toBe('6');
      expect(await level(p.id, shop.id)).toBe('4');
      expect(await onHand(t, p.id)).toBe('10');
      expect((await movementsOf(t, p.id)).map((m) => m.id)).toEqual(expect.arrayContaining([movement.id, counterpart.id]));
    });

    it('writes neither leg when the origin lacks stock, whichever way the transfer goes', async () => {
      const p = await createProduct(t);
      const shop = await createLocation(t);
      await receive(t, p.id, 2);
      await receive(t, p.id, 1, { location_id: shop.id });
      const before = await movementsOf(t, p.id);
      for (const [from, to, has] of [[main, shop.id, '2'], [shop.id, main, '1']] as const) {
        const res = await move(t, { product_id: p.id, type: 'transfer', quantity: 3, location_id: from, to_location_id: to });
        expectProblem(res, 409, 'stock.insufficient');
        expect(res.json().on_hand).toBe(has);
      }
      expect(await movementsOf(t, p.id)).toHaveLength(before.length);
      expect(await level(p.id, main)).toBe('2');
      expect(await level(p.id, shop.id)).toBe('1');
    });

    it('refuses a transfer to its own location, without a destination, or a destination on another type', async () => {
      const p = await createProduct(t);
      await receive(t, p.id, 5);
      const cases = [
        { type: 'transfer', quantity: 1, to_location_id: main },
        { type: 'transfer', quantity: 1 },
        { type: 'out', quantity: 1, to_location_id: main },
      ];
      for (const body of cases) {
        const res = await move(t, { product_id: p.id, ...body });
        expect(res.statusCode, res.body).toBe(400);
        expect(res.json().errors.map((e: { path: string }) => e.path)).toEqual(['to_location_id']);
      }
      expect(await onHand(t, p.id)).toBe('5');
    });
  });

  describe('physical counts', () => {
    it('writes one adjust per line whose count differs and nothing for unchanged lines', async () => {
      const same = await createProduct(t);
      const more = await createProduct(t, { unit: 'kg' });
      const less = await createProduct(t);
      const never = await createProduct(t);
      await receive(t, same.id, 5);
      await receive(t, more.id, '1.5');
      await receive(t, less.id, 9);
      const res = await t.call('POST', '/api/v1/stock/counts', {
        idempotencyKey: idemKey(),
        body: { lines: [{ product_id: same.id, counted: 5 }, { product_id: more.id, counted: '2.25' }, { product_id: less.id, counted: '7' }, { product_id: never.id, counted: 0 }] },
      });
      expect(res.statusCode, res.body).toBe(201);
      const body = res.json();
      expect(body).toMatchObject({ location_id: main, lines_counted: 4, unchanged: 2 });
      expect(body.movements).toHaveLength(2);
      const byProduct = Object.fromEntries(body.movements.map((m: Record<string, unknown>) => [m.product_id, m]));
      expect(byProduct[more.id]).toMatchObject({ type: 'adjust', quantity: '0.75', on_hand_before: '1.5', on_hand_after: '2.25' });
      expect(byProduct[less.id]).toMatchObject({ type: 'adjust', quantity: '-2', on_hand_before: '9', on_hand_after: '7' });
      expect(await movementsOf(t, same.id)).toHaveLength(1);
      expect(await movementsOf(t, never.id)).toHaveLength(0);
      expect([await onHand(t, more.id), await onHand(t, less.id)]).toEqual(['2.25', '7']);
    });

    it('counts at a given location and refuses fractional counts of unit products', async () => {
      const p = await createProduct(t);
      const shop = await createLocation(t);
      const ok = await t.call('POST', '/api/v1/stock/counts', {
        idempotencyKey: idemKey(),
        body: { location_id: shop.id, lines: [{ product_id: p.id, counted: 3 }] },
      });
      expect(ok.statusCode, ok.body).toBe(201);
      expect(ok.json().movements[0]).toMatchObject({ location_id: shop.id, quantity: '3' });
      expect(await level(p.id, main)).toBeUndefined();
      const bad = await t.call('POST', '/api/v1/stock/counts', {
        idempotencyKey: idemKey(),
        body: { location_id: shop.id, lines: [{ product_id: p.id, counted: '3.5' }] },
      });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().errors[0].path).toBe('lines.0.counted');
      expect(await level(p.id, shop.id)).toBe('3');
    });

    it('requires an Idempotency-Key (400 idempotency.key_required)', async () => {
      const p = await createProduct(t);
      const res = await t.call('POST', '/api/v1/stock/counts', { body: { lines: [{ product_id: p.id, counted: 1 }] } });
      expectProblem(res, 400, 'idempotency.key_required');
      expect(await movementsOf(t, p.id)).toHaveLength(0);
    });
  });

  describe('movement list', () => {
    let p: { id: string };
    let other: { id: string };
    let ids: string[];

    beforeAll(async () => {
      p = await createProduct(t);
      other = await createLocation(t);
      ids = [];
      ids.push(String((await receive(t, p.id, 10)).id));
      for (const body of [
        { type: 'out', quantity: 1 },
        { type: 'in', quantity: 2, location_id: other.id },
        { type: 'adjust', quantity: -1 },
        { type: 'out', quantity: 2 },
      ]) {
        const res = await move(t, { product_id: p.id, ...body });
        expect(res.statusCode, res.body).toBe(201);
        ids.push(res.json().movement.id);
      }
    });

    it('lists newest first and pages through every movement exactly once', async () => {
      const all = await movementsOf(t, p.id);
      expect(all.map((m) => m.id)).toEqual([...ids].reverse());
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const res = await t.call('GET', `/api/v1/stock/movements?product_id=${p.id}&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
        expect(res.statusCode, res.body).toBe(200);
        seen.push(...res.json().items.map((m: { id: string }) => m.id));
        cursor = res.json().next_cursor;
      } while (cursor);
      expect(seen).toEqual([...ids].reverse());
    });

    it.each([
      ['type', () => 'type=out', () => [ids[4], ids[1]]],
      ['location_id', () => `location_id=${other.id}`, () => [ids[2]]],
      ['a "from" in the future', () => `from=${new Date(Date.now() + 86_400_000).toISOString()}`, () => []],
      ['a "to" in the past', () => 'to=2020-01-01', () => []],
      ['a window around now', () => `from=${new Date(Date.now() - 3_600_000).toISOString()}&to=${new Date(Date.now() + 3_600_000).toISOString()}`, () => [...ids].reverse()],
    ])('filters by %s', async (_label, query, expected) => {
      const res = await t.call('GET', `/api/v1/stock/movements?product_id=${p.id}&${query()}`);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().items.map((m: { id: string }) => m.id)).toEqual(expected());
    });
  });

  it('finds the ledger and the levels in agreement after everything above', async () => {
    const report = await integrity(t);
    expect(report).toMatchObject({ ok: true, mismatches: [] });
    expect(report.products_checked).toBeGreaterThan(10);
  });

  it('reports a level that no longer matches its ledger', async () => {
    const p = await createProduct(t);
    await receive(t, p.id, 4);
    await t.db.database.db.execute(sql`update stock_levels set on_hand = on_hand + 1 where product_id = ${p.id}`);
    try {
      const report = await integrity(t);
      expect(report.ok).toBe(false);
      expect(report.mismatches).toEqual([{ product_id: p.id, location_id: main, level: '5', ledger: '4' }]);
    } finally {
      await t.db.database.db.execute(sql`update stock_levels set on_hand = on_hand - 1 where product_id = ${p.id}`);
    }
    expect((await integrity(t)).ok).toBe(true);
  });
});
