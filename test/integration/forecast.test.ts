// API.md GET /forecast/reorder and GET /products/{id}/forecast; DOMAIN.md "Forecasting and
// reorder": demand from sale movements per store day, stock-out days censored, the reorder point
// never below the seasonal minimum. History is written through the stock service with backdated
// instants (as the demo seeder does), since the API only records "now".
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Decimal } from 'decimal.js';
import { sql } from 'drizzle-orm';
import { localDate, zonedInstant } from '../../src/platform/time/zone.ts';
import { onlyOn, testEngines } from '../helpers/engines.ts';
import { runWithSessionLock } from '../../src/platform/jobs/scheduler.ts';
import { createProduct, move, unique, validCuit } from '../helpers/fixtures.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { createForecastService, FORECAST_REFRESH_JOB, type ForecastServiceDeps } from '../../src/modules/forecast/service.ts';
import { createForecastPool, type ForecastPool } from '../../src/modules/forecast/pool.ts';

interface Point {
  date: string;
  demand: string;
  low: string;
  high: string;
}
interface ForecastJson {
  model: string;
  points: Point[];
  backtest: { mase: number | null; wape: number | null };
  computed_at: string;
  censored_days: number;
  history_through: string;
}
interface ReorderItem {
  product_id: string;
  sku: string;
  on_hand: string;
  daily_demand: string;
  lead_time_days: number;
  reorder_point: string;
  suggested_qty: string;
  model: string;
  adjusted_min: string;
  history_through: string;
}

const TZ = 'America/Argentina/Buenos_Aires';
const MODELS = ['seasonal_naive', 'ses', 'holt_winters', 'croston_sba', 'none'];

function dayOffset(days: number): string {
  const today = localDate(new Date(), TZ);
  const d = new Date(Date.parse(`${today}T00:00:00Z`) + days * 86_400_000);
  return d.toISOString().slice(0, 10);
}
/** Weekday of a YYYY-MM-DD date, 0 = Sunday. */
const weekday = (date: string) => new Date(`${date}T00:00:00Z`).getUTCDay();

describe.each(testEngines())('demand forecasting on %s', (engine) => {
  let t: TestApp;
  let supplierId: string;
  beforeAll(async () => {
    t = await createTestApp(engine);
    const res = await t.call('POST', '/api/v1/suppliers', { body: { name: 'Distribuidora Norte', cuit: validCuit(901), lead_time_days: 3 } });
    expect(res.statusCode, res.body).toBe(201);
    supplierId = res.json().id;
  });
  afterAll(async () => t?.close());

  /**
   * A forecast service of the test's own over the app's database: inline (no worker threads)
   * unless given a pool, without the late-commit margin (the rows were loaded seconds ago).
   */
  function ownService(extra: Pick<ForecastServiceDeps, 'pool' | 'clock'> = {}) {
    const { catalog, critical, stockDemand } = t.services;
    return createForecastService(t.db.database, {
      catalog,
      critical,
      demand: stockDemand,
      timezone: TZ,
      config: { ...t.config.forecast, workers: 0 },
      markMarginMs: 0,
      ...extra,
    });
  }

  type Event = { daysAgo: number; time: string; type: 'in' | 'out'; quantity: number; reason?: string };

  /** Writes backdated movements through the stock service, oldest first. */
  async function history(productId: string, events: Event[]): Promise<void> {
    const sorted = [...events].sort((a, b) => b.daysAgo - a.daysAgo || a.time.localeCompare(b.time));
    await t.db.database.transaction(async (tx) => {
      for (const e of sorted) {
        await t.services.stock.applyMovement(
          tx,
          { product_id: productId, type: e.type, quantity: String(e.quantity), ...(e.reason ? { reason: e.reason } : {}) },
          { actor: 'test', at: zonedInstant(dayOffset(-e.daysAgo), e.time, TZ) },
        );
      }
    });
  }

  /** `days` days ending yesterday selling sales(weekday) a day, stocked once at the start. */
  async function steadySeller(fields: Record<string, unknown>, days: number, sales: (weekday: number, ago: number) => number, leftOver: number) {
    const p = await createProduct(t, fields);
    const events: Event[] = [];
    let total = 0;
    for (let ago = days; ago >= 1; ago--) {
      const q = sales(weekday(dayOffset(-ago)), ago);
      total += q;
      if (q > 0) events.push({ daysAgo: ago, time: '12:00', type: 'out', quantity: q });
    }
    events.push({ daysAgo: days, time: '09:00', type: 'in', quantity: total + leftOver });
    await history(p.id, events);
    return p;
  }

  async function forecast(id: string, days = 14): Promise<ForecastJson> {
    const res = await t.call('GET', `/api/v1/products/${id}/forecast?days=${days}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  }

  async function reorder(query = ''): Promise<{ date: string; items: ReorderItem[]; stale_forecasts: number }> {
    const res = await t.call('GET', `/api/v1/forecast/reorder${query}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  }

  it('forecasts a constant seller exactly, from today, in the shape API.md gives', async () => {
    const p = await steadySeller({}, 60, () => 10, 500);
    const body = await forecast(p.id, 14);
    expect(MODELS).toContain(body.model);
    expect(body.points).toHaveLength(14);
    expect(body.points[0]!.date).toBe(dayOffset(0));
    expect(body.points[13]!.date).toBe(dayOffset(13));
    expect(body.history_through).toBe(dayOffset(-1));
    for (const point of body.points) {
      expect(point).toEqual({ date: expect.any(String), demand: '10.000', low: '10.000', high: '10.000' });
    }
    // A series that never changes has no MASE scale; WAPE is exact.
    expect(body.backtest).toEqual({ mase: null, wape: 0 });
  });

  it('follows the weekly pattern and reports a backtest', async () => {
    const byWeekday = [2, 5, 5, 6, 6, 10, 14];
    // The pattern plus a little deterministic noise (−1, 0, +1).
    const p = await steadySeller({}, 84, (d, ago) => byWeekday[d]! + ((ago * 5) % 3) - 1, 200);
    const body = await forecast(p.id, 21);
    expect(body.model).toBe('holt_winters');
    for (const point of body.points) {
      expect(Math.abs(Number(point.demand) - byWeekday[weekday(point.date)]!)).toBeLessThan(1.5);
      expect(Number(point.low)).toBeLessThanOrEqual(Number(point.demand));
      expect(Number(point.high)).toBeGreaterThanOrEqual(Number(point.demand));
    }
    expect(typeof body.backtest.mase).toBe('number');
    // Better than repeating last week (MASE < 1).
    expect(body.backtest.mase!).toBeLessThan(1);
    expect(body.backtest.wape!).toBeLessThan(0.2);
  });

  it('treats stock-out days as unknown demand, not as zero sales', async () => {
    // Each week: 43 received; 8 a day for five days, the last 3 on day six (the shelf empties),
    // nothing on day seven (no stock). Counting those days as demand would say 43/7 ≈ 6.1 a day.
    const p = await createProduct(t, {});
    const events: Event[] = [];
    for (let week = 8; week >= 1; week--) {
      const start = week * 7;
      events.push({ daysAgo: start, time: '08:00', type: 'in', quantity: 43 });
      for (let d = 0; d < 5; d++) events.push({ daysAgo: start - d, time: '12:00', type: 'out', quantity: 8 });
      events.push({ daysAgo: start - 5, time: '12:00', type: 'out', quantity: 3 });
    }
    await history(p.id, events);
    const body = await forecast(p.id, 7);
    expect(body.censored_days).toBe(16);
    for (const point of body.points) expect(Number(point.demand)).toBeCloseTo(8, 1);
  });

  it('counts only sales: an out movement for shrinkage is not demand', async () => {
    const p = await createProduct(t, {});
    const events: Event[] = [{ daysAgo: 43, time: '08:00', type: 'in', quantity: 1000 }];
    for (let ago = 42; ago >= 1; ago--) {
      events.push({ daysAgo: ago, time: '12:00', type: 'out', quantity: 4 });
      events.push({ daysAgo: ago, time: '20:00', type: 'out', quantity: 3, reason: 'Merma por vencimiento' });
    }
    await history(p.id, events);
    const body = await forecast(p.id, 3);
    for (const point of body.points) expect(point.demand).toBe('4.000');
  });

  it('validates days (1–90) and the product id', async () => {
    const p = await createProduct(t, {});
    for (const days of ['0', '91', 'x']) {
      const res = await t.call('GET', `/api/v1/products/${p.id}/forecast?days=${days}`);
      expect(res.statusCode).toBe(400);
      expect(res.json().code).toBe('validation.failed');
    }
    const ninety = await forecast(p.id, 90);
    expect(ninety.points).toHaveLength(90);
    const missing = await t.call('GET', '/api/v1/products/0190f0a0-0000-7000-8000-000000000000/forecast');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().code).toBe('product.not_found');
  });

  it('gives a product without sales a zero forecast', async () => {
    const p = await createProduct(t, {});
    const body = await forecast(p.id, 5);
    expect(body.model).toBe('none');
    expect(body.points.map((x) => x.demand)).toEqual(['0.000', '0.000', '0.000', '0.000', '0.000']);
  });

  it('suggests lead-time demand + review-period demand − on hand, with the supplier lead time', async () => {
    // 10 a day, 20 left: reorder point = 3 days × 10 = 30 (no error, no safety stock); the order
    // covers it plus 7 days of review: 30 + 70 − 20 = 80.
    const p = await steadySeller({ supplier_id: supplierId }, 60, () => 10, 20);
    const list = await reorder(`?supplier_id=${supplierId}`);
    expect(list.date).toBe(dayOffset(0));
    const item = list.items.find((i) => i.product_id === p.id);
    expect(item).toEqual({
      product_id: p.id,
      sku: p.sku,
      name: p.name,
      unit: 'unit',
      supplier_id: supplierId,
      on_hand: '20',
      daily_demand: '10.000',
      lead_time_days: 3,
      adjusted_min: '0',
      safety_stock: '0.000',
      reorder_point: '30',
      suggested_qty: '80',
      below_reorder_point: true,
      model: 'ses',
      history_through: dayOffset(-1),
    });
    expect(list.stale_forecasts).toBe(0);
  });

  it('never puts the reorder point below the seasonal minimum, and omits products with enough stock', async () => {
    const idle = await createProduct(t, { min_stock: '10', supplier_id: supplierId });
    await move(t, { product_id: idle.id, type: 'in', quantity: 2 });
    const plenty = await steadySeller({ supplier_id: supplierId }, 30, () => 1, 500);
    const { items } = await reorder(`?supplier_id=${supplierId}`);
    const item = items.find((i) => i.product_id === idle.id)!;
    const season = await t.call('GET', '/api/v1/stock/critical');
    const adjusted = (season.json().items as { product_id: string; adjusted_min: string }[]).find((i) => i.product_id === idle.id)!.adjusted_min;
    expect(item).toMatchObject({ model: 'none', daily_demand: '0.000', on_hand: '2', adjusted_min: adjusted, reorder_point: adjusted });
    expect(item.suggested_qty).toBe(new Decimal(adjusted).minus(2).ceil().toFixed());
    expect(items.find((i) => i.product_id === plenty.id)).toBeUndefined();
    // Every item is for that supplier and is worth ordering.
    for (const i of items) expect(Number(i.suggested_qty)).toBeGreaterThan(0);
  });

  it('lists the whole store without a filter, most urgent first, and 404s an unknown supplier', async () => {
    const { items } = await reorder();
    expect(items.length).toBeGreaterThan(0);
    const res = await t.call('GET', '/api/v1/forecast/reorder?supplier_id=0190f0a0-0000-7000-8000-000000000000');
    expect(res.statusCode).toBe(404);
    const paged = await reorder('?limit=1');
    expect(paged.items).toHaveLength(1);
  });

  it('keeps the forecast when the movements are from today: the history is complete days', async () => {
    const p = await createProduct(t, {});
    expect((await move(t, { product_id: p.id, type: 'in', quantity: 100 })).statusCode).toBe(201);
    const first = await forecast(p.id, 3);
    expect((await move(t, { product_id: p.id, type: 'out', quantity: 30 })).statusCode).toBe(201);
    const same = await forecast(p.id, 3);
    expect(same.computed_at).toBe(first.computed_at);
  });

  it('recomputes after a movement dated before today is loaded', async () => {
    const p = await steadySeller({}, 40, () => 5, 300);
    const first = await forecast(p.id, 3);
    expect(first.points[0]!.demand).toBe('5.000');
    await history(p.id, [{ daysAgo: 1, time: '18:00', type: 'out', quantity: 40 }]);
    const again = await forecast(p.id, 3);
    expect(again.computed_at).not.toBe(first.computed_at);
    expect(Number(again.points[0]!.demand)).toBeGreaterThan(5);
  });

  it('refreshes every stale product in one scheduled round, then finds nothing to do', async () => {
    const forecastService = ownService();
    await createProduct(t, { sku: unique('FRESH') });
    const first = await forecastService.refresh();
    expect(first.through).toBe(dayOffset(-1));
    expect(first.computed).toBeGreaterThan(0);
    expect((await forecastService.refresh()).computed).toBe(0);
    const p = await steadySeller({}, 10, () => 1, 5);
    expect((await forecastService.refresh()).computed).toBe(1);
    expect((await forecastService.refresh()).computed).toBe(0);
    expect((await forecast(p.id, 1)).model).not.toBe('none');
    await forecastService.close();
  });

  it('refreshes a store bigger than one history slice completely in one round', async () => {
    // PostgreSQL reads the history of a whole-store round 250 products at a time.
    const forecastService = ownService();
    await forecastService.refresh();
    const prefix = unique('SLICE').toUpperCase().replace(/[^A-Z0-9]/g, '');
    await t.db.database.db.execute(sql`insert into products (id, sku, name, category, unit, cost_price, sale_price, min_stock)
      select gen_random_uuid(), ${prefix} || '-' || g, 'Producto ' || g, 'Almacén', 'unit', 100, 150, 1 from generate_series(1, 520) g`);
    const seller = await steadySeller({}, 21, () => 2, 4);
    const round = await forecastService.refresh();
    expect(round.computed).toBe(521);
    // Nothing was left out of the round: every product now has a current forecast.
    expect((await forecastService.refresh()).computed).toBe(0);
    const f = await forecast(seller.id, 7);
    expect(f.model).not.toBe('none');
    expect(Number(f.points[0]!.demand)).toBeCloseTo(2, 1);
    await forecastService.close();
  });

  it('is readable by every role', async () => {
    const p = await createProduct(t, {});
    for (const role of ['clerk', 'auditor'] as const) {
      const key = await t.keyFor(role);
      expect((await t.call('GET', `/api/v1/products/${p.id}/forecast?days=2`, { key })).statusCode).toBe(200);
      expect((await t.call('GET', '/api/v1/forecast/reorder?limit=1', { key })).statusCode).toBe(200);
    }
  });

  it('answers the first reorder call of a new store day from the cache and recomputes in the background', async () => {
    // A store whose forecasts were computed yesterday: at today's first call every one of them is
    // stale. The call must not wait for the whole-store recompute (seconds for 2,000 products):
    // the pool below holds any non-urgent computation until released, so a call that waited for
    // it would never return.
    const inline = createForecastPool({ size: 0 });
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let gated = false;
    const gatedPool: ForecastPool = {
      size: 0,
      async run(jobs, options, run) {
        if (gated && !run?.urgent) await gate;
        return inline.run(jobs, options, run);
      },
      close: () => inline.close(),
    };
    let now = new Date(Date.now() - 86_400_000);
    const service = ownService({ pool: gatedPool, clock: () => now });
    const created = await t.call('POST', '/api/v1/suppliers', { body: { name: 'Distribuidora Sur', cuit: validCuit(902), lead_time_days: 3 } });
    const supplier = created.json().id as string;
    const p = await steadySeller({ supplier_id: supplier }, 60, () => 10, 20);
    const yesterday = await service.reorder({ supplierId: supplier });
    expect(yesterday.date).toBe(dayOffset(-1));
    expect(yesterday.items.find((i) => i.product_id === p.id)).toMatchObject({ history_through: dayOffset(-2), daily_demand: '10.000' });

    // The day changes. (The app's own service may still be finishing a round started by an earlier
    // test: it holds the refresh lock on PostgreSQL, and this service would then leave the work to it.)
    await t.services.forecast.idle();
    gated = true;
    now = new Date();
    const first = await service.reorder({ supplierId: supplier });
    expect(first.date).toBe(dayOffset(0));
    expect(first.staleForecasts).toBe(1);
    expect(first.items.find((i) => i.product_id === p.id)).toMatchObject({ history_through: dayOffset(-2), daily_demand: '10.000', reorder_point: '30', suggested_qty: '80' });
    // The recompute was started and is still held by the pool: the answer did not wait for it.
    const idle = service.idle().then(() => 'idle');
    expect(await Promise.race([idle, new Promise((resolve) => setTimeout(() => resolve('refreshing'), 100))])).toBe('refreshing');

    // A product with no cached forecast at all is still computed in the call, ahead of the refresh.
    const fresh = await steadySeller({ supplier_id: supplier }, 30, () => 4, 3);
    const second = await service.reorder({ supplierId: supplier });
    expect(second.items.find((i) => i.product_id === fresh.id)).toMatchObject({ history_through: dayOffset(-1), daily_demand: '4.000' });
    expect(second.staleForecasts).toBe(1);

    release();
    expect(await idle).toBe('idle');
    const after = await service.reorder({ supplierId: supplier });
    expect(after.staleForecasts).toBe(0);
    expect(after.items.find((i) => i.product_id === p.id)).toMatchObject({ history_through: dayOffset(-1), daily_demand: '10.000' });
    await service.close();
  });

  onlyOn(engine, 'pg')('leaves the new day\'s refresh to the instance that holds the refresh lock', async () => {
    // Two instances on one PostgreSQL: the other one (holding the scheduler's lock) is computing,
    // so this one serves yesterday's forecasts and does not recompute the store a second time.
    let now = new Date(Date.now() - 86_400_000);
    const service = ownService({ clock: () => now });
    const created = await t.call('POST', '/api/v1/suppliers', { body: { name: 'Distribuidora Oeste', cuit: validCuit(903), lead_time_days: 2 } });
    const supplier = created.json().id as string;
    await steadySeller({ supplier_id: supplier }, 30, () => 6, 10);
    expect((await service.reorder({ supplierId: supplier })).staleForecasts).toBe(0);
    await t.services.forecast.idle();

    let unlock: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (unlock = resolve));
    let locked: () => void = () => undefined;
    const lockTaken = new Promise<void>((resolve) => (locked = resolve));
    const otherInstance = runWithSessionLock(t.db.database, FORECAST_REFRESH_JOB, async () => {
      locked();
      await held;
    });
    await lockTaken;
    now = new Date();
    expect((await service.reorder({ supplierId: supplier })).staleForecasts).toBe(1);
    await service.idle();
    expect((await service.reorder({ supplierId: supplier })).staleForecasts).toBe(1);

    unlock();
    await otherInstance;
    await service.idle();
    await service.reorder({ supplierId: supplier });
    await service.idle();
    expect((await service.reorder({ supplierId: supplier })).staleForecasts).toBe(0);
    await service.close();
  });
});
