// API.md "Pricing" and DOMAIN.md "Inflation-aware pricing" / "IVA" through the real app, on both
// engines: settings, the quote (and where its last cost date comes from), reprice dry run and
// apply, the price history with who and why, audit events in the same transaction, the
// scheduled reprice, and who may do what. The formula's exact cases are unit tests in
// src/modules/pricing/engine.test.ts; here each is checked once more end to end.
import { Decimal } from 'decimal.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDate } from '../../src/platform/time/zone.ts';
import { onlyOn, testEngines } from '../helpers/engines.ts';
import { createProduct, receive, unique, type ProductJson } from '../helpers/fixtures.ts';
import { createTestApp, idemKey, type TestApp } from '../helpers/test-app.ts';

const DEFAULTS = { monthly_inflation_rate: '0.045', markup_by_category: {}, default_markup: '0.35', rounding: '1' };

interface Change {
  product_id: string;
  old_price: string | null;
  new_price: string;
  [field: string]: unknown;
}

/** YYYY-MM-DD plus n calendar days. */
function plusDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

describe.each(testEngines())('inflation-aware pricing on %s', (engine) => {
  let t: TestApp;
  let today: string;
  beforeAll(async () => {
    t = await createTestApp(engine);
    today = localDate(new Date(), t.config.timezone);
  });
  afterAll(async () => t?.close());

  const category = () => `cat-${unique('c').toLowerCase()}`;

  async function quote(id: string, date?: string) {
    const res = await t.call('GET', `/api/v1/products/${id}/price-quote${date ? `?date=${date}` : ''}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  }
  async function reprice(body: Record<string, unknown>, options: { key?: string; idempotencyKey?: string } = {}) {
    return t.call('POST', '/api/v1/pricing/reprice', { body, ...options });
  }
  async function putSettings(body: Record<string, unknown>) {
    const res = await t.call('PUT', '/api/v1/pricing/settings', { body });
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  }
  async function history(id: string) {
    const res = await t.call('GET', `/api/v1/products/${id}/price-history`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json().items as Record<string, unknown>[];
  }
  async function salePrice(id: string) {
    return (await t.call('GET', `/api/v1/products/${id}`)).json().sale_price as string | null;
  }
  /** A receipt recorded `daysAgo` days back, through the stock service (the API always records "now"). */
  async function backdatedReceipt(p: ProductJson, unitCost: string, daysAgo: number) {
    const at = new Date(Date.now() - daysAgo * 86_400_000);
    await t.services.stock.recordMovement({ product_id: p.id, type: 'in', quantity: '1', unit_cost: unitCost }, { actor: 'test', at });
    return localDate(at, t.config.timezone);
  }

  describe('settings', () => {
    afterAll(async () => putSettings(DEFAULTS));

    it('starts from the documented defaults (4.5 % a month, 35 % markup)', async () => {
      const res = await t.call('GET', '/api/v1/pricing/settings');
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toEqual(DEFAULTS);
    });

    it('replaces them, normalizing numbers and category names, and audits the change', async () => {
      const saved = await putSettings({ monthly_inflation_rate: 0.05, markup_by_category: { ' Bebidas ': '0.50', lacteos: 0.3 }, default_markup: '0.40', rounding: 10 });
      expect(saved).toEqual({ monthly_inflation_rate: '0.05', markup_by_category: { bebidas: '0.5', lacteos: '0.3' }, default_markup: '0.4', rounding: '10' });
      expect((await t.call('GET', '/api/v1/pricing/settings')).json()).toEqual(saved);
      const events = (await t.call('GET', '/api/v1/audit/events?action=pricing.settings.update')).json().items;
      expect(events[0]).toMatchObject({ action: 'pricing.settings.update', outcome: 'success', details: { value: saved } });
    });

    it.each([
      [{ ...DEFAULTS, monthly_inflation_rate: '1.5' }, 'monthly_inflation_rate'],
      [{ ...DEFAULTS, monthly_inflation_rate: '-0.01' }, 'monthly_inflation_rate'],
      [{ ...DEFAULTS, monthly_inflation_rate: '0.0000001' }, 'monthly_inflation_rate'],
      [{ ...DEFAULTS, default_markup: 'mucho' }, 'default_markup'],
      [{ ...DEFAULTS, default_markup: '11' }, 'default_markup'],
      [{ ...DEFAULTS, markup_by_category: { bebidas: '-1' } }, 'markup_by_category.bebidas'],
      [{ ...DEFAULTS, rounding: '5' }, 'rounding'],
      [{ ...DEFAULTS, extra: true }, 'extra'],
      [{ monthly_inflation_rate: '0.04' }, 'default_markup'],
    ])('refuses %j with 400 naming the field', async (body, path) => {
      const res = await t.call('PUT', '/api/v1/pricing/settings', { body });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().code).toBe('validation.failed');
      expect((res.json().errors as { path: string }[]).map((e) => e.path)).toContain(path);
    });
  });

  describe('price quote', () => {
    it('prices a new product at its cost with no inflation: 1000 × 1.35 × 1.21 = 1633.50 → 1634', async () => {
      const p = await createProduct(t, { cost_price: '1000', vat_rate: '21' });
      expect(await quote(p.id)).toEqual({
        product_id: p.id,
        date: today,
        cost_price: '1000.00',
        last_cost_date: today,
        last_cost_source: 'cost_update',
        days: 0,
        monthly_inflation_rate: '0.045',
        inflation_factor: '1.000000',
        replacement_cost: '1000.00',
        markup: '0.35',
        vat_rate: '21',
        suggested_price: '1634.00',
        suggested_net_price: '1350.41',
        suggested_vat: '283.59',
        current_price: null,
        current_margin: null,
        suggested_margin: '0.2595',
        rounding: '1',
      });
    });

    it('after 365 days at 4.5 % a month: factor ≈ 1.6952, replacement 1695.19 (DOMAIN.md case)', async () => {
      const p = await createProduct(t, { cost_price: '1000', vat_rate: '21' });
      const q = await quote(p.id, plusDays(today, 365));
      expect(q).toMatchObject({ days: 365, inflation_factor: '1.695195', replacement_cost: '1695.19', suggested_price: '2770.00' });
      expect(new Decimal(q.inflation_factor).toDecimalPlaces(4).toFixed()).toBe('1.6952');
    });

    it('after 30 days applies (1.045)^(30/30.44); 30.44 days is exactly one month (unit-tested: 1045.00)', async () => {
      const p = await createProduct(t, { cost_price: '1000', vat_rate: '0' });
      const q = await quote(p.id, plusDays(today, 30));
      const expected = new Decimal('1.045').pow(new Decimal(30).div('30.44'));
      expect(q.inflation_factor).toBe(expected.toFixed(6));
      expect(q.replacement_cost).toBe(expected.mul(1000).toDecimalPlaces(2).toFixed(2));
    });

    it('prices a date before the last cost as 0 days (factor 1)', async () => {
      const p = await createProduct(t, { cost_price: '500' });
      expect(await quote(p.id, plusDays(today, -10))).toMatchObject({ days: 0, inflation_factor: '1.000000', replacement_cost: '500.00' });
    });

    it('includes IVA at the product rate: 0, 10.5 and 27 %', async () => {
      const cases: [string, string][] = [['0', '1350.00'], ['10.5', '1492.00'], ['27', '1715.00']];
      for (const [vat, price] of cases) {
        const p = await createProduct(t, { cost_price: '1000', vat_rate: vat });
        expect((await quote(p.id)).suggested_price, `IVA ${vat}`).toBe(price);
      }
    });

    it('uses the category markup over the default, and the rounding step', async () => {
      const cat = category();
      await putSettings({ ...DEFAULTS, markup_by_category: { [cat]: '0.5' }, rounding: '100' });
      try {
        const own = await createProduct(t, { cost_price: '1000', vat_rate: '21', category: cat });
        const other = await createProduct(t, { cost_price: '1000', vat_rate: '21' });
        // 1000 × 1.5 × 1.21 = 1815 → 1900; 1000 × 1.35 × 1.21 = 1633.5 → 1700.
        expect(await quote(own.id)).toMatchObject({ markup: '0.5', suggested_price: '1900.00', rounding: '100' });
        expect(await quote(other.id)).toMatchObject({ markup: '0.35', suggested_price: '1700.00' });
      } finally {
        await putSettings(DEFAULTS);
      }
    });

    it('dates the cost from the latest receipt with a unit cost', async () => {
      const p = await createProduct(t, { cost_price: '800' });
      const receiptDay = await backdatedReceipt(p, '1000', 61);
      const q = await quote(p.id);
      expect(q).toMatchObject({ cost_price: '1000.00', last_cost_date: receiptDay, last_cost_source: 'receipt', days: 61 });
      const factor = new Decimal('1.045').pow(new Decimal(61).div('30.44'));
      expect(q.inflation_factor).toBe(factor.toFixed(6));
      // A receipt without a unit cost says nothing about the cost.
      await receive(t, p.id, 1);
      expect(await quote(p.id)).toMatchObject({ last_cost_date: receiptDay, days: 61 });
      // A new costed receipt restarts the clock.
      await receive(t, p.id, 1, { unit_cost: '1100' });
      expect(await quote(p.id)).toMatchObject({ cost_price: '1100.00', last_cost_date: today, last_cost_source: 'receipt', days: 0 });
    });

    it('takes an edited cost as of the edit, and a cost edited back to the receipt’s as of the receipt', async () => {
      const p = await createProduct(t, { cost_price: '100' });
      const receiptDay = await backdatedReceipt(p, '500', 100);
      const edit = (cost: string) => t.call('PATCH', `/api/v1/products/${p.id}`, { body: { cost_price: cost } });
      expect((await edit('600')).statusCode).toBe(200);
      expect(await quote(p.id)).toMatchObject({ cost_price: '600.00', last_cost_date: today, last_cost_source: 'cost_update', days: 0 });
      expect((await edit('500')).statusCode).toBe(200);
      expect(await quote(p.id)).toMatchObject({ cost_price: '500.00', last_cost_date: receiptDay, last_cost_source: 'receipt', days: 100 });
    });

    it('shows the margin the current price leaves over the replacement cost', async () => {
      const p = await createProduct(t, { cost_price: '1000', sale_price: '1210', vat_rate: '21' });
      // 1 − 1000 × 1.21 / 1210 = 0: the current price only pays the cost back.
      expect(await quote(p.id)).toMatchObject({ current_price: '1210.00', current_margin: '0.0000' });
    });

    it('answers 404 for an unknown product and 400 for a bad date', async () => {
      const missing = await t.call('GET', '/api/v1/products/0195b7a4-0000-7000-8000-00000000abcd/price-quote');
      expect(missing.statusCode).toBe(404);
      expect(missing.json().code).toBe('product.not_found');
      for (const bad of ['2026-13-01', '01/03/2026', 'hoy']) {
        const res = await t.call('GET', `/api/v1/products/${(await createProduct(t)).id}/price-quote?date=${encodeURIComponent(bad)}`);
        expect(res.statusCode).toBe(400);
        expect(res.json().errors[0].path).toBe('date');
      }
    });
  });

  describe('reprice', () => {
    it('previews by default: lists the changes and writes nothing', async () => {
      const cat = category();
      const a = await createProduct(t, { category: cat, cost_price: '1000', sale_price: '1500', vat_rate: '21' });
      const b = await createProduct(t, { category: cat, cost_price: '200', vat_rate: '10.5' });
      const res = await reprice({ category: cat });
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json();
      expect(body).toMatchObject({ dry_run: true, run_id: null, date: today, category: cat, settings: DEFAULTS, unchanged: 0, skipped: [] });
      const byId = new Map((body.changes as Change[]).map((c) => [c.product_id, c]));
      expect(byId.size).toBe(2);
      expect(byId.get(a.id)).toMatchObject({
        sku: a.sku,
        old_price: '1500.00',
        new_price: '1634.00',
        change_pct: '0.0893',
        cost_price: '1000.00',
        last_cost_date: today,
        days: 0,
        inflation_factor: '1.000000',
        replacement_cost: '1000.00',
        markup: '0.35',
        vat_rate: '21',
        old_margin: '0.1933',
        new_margin: '0.2595',
      });
      // 200 × 1.35 × 1.105 = 298.35 → 299
      expect(byId.get(b.id)).toMatchObject({ old_price: null, new_price: '299.00', change_pct: null, old_margin: null });
      expect(await salePrice(a.id)).toBe('1500.00');
      expect(await history(a.id)).toHaveLength(1); // only its creation
    });

    it('applies in one transaction: prices, history with who and why, one audit event per change', async () => {
      const cat = category();
      const a = await createProduct(t, { category: cat, cost_price: '1000', sale_price: '1500' });
      const b = await createProduct(t, { category: cat, cost_price: '200', vat_rate: '10.5' });
      const res = await reprice({ category: cat, dry_run: false, note: 'aumento de marzo' });
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json();
      expect(body.dry_run).toBe(false);
      expect(body.run_id).toEqual(expect.any(String));
      expect(body.changes).toHaveLength(2);
      expect(await salePrice(a.id)).toBe('1634.00');
      expect(await salePrice(b.id)).toBe('299.00');

      const [latest] = await history(a.id);
      expect(latest).toMatchObject({
        product_id: a.id,
        old_price: '1500.00',
        new_price: '1634.00',
        reason: 'reprice',
        note: 'aumento de marzo',
        run_id: body.run_id,
        actor: expect.stringMatching(/^api_key:/),
        details: { cost_price: '1000.00', days: 0, inflation_factor: '1.000000', replacement_cost: '1000.00', markup: '0.35', vat_rate: '21', monthly_inflation_rate: '0.045', rounding: '1' },
      });

      const events = (await t.call('GET', '/api/v1/audit/events?action=pricing.price.change&limit=500')).json().items as Record<string, unknown>[];
      const mine = events.filter((e) => (e.details as { run_id?: string }).run_id === body.run_id);
      expect(mine.map((e) => e.resource).sort()).toEqual([`product:${a.id}`, `product:${b.id}`].sort());
      expect(mine[0]).toMatchObject({ actor: latest!.actor, outcome: 'success' });
      const runEvents = (await t.call('GET', '/api/v1/audit/events?action=pricing.reprice.apply&limit=500')).json().items as Record<string, unknown>[];
      expect(runEvents.find((e) => e.resource === `pricing_run:${body.run_id}`)).toMatchObject({ details: { changed: 2, category: cat, trigger: 'manual' } });

      // The run and its changes, with names and codes for shelf labels.
      const runs = (await t.call('GET', '/api/v1/pricing/runs')).json().items;
      expect(runs.find((r: { id: string }) => r.id === body.run_id)).toMatchObject({ trigger: 'manual', category: cat, changed: 2, note: 'aumento de marzo', settings: DEFAULTS });
      const changes = (await t.call('GET', `/api/v1/pricing/changes?run_id=${body.run_id}`)).json();
      expect(changes.items).toHaveLength(2);
      expect(changes.items.find((c: { product_id: string }) => c.product_id === a.id)).toMatchObject({ sku: a.sku, name: a.name, category: cat, unit: 'unit', new_price: '1634.00' });

      // Applying again changes nothing: every price already is the suggested one.
      const again = (await reprice({ category: cat, dry_run: false })).json();
      expect(again).toMatchObject({ changes: [], unchanged: 2 });
    });

    it('reprices only the listed products, and refuses unknown or archived ones without writing', async () => {
      const cat = category();
      const a = await createProduct(t, { category: cat, cost_price: '100' });
      const b = await createProduct(t, { category: cat, cost_price: '100' });
      const archived = await createProduct(t, { category: cat, cost_price: '100' });
      expect((await t.call('DELETE', `/api/v1/products/${archived.id}`)).statusCode).toBe(200);

      const refused = await reprice({ product_ids: [a.id, archived.id], dry_run: false });
      expect(refused.statusCode, refused.body).toBe(400);
      expect(refused.json().errors).toEqual([{ path: 'product_ids.1', message: expect.any(String) }]);
      expect(await salePrice(a.id)).toBeNull();

      const ok = (await reprice({ product_ids: [a.id], dry_run: false })).json();
      expect(ok.changes.map((c: Change) => c.product_id)).toEqual([a.id]);
      expect(await salePrice(b.id)).toBeNull();
      // A whole-category run leaves archived products alone.
      const all = (await reprice({ category: cat })).json();
      expect(all.changes.map((c: Change) => c.product_id)).toEqual([b.id]);
    });

    it('skips products without a cost instead of pricing them at zero', async () => {
      const cat = category();
      const free = await createProduct(t, { category: cat, cost_price: '0', sale_price: '50' });
      const body = (await reprice({ category: cat, dry_run: false })).json();
      expect(body.changes).toEqual([]);
      expect(body.skipped).toEqual([{ product_id: free.id, sku: free.sku, name: free.name, reason: 'no_cost' }]);
      expect(await salePrice(free.id)).toBe('50.00');
    });

    it('prices from the inflated replacement cost since the last receipt', async () => {
      const cat = category();
      const p = await createProduct(t, { category: cat, cost_price: '1000', sale_price: '1634', vat_rate: '21' });
      await backdatedReceipt(p, '1000', 365);
      const [change] = (await reprice({ category: cat })).json().changes as Change[];
      expect(change).toMatchObject({ days: 365, inflation_factor: '1.695195', replacement_cost: '1695.19', new_price: '2770.00', old_price: '1634.00' });
      // The old price no longer covers the replacement cost: a negative margin.
      expect(new Decimal(change!.old_margin as string).isNegative()).toBe(true);
    });

    it('replays an applied reprice with the same Idempotency-Key', async () => {
      const cat = category();
      await createProduct(t, { category: cat, cost_price: '10' });
      const key = idemKey('reprice');
      const first = await reprice({ category: cat, dry_run: false }, { idempotencyKey: key });
      expect(first.statusCode, first.body).toBe(200);
      const second = await reprice({ category: cat, dry_run: false }, { idempotencyKey: key });
      expect(second.statusCode).toBe(200);
      expect(second.headers['idempotent-replayed']).toBe('true');
      expect(second.json()).toEqual(first.json());
      const different = await reprice({ category: cat, dry_run: false, note: 'otra' }, { idempotencyKey: key });
      expect(different.statusCode).toBe(422);
    });

    it('previews when called without a body', async () => {
      const res = await t.call('POST', '/api/v1/pricing/reprice');
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ dry_run: true, run_id: null });
    });

    it.each([
      [{ dry_run: 'no' }, 'dry_run'],
      [{ category: '' }, 'category'],
      [{ product_ids: ['nope'] }, 'product_ids.0'],
      [{ product_ids: [] }, 'product_ids'],
      [{ surprise: 1 }, 'surprise'],
    ])('refuses %j with 400', async (body, path) => {
      const res = await reprice(body);
      expect(res.statusCode, res.body).toBe(400);
      expect((res.json().errors as { path: string }[]).map((e) => e.path)).toContain(path);
    });

    onlyOn(engine, 'pg')('two concurrent applies serialize: the second finds nothing to change', async () => {
      const cat = category();
      for (let i = 0; i < 5; i++) await createProduct(t, { category: cat, cost_price: String(100 + i) });
      const [x, y] = await Promise.all([reprice({ category: cat, dry_run: false }), reprice({ category: cat, dry_run: false })]);
      const counts = [x.json().changes.length, y.json().changes.length].sort();
      expect(counts).toEqual([0, 5]);
    });
  });

  describe('price history', () => {
    it('records creation and manual edits of the sale price with who and why', async () => {
      const p = await createProduct(t, { cost_price: '100', sale_price: '150' });
      expect((await t.call('PATCH', `/api/v1/products/${p.id}`, { body: { sale_price: '175.5' } })).statusCode).toBe(200);
      // Edits that leave the price alone add nothing.
      expect((await t.call('PATCH', `/api/v1/products/${p.id}`, { body: { name: 'Otro nombre', sale_price: '175.50' } })).statusCode).toBe(200);
      expect((await t.call('PATCH', `/api/v1/products/${p.id}`, { body: { sale_price: null } })).statusCode).toBe(200);
      const items = await history(p.id);
      expect(items.map((i) => [i.reason, i.old_price, i.new_price])).toEqual([
        ['product_edit', '175.50', null],
        ['product_edit', '150.00', '175.50'],
        ['product_create', null, '150.00'],
      ]);
      expect(items[0]!.actor).toMatch(/^api_key:/);
    });

    it('pages newest first', async () => {
      const p = await createProduct(t, { cost_price: '100', sale_price: '1' });
      for (let i = 2; i <= 5; i++) await t.call('PATCH', `/api/v1/products/${p.id}`, { body: { sale_price: String(i) } });
      const first = (await t.call('GET', `/api/v1/products/${p.id}/price-history?limit=3`)).json();
      expect(first.items.map((i: { new_price: string }) => i.new_price)).toEqual(['5.00', '4.00', '3.00']);
      const second = (await t.call('GET', `/api/v1/products/${p.id}/price-history?limit=3&cursor=${first.next_cursor}`)).json();
      expect(second.items.map((i: { new_price: string }) => i.new_price)).toEqual(['2.00', '1.00']);
      expect(second.next_cursor).toBeNull();
    });

    it('answers 404 for an unknown product', async () => {
      const res = await t.call('GET', '/api/v1/products/0195b7a4-0000-7000-8000-00000000abcd/price-history');
      expect(res.statusCode).toBe(404);
    });

    it('lists the store’s changes of a day for shelf labels', async () => {
      const p = await createProduct(t, { cost_price: '100', sale_price: '10', barcode: `779${Date.now() % 1e10}` });
      const res = await t.call('GET', `/api/v1/pricing/changes?from=${today}&to=${today}&limit=500`);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().items.find((c: { product_id: string }) => c.product_id === p.id)).toMatchObject({ name: p.name, barcode: p.barcode, new_price: '10.00' });
      const tomorrow = (await t.call('GET', `/api/v1/pricing/changes?from=${plusDays(today, 1)}`)).json();
      expect(tomorrow.items).toEqual([]);
    });
  });

  describe('permissions', () => {
    it('lets every role read quotes and history, and only admin and manager change pricing', async () => {
      const p = await createProduct(t, { cost_price: '100' });
      for (const role of ['clerk', 'auditor'] as const) {
        const key = await t.keyFor(role);
        expect((await t.call('GET', `/api/v1/products/${p.id}/price-quote`, { key })).statusCode).toBe(200);
        expect((await t.call('GET', `/api/v1/products/${p.id}/price-history`, { key })).statusCode).toBe(200);
        expect((await t.call('GET', '/api/v1/pricing/settings', { key })).statusCode).toBe(403);
        expect((await t.call('PUT', '/api/v1/pricing/settings', { key, body: DEFAULTS })).statusCode).toBe(403);
        const denied = await t.call('POST', '/api/v1/pricing/reprice', { key, body: { dry_run: true } });
        expect(denied.statusCode).toBe(403);
        expect(denied.json().code).toBe('auth.forbidden');
      }
      const manager = await t.keyFor('manager');
      expect((await t.call('POST', '/api/v1/pricing/reprice', { key: manager, body: { product_ids: [p.id] } })).statusCode).toBe(200);
    });
  });

  describe('scheduled reprice', () => {
    // A fixed Monday long past: scheduled runs are unique per day, and this day is this test's.
    const monday = '2026-03-02';
    const at = (time: string) => new Date(`${monday}T${time}:00-03:00`);

    it('runs once a configured day after the hour, as system:pricing, for the whole store', async () => {
      const p = await createProduct(t, { cost_price: '100', sale_price: '1' });
      const schedule = { days: [1], at: '07:00' };
      expect(await t.services.pricing.runScheduled(schedule, at('06:59'))).toBeUndefined();
      expect(await t.services.pricing.runScheduled({ days: [2, 3, 4, 5, 6, 7], at: '07:00' }, at('08:00'))).toBeUndefined();
      const done = await t.services.pricing.runScheduled(schedule, at('07:05'));
      expect(done).toMatchObject({ day: monday, run_id: expect.any(String) });
      expect(done!.changed).toBeGreaterThan(0);
      expect(await t.services.pricing.runScheduled(schedule, at('09:00'))).toBeUndefined();
      expect(await salePrice(p.id)).toBe('164.00');
      const [latest] = await history(p.id);
      expect(latest).toMatchObject({ reason: 'scheduled_reprice', actor: 'system:pricing', run_id: done!.run_id });
      const runs = (await t.call('GET', '/api/v1/pricing/runs')).json().items;
      expect(runs.find((r: { id: string }) => r.id === done!.run_id)).toMatchObject({ trigger: 'scheduled', scheduled_for: monday, actor: 'system:pricing' });
    });
  });
});
