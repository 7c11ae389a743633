// DOMAIN.md "Stock ledger" under concurrency: many requests at once never oversell, never
// deadlock into a 500, and never leave stock on an archived product.
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../helpers/engines.ts';
import { createLocation, createProduct, integrity, mainLocationId, move, movementsOf, onHand, receive } from '../helpers/fixtures.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

function summary(results: LightMyRequestResponse[]): string {
  const counts = new Map<string, number>();
  for (const r of results) {
    const label = `${r.statusCode} ${r.statusCode >= 400 ? r.json().code : ''}`.trim();
    counts.set(label, (counts.get(label) ?? 0) + 1);
  }
  return JSON.stringify(Object.fromEntries(counts));
}

describe.each(testEngines())('stock under concurrency on %s', (engine) => {
  let t: TestApp;
  let main: string;
  beforeAll(async () => {
    t = await createTestApp(engine);
    main = await mainLocationId(t);
  });
  afterAll(async () => t?.close());

  it('lets exactly 20 of 50 simultaneous sales of 1 through when 20 are in stock', async () => {
    const p = await createProduct(t);
    await receive(t, p.id, 20);
    const clerk = await t.keyFor('clerk');
    const results = await Promise.all(Array.from({ length: 50 }, () => move(t, { product_id: p.id, type: 'out', quantity: 1 }, clerk)));
    const sold = results.filter((r) => r.statusCode === 201);
    const refused = results.filter((r) => r.statusCode === 409 && r.json().code === 'stock.insufficient');
    expect([sold.length, refused.length], summary(results)).toEqual([20, 30]);
    for (const r of refused) expect(r.json().on_hand).toMatch(/^\d+$/);
    // Every sale saw a distinct level: the history is a straight line from 20 down to 0.
    const afters = sold.map((r) => Number(r.json().movement.on_hand_after)).sort((a, b) => a - b);
    expect(afters).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(await onHand(t, p.id)).toBe('0');
    expect((await movementsOf(t, p.id)).filter((m) => m.type === 'out')).toHaveLength(20);
    expect((await integrity(t)).ok).toBe(true);
  });

  it('sells the last unit exactly once when two tills race for it', async () => {
    for (let round = 0; round < 5; round++) {
      const p = await createProduct(t);
      await receive(t, p.id, 1);
      const results = await Promise.all([0, 1].map(() => move(t, { product_id: p.id, type: 'out', quantity: 1 })));
      expect(results.map((r) => r.statusCode).sort(), summary(results)).toEqual([201, 409]);
      expect(await onHand(t, p.id)).toBe('0');
    }
  });

  it('runs opposite transfers between two locations in parallel without deadlocks or 5xx, keeping totals', async () => {
    const p = await createProduct(t);
    const shop = await createLocation(t);
    await receive(t, p.id, 30);
    await receive(t, p.id, 30, { location_id: shop.id });
    const requests = Array.from({ length: 40 }, (_, i) =>
      i % 2 === 0
        ? { product_id: p.id, type: 'transfer', quantity: 1, location_id: main, to_location_id: shop.id }
        : { product_id: p.id, type: 'transfer', quantity: 1, location_id: shop.id, to_location_id: main },
    );
    const results = await Promise.all(requests.map((body) => move(t, body)));
    expect(results.every((r) => r.statusCode === 201), summary(results)).toBe(true);
    const levels = await t.call('GET', `/api/v1/stock/levels?product_id=${p.id}`);
    const byLocation = Object.fromEntries(levels.json().items.map((l: { location_id: string; on_hand: string }) => [l.location_id, l.on_hand]));
    expect(byLocation).toEqual({ [main]: '30', [shop.id]: '30' });
    expect(await onHand(t, p.id)).toBe('60');
    expect((await integrity(t)).ok).toBe(true);
  });

  it('drains a location with parallel transfers out of it without ever going below zero', async () => {
    const p = await createProduct(t);
    const shop = await createLocation(t);
    await receive(t, p.id, 5, { location_id: shop.id });
    const results = await Promise.all(
      Array.from({ length: 12 }, () => move(t, { product_id: p.id, type: 'transfer', quantity: 1, location_id: shop.id, to_location_id: main })),
    );
    const moved = results.filter((r) => r.statusCode === 201).length;
    const refused = results.filter((r) => r.statusCode === 409 && r.json().code === 'stock.insufficient').length;
    expect([moved, refused], summary(results)).toEqual([5, 7]);
    expect(await onHand(t, p.id)).toBe('5');
    expect((await integrity(t)).ok).toBe(true);
  });

  it('never leaves stock on an archived product when an archive races receipts', async () => {
    for (let round = 0; round < 20; round++) {
      const p = await createProduct(t);
      const receipt = () => move(t, { product_id: p.id, type: 'in', quantity: 3, ...(round % 2 === 0 ? { unit_cost: '50' } : {}) });
      // The archive is sent amid the receipts, so it tends to arrive while one of them is in flight.
      const [r1, r2, a, r3] = await Promise.all([receipt(), receipt(), t.call('DELETE', `/api/v1/products/${p.id}`), receipt()]);
      const receipts = [r1!, r2!, r3!];
      const label = `receipts ${summary(receipts)} / archive ${summary([a!])}`;
      const product = (await t.call('GET', `/api/v1/products/${p.id}`)).json();
      const received = receipts.filter((r) => r.statusCode === 201).length;
      if (product.archived) {
        expect(product.on_hand, label).toBe('0');
        expect(received, label).toBe(0);
        for (const r of receipts) expect(r.json().code, label).toBe('product.archived');
      } else {
        expect(a!.json().code, label).toBe('product.has_stock');
        expect(product.on_hand, label).toBe(String(3 * received));
        expect(received, label).toBeGreaterThan(0);
      }
    }
    expect((await integrity(t)).ok).toBe(true);
  });
});
