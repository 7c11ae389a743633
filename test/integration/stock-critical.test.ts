// API.md GET /stock/critical and DOMAIN.md "Seasonal minimum stock": the season comes from the
// date, factors are settings (global default, per-category overrides), minimums round up.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDate } from '../../src/platform/time/zone.ts';
import { testEngines } from '../helpers/engines.ts';
import { createProduct, receive, unique } from '../helpers/fixtures.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

const DEFAULTS = { verano: '1.3', otono: '1.0', invierno: '0.8', primavera: '1.1' };

interface CriticalItem {
  product_id: string;
  sku: string;
  name: string;
  on_hand: string;
  min_stock: string;
  season: string;
  season_factor: string;
  adjusted_min: string;
  deficit: string;
}

describe.each(testEngines())('seasonal critical list on %s', (engine) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(engine);
  });
  afterAll(async () => t?.close());

  async function critical(date?: string): Promise<{ date: string; season: string; items: CriticalItem[] }> {
    const res = await t.call('GET', `/api/v1/stock/critical${date ? `?date=${date}` : ''}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  }
  const itemFor = (list: { items: CriticalItem[] }, id: string) => list.items.find((i) => i.product_id === id);

  async function stocked(min: string, stock: string | number, fields: Record<string, unknown> = {}) {
    const p = await createProduct(t, { min_stock: min, ...fields });
    if (Number(stock) > 0) await receive(t, p.id, stock);
    return p;
  }

  it.each([
    ['2026-01-15', '10', 'unit', 'verano', '1.3', '13'],
    ['2026-07-15', '10', 'unit', 'invierno', '0.8', '8'],
    ['2026-01-15', '7', 'unit', 'verano', '1.3', '10'],
    ['2026-04-01', '10', 'unit', 'otono', '1', '10'],
    ['2026-10-31', '10', 'unit', 'primavera', '1.1', '11'],
    ['2025-12-01', '7', 'unit', 'verano', '1.3', '10'],
    ['2026-01-15', '0.333', 'kg', 'verano', '1.3', '0.433'],
    ['2026-07-15', '2.5', 'kg', 'invierno', '0.8', '2'],
  ])('on %s a minimum of %s (%s) becomes %s × %s → %s', async (date, min, unit, season, factor, adjusted) => {
    const p = await stocked(min, 0, { unit });
    const list = await critical(date);
    expect(list).toMatchObject({ date, season });
    expect(itemFor(list, p.id)).toEqual({
      product_id: p.id,
      sku: p.sku,
      name: p.name,
      category: p.category,
      unit,
      on_hand: '0',
      min_stock: min,
      season,
      season_factor: factor,
      adjusted_min: adjusted,
      deficit: adjusted,
    });
  });

  it('lists a product while on_hand ≤ adjusted_min, with deficit = adjusted_min − on_hand', async () => {
    const five = await stocked('10', 5);
    const twelve = await stocked('10', 12);
    const thirteen = await stocked('10', 13);
    const fourteen = await stocked('10', 14);
    const january = await critical('2026-01-20');
    expect(itemFor(january, five.id)).toMatchObject({ on_hand: '5', adjusted_min: '13', deficit: '8' });
    expect(itemFor(january, twelve.id)).toMatchObject({ on_hand: '12', deficit: '1' });
    expect(itemFor(january, thirteen.id)).toMatchObject({ on_hand: '13', deficit: '0' });
    expect(itemFor(january, fourteen.id)).toBeUndefined();
    const july = await critical('2026-07-20');
    expect(itemFor(july, five.id)).toMatchObject({ adjusted_min: '8', deficit: '3' });
    expect(itemFor(july, twelve.id)).toBeUndefined();
  });

  it('leaves out archived products and products without a minimum', async () => {
    const archived = await stocked('10', 0);
    expect((await t.call('DELETE', `/api/v1/products/${archived.id}`)).statusCode).toBe(200);
    const noMinimum = await stocked('0', 0);
    const list = await critical('2026-01-15');
    expect(itemFor(list, archived.id)).toBeUndefined();
    expect(itemFor(list, noMinimum.id)).toBeUndefined();
  });

  it("uses today's date in the store's time zone when no date is given", async () => {
    const before = localDate(new Date(), t.config.timezone);
    const list = await critical();
    const after = localDate(new Date(), t.config.timezone);
    expect([before, after]).toContain(list.date);
  });

  it.each(['2026-13-01', '15/01/2026', 'yesterday'])('refuses date=%s with 400 at date', async (date) => {
    const res = await t.call('GET', `/api/v1/stock/critical?date=${encodeURIComponent(date)}`);
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].path).toBe('date');
  });

  it('refuses a cursor that is not a page offset (negative, fractional or not a number) with 400, on this list and on reorder', async () => {
    const forged = (value: string) => Buffer.from(JSON.stringify([value])).toString('base64url');
    for (const bad of ['-5', '1.5', 'abc', '1e3']) {
      for (const path of ['/api/v1/stock/critical', '/api/v1/forecast/reorder']) {
        const res = await t.call('GET', `${path}?limit=1&cursor=${forged(bad)}`);
        expect(res.statusCode, `${path} ${bad}`).toBe(400);
        expect(res.json().code).toBe('validation.failed');
        expect(res.json().errors[0].path).toBe('cursor');
      }
    }
  });

  describe('season factor settings', () => {
    const category = `helados-${unique('c').toLowerCase()}`;
    afterAll(async () => {
      await t.call('PUT', '/api/v1/stock/season-factors', { body: { default: DEFAULTS, by_category: {} } });
    });

    it('starts from the documented defaults', async () => {
      const res = await t.call('GET', '/api/v1/stock/season-factors');
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toEqual({ default: DEFAULTS, by_category: {} });
    });

    it('applies a category override to that category only, and a new default to the rest', async () => {
      const ice = await stocked('10', 0, { category });
      const plain = await stocked('10', 0, { category: 'almacen' });
      const put = await t.call('PUT', '/api/v1/stock/season-factors', {
        body: { default: { ...DEFAULTS, invierno: '0.5' }, by_category: { [category]: { invierno: 0.2, verano: '2' } } },
      });
      expect(put.statusCode, put.body).toBe(200);
      expect(put.json()).toEqual({ default: { ...DEFAULTS, invierno: '0.5' }, by_category: { [category]: { invierno: '0.2', verano: '2' } } });
      expect((await t.call('GET', '/api/v1/stock/season-factors')).json()).toEqual(put.json());

      const july = await critical('2026-07-01');
      expect(itemFor(july, ice.id)).toMatchObject({ season_factor: '0.2', adjusted_min: '2' });
      expect(itemFor(july, plain.id)).toMatchObject({ season_factor: '0.5', adjusted_min: '5' });
      const january = await critical('2026-01-01');
      expect(itemFor(january, ice.id)).toMatchObject({ season_factor: '2', adjusted_min: '20' });
      const october = await critical('2026-10-01');
      expect(itemFor(october, ice.id)).toMatchObject({ season_factor: '1.1', adjusted_min: '11' });
    });

    it('refuses a factor that is not a decimal, naming its path, and keeps the old settings', async () => {
      const before = (await t.call('GET', '/api/v1/stock/season-factors')).json();
      const res = await t.call('PUT', '/api/v1/stock/season-factors', { body: { default: { ...DEFAULTS, verano: 'mucho' } } });
      expect(res.statusCode).toBe(400);
      expect(res.json().errors.map((e: { path: string }) => e.path)).toEqual(['default.verano']);
      const missing = await t.call('PUT', '/api/v1/stock/season-factors', { body: { default: { verano: '1' } } });
      expect(missing.statusCode).toBe(400);
      expect((await t.call('GET', '/api/v1/stock/season-factors')).json()).toEqual(before);
    });
  });
});
