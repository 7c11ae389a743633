// GET /api/v1/reports/summary: the figures of the dashboard's home page, checked against a small
// store whose every movement is known, including backdated ones around the store's midnight.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDate, zonedInstant } from '../../src/platform/time/zone.ts';
import type { MovementBody } from '../../src/modules/stock/schemas.ts';
import { testEngines } from '../helpers/engines.ts';
import { createLocation, createProduct, move, receive } from '../helpers/fixtures.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

interface DailyJson {
  date: string;
  sales_quantity: string;
  sales_value: string;
  receipts_quantity: string;
  receipts_value: string;
}

interface SummaryJson {
  as_of: string;
  timezone: string;
  today: string;
  stock_value: string;
  products_active: number;
  below_min_count: number;
  movements_today: number;
  invoices_pending: number | null;
  open_alerts: number | null;
  daily: DailyJson[];
  value_by_category: { category: string; value: string; products: number }[];
}

/** YYYY-MM-DD plus n calendar days. */
function addDays(day: string, n: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

const zero = (date: string): DailyJson => ({ date, sales_quantity: '0', sales_value: '0.00', receipts_quantity: '0', receipts_value: '0.00' });

describe.each(testEngines())('the home page summary on %s', (engine) => {
  let t: TestApp;
  let today: string;

  async function summary(query = '', key?: string): Promise<SummaryJson> {
    const res = await t.call('GET', `/api/v1/reports/summary${query}`, key ? { key } : {});
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  }

  /** A movement recorded at a past instant, as the demo seeder does (the API always records now). */
  async function backdated(body: Omit<MovementBody, 'type'> & { type: MovementBody['type'] }, day: string, time: string) {
    await t.services.stock.recordMovement(body as MovementBody, { actor: 'test:backdated', at: zonedInstant(day, time, t.config.timezone) });
  }

  beforeAll(async () => {
    t = await createTestApp(engine);
    today = localDate(new Date(), t.config.timezone);
    const branch = await createLocation(t);

    // A: 3 × 12.35, one of them moved to another location (a transfer changes no value).
    const a = await createProduct(t, { category: 'bebidas', cost_price: '12.35', min_stock: '5' });
    await receive(t, a.id, 3);
    expect((await move(t, { product_id: a.id, type: 'transfer', quantity: 1, to_location_id: branch.id })).statusCode).toBe(201);

    // B: received at 9.99 (that receipt keeps its unit cost), then re-priced at 11.00, then 0.333 kg sold.
    const b = await createProduct(t, { category: 'fiambrería', unit: 'kg', cost_price: '8.10' });
    await receive(t, b.id, '2.5', { unit_cost: '9.99' });
    expect((await t.call('PATCH', `/api/v1/products/${b.id}`, { body: { cost_price: '11.00' } })).statusCode).toBe(200);
    expect((await move(t, { product_id: b.id, type: 'out', quantity: '0.333' })).statusCode).toBe(201);

    // C: history over the last days, one sale at 23:30 store time (already the next day in UTC).
    const c = await createProduct(t, { category: 'bebidas', cost_price: '100.50' });
    await backdated({ product_id: c.id, type: 'in', quantity: '6' }, addDays(today, -10), '12:00');
    await backdated({ product_id: c.id, type: 'in', quantity: '4' }, addDays(today, -5), '09:15');
    await backdated({ product_id: c.id, type: 'out', quantity: '4' }, addDays(today, -3), '23:30');
    await backdated({ product_id: c.id, type: 'in', quantity: '1' }, addDays(today, -1), '23:30');
    expect((await move(t, { product_id: c.id, type: 'adjust', quantity: '-2' })).statusCode).toBe(201);

    // D: bought and sold out today, then archived: in today's flows, not in the stock value.
    const d = await createProduct(t, { category: 'limpieza', cost_price: '50' });
    await receive(t, d.id, 2);
    expect((await move(t, { product_id: d.id, type: 'out', quantity: 2 })).statusCode).toBe(201);
    expect((await t.call('DELETE', `/api/v1/products/${d.id}`)).statusCode).toBe(200);

    // E: active, no stock at all, below its minimum.
    await createProduct(t, { category: 'almacen', cost_price: '7', min_stock: '5' });
  });
  afterAll(async () => t?.close());

  it('values the active stock at cost over every location, exactly', async () => {
    const s = await summary();
    // A 3 × 12.35 + B 2.167 × 11.00 + C 5 × 100.50 + E 0 = 37.05 + 23.837 + 502.50 = 563.387
    expect(s.stock_value).toBe('563.39');
    expect(s.products_active).toBe(4);
  });

  it('breaks the value down by category, largest first, archived products left out', async () => {
    const s = await summary();
    expect(s.value_by_category).toEqual([
      { category: 'bebidas', value: '539.55', products: 2 },
      { category: 'fiambrería', value: '23.84', products: 1 },
      { category: 'almacen', value: '0.00', products: 1 },
    ]);
  });

  it("counts today's ledger rows in the store's time zone, a transfer as its two legs", async () => {
    const s = await summary();
    // A in + transfer (2) + B in, out + C adjust + D in, out; C's 23:30 yesterday is not today.
    expect(s.movements_today).toBe(8);
  });

  it('counts products below their seasonal minimum exactly as /stock/critical does', async () => {
    const s = await summary();
    const critical = await t.call('GET', `/api/v1/stock/critical?date=${s.today}`);
    expect(s.below_min_count).toBe(critical.json().items.length);
    expect(s.below_min_count).toBe(2);
  });

  it('returns one day per entry for the last `days` days up to today, zero-filled, with exact sales and receipts', async () => {
    const s = await summary('?days=7');
    expect(s.today).toBe(today);
    expect(s.daily.map((d) => d.date)).toEqual([-6, -5, -4, -3, -2, -1, 0].map((n) => addDays(today, n)));
    expect(s.daily).toEqual([
      zero(addDays(today, -6)),
      { date: addDays(today, -5), sales_quantity: '0', sales_value: '0.00', receipts_quantity: '4', receipts_value: '402.00' },
      zero(addDays(today, -4)),
      { date: addDays(today, -3), sales_quantity: '4', sales_value: '402.00', receipts_quantity: '0', receipts_value: '0.00' },
      zero(addDays(today, -2)),
      { date: addDays(today, -1), sales_quantity: '0', sales_value: '0.00', receipts_quantity: '1', receipts_value: '100.50' },
      // Sales: B 0.333 × 11.00 + D 2 × 50 = 103.663. Receipts: A 3 × 12.35 + B 2.5 × 9.99 + D 2 × 50 = 162.025.
      { date: today, sales_quantity: '2.333', sales_value: '103.66', receipts_quantity: '7.5', receipts_value: '162.03' },
    ]);
  });

  it('defaults to 30 days and reaches back as far as asked', async () => {
    const s = await summary();
    expect(s.daily).toHaveLength(30);
    expect(s.daily[0]!.date).toBe(addDays(today, -29));
    expect(s.daily.at(-1)!.date).toBe(today);
    expect(s.daily.find((d) => d.date === addDays(today, -10))).toEqual({
      date: addDays(today, -10),
      sales_quantity: '0',
      sales_value: '0.00',
      receipts_quantity: '6',
      receipts_value: '603.00',
    });
    expect((await summary('?days=90')).daily).toHaveLength(90);
  });

  it('says where and when: as_of and the store time zone', async () => {
    const before = Date.now();
    const s = await summary();
    expect(Date.parse(s.as_of)).toBeGreaterThanOrEqual(before - 1000);
    expect(s.as_of).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(s.timezone).toBe(t.config.timezone);
  });

  it('shows open audit alerts to admin and auditor only, and null to manager and clerk', async () => {
    for (const role of ['manager', 'clerk', 'auditor'] as const) await t.keyFor(role);
    // New API keys are privilege changes: the rules raise at least one alert.
    await t.services.auditTrail.runRules(new Date());
    const open = (await t.call('GET', '/api/v1/audit/alerts?status=open&limit=500')).json().items as { id: string }[];
    expect(open.length).toBeGreaterThan(0);

    expect((await summary('', await t.keyFor('admin'))).open_alerts).toBe(open.length);
    expect((await summary('', await t.keyFor('auditor'))).open_alerts).toBe(open.length);
    for (const role of ['manager', 'clerk'] as const) {
      const s = await summary('', await t.keyFor(role));
      expect(s.open_alerts).toBeNull();
      // Everything else is the same for every role.
      expect(s.stock_value).toBe('563.39');
    }

    const closed = await t.call('POST', `/api/v1/audit/alerts/${open[0]!.id}/close`, { body: {} });
    expect(closed.statusCode, closed.body).toBe(200);
    expect((await summary()).open_alerts).toBe(open.length - 1);
  });

  it.each(['6', '91', '0', '7.5', 'treinta'])('refuses days=%s with 400 validation.failed at days', async (days) => {
    const res = await t.call('GET', `/api/v1/reports/summary?days=${days}`);
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('validation.failed');
    expect(res.json().errors[0].path).toBe('days');
  });

  it('refuses anonymous callers', async () => {
    expect((await t.call('GET', '/api/v1/reports/summary', { key: null })).statusCode).toBe(401);
  });

  // Last: confirming an invoice changes the stock value the tests above check.
  it('counts the supplier invoices waiting for review (drafts), not the confirmed ones', async () => {
    const before = (await summary()).invoices_pending;
    expect(before).toBe(0);
    const product = await createProduct(t);
    const draft = async (number: number) => {
      const res = await t.call('POST', '/api/v1/invoices', {
        body: {
          header: { letter: 'C', point_of_sale: 1, number, issuer_cuit: '30-71234567-1' },
          lines: [{ description: 'x', quantity: '1', unit_price: '10', product_id: product.id }],
        },
      });
      expect(res.statusCode, res.body).toBe(201);
      return res.json().id as string;
    };
    const first = await draft(1);
    await draft(2);
    expect((await summary()).invoices_pending).toBe(2);
    expect((await t.call('POST', `/api/v1/invoices/${first}/confirm`)).statusCode).toBe(200);
    expect((await summary()).invoices_pending).toBe(1);
  });
});
