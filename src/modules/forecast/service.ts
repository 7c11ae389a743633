// Demand forecasting and reorder suggestions. Forecasts are computed in worker threads and cached
// in forecast_results (see tables.ts for why a table); each read first brings the products it
// needs up to date, which in steady state costs three cheap queries and computes nothing: the
// scheduler (jobs.ts) recomputes everything once a new store day has begun, and a movement dated
// before today (a bulk load, a late commit) marks its product stale through the movement ids.
import { Decimal } from 'decimal.js';
import type { Database } from '../../platform/db/types.ts';
import { localDate, zonedDayBounds } from '../../platform/time/zone.ts';
import type { Config } from '../../config.ts';
import type { CatalogService } from '../catalog/service.ts';
import type { CriticalService } from '../stock/critical.ts';
import type { DemandHistoryService } from '../stock/demand.ts';
import { addDays, buildDemandSeries, daysBetween } from './demand-series.ts';
import { DEFAULT_ENGINE_OPTIONS, type EngineOptions } from './models/engine.ts';
import { normalQuantile } from './models/normal.ts';
import type { ForecastModelName } from './models/types.ts';
import { createForecastPool, type ForecastPool } from './pool.ts';
import { createForecastRepo, type ForecastInsert, type StoredPoints } from './repo.ts';
import { MARK_MARGIN_MS, scanFloor, staleProducts, uuidFloor } from './freshness.ts';
import { reorderFor } from './reorder.ts';

/** Points kept per product, the most `?days=` may ask for. */
export const FORECAST_MAX_DAYS = 90;
const WRITE_BATCH = 250;
/** Lead time for products without a supplier: the suppliers' own default. */
const DEFAULT_LEAD_TIME_DAYS = 2;

export interface ForecastServiceDeps {
  catalog: CatalogService;
  critical: CriticalService;
  demand: DemandHistoryService;
  timezone: string;
  config: Config['forecast'];
  /** Tests: a pool of their own (for instance inline, size 0). */
  pool?: ForecastPool;
  clock?: () => Date;
  /** Tests: the late-commit margin of the staleness check (freshness.ts). */
  markMarginMs?: number;
}

export interface RefreshResult {
  through: string;
  stale: number;
  computed: number;
  ms: number;
}

export interface ReorderItem {
  product_id: string;
  sku: string;
  name: string;
  unit: string;
  supplier_id: string | null;
  on_hand: string;
  daily_demand: string;
  lead_time_days: number;
  adjusted_min: string;
  safety_stock: string;
  reorder_point: string;
  suggested_qty: string;
  /** on_hand ≤ reorder_point: order now, not only at the next weekly review. */
  below_reorder_point: boolean;
  model: ForecastModelName;
}

const round4 = (x: number) => Math.round(x * 10_000) / 10_000;
type ProductWithStock = Awaited<ReturnType<CatalogService['listProducts']>>['items'][number];

export function createForecastService(database: Database, deps: ForecastServiceDeps) {
  const { catalog, critical, demand, timezone, config } = deps;
  const clock = deps.clock ?? (() => new Date());
  const margin = deps.markMarginMs ?? MARK_MARGIN_MS;
  const engine: EngineOptions = { ...DEFAULT_ENGINE_OPTIONS, horizon: FORECAST_MAX_DAYS };
  const z = normalQuantile(config.serviceLevel);
  let pool: ForecastPool | undefined = deps.pool;
  let closed = false;
  // After close() (shutdown), a refresh still running must not start a fresh pool.
  const poolOf = () => {
    if (closed) throw new Error('forecast service is closed');
    return (pool ??= createForecastPool({ size: config.workers }));
  };
  const repo = () => createForecastRepo(database.db);

  // Computations run one at a time: a second caller waits, then finds nothing stale.
  let chain: Promise<unknown> = Promise.resolve();
  function exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = chain.then(fn, fn);
    chain = run.catch(() => undefined);
    return run;
  }

  function calendar() {
    const today = localDate(clock(), timezone);
    return { today, through: addDays(today, -1), todayStart: zonedDayBounds(today, timezone).start };
  }

  async function activeProducts(supplierId?: string): Promise<ProductWithStock[]> {
    const all: ProductWithStock[] = [];
    let cursor: string | undefined;
    do {
      const page = await catalog.listProducts({ limit: 500, cursor, ...(supplierId ? { supplier_id: supplierId } : {}) });
      all.push(...page.items);
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
    return all;
  }

  async function leadTimes(): Promise<Map<string, number>> {
    const result = new Map<string, number>();
    let cursor: string | undefined;
    do {
      const page = await catalog.listSuppliers({ limit: 500, cursor });
      for (const s of page.items) result.set(s.id, s.leadTimeDays);
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
    return result;
  }

  /** Computes and stores the forecasts of `ids` with history through `through`. */
  async function compute(ids: string[], through: string, everything: boolean): Promise<void> {
    // The mark is the moment the history is read, as a UUIDv7 floor: a movement whose id was
    // generated later (minus the margin) was possibly not seen, so its product is stale.
    const mark = uuidFloor(Date.now());
    const from = addDays(through, -(config.historyDays - 1));
    const history = await demand.history({ from, through, productIds: everything ? undefined : ids });
    const series = buildDemandSeries(history, ids);
    const results = await poolOf().run(
      ids.map((id) => ({ key: id, values: series.get(id)!.values })),
      engine,
    );
    const computedAt = clock();
    const rows: ForecastInsert[] = ids.map((id) => {
      const f = results.get(id)!;
      const points: StoredPoints = { demand: f.demand.map(round4), low: f.low.map(round4), high: f.high.map(round4) };
      return {
        productId: id,
        model: f.model,
        historyThrough: through,
        sourceMark: mark,
        points,
        sigma: f.sigma,
        backtestMase: f.backtest?.mase ?? null,
        backtestWape: f.backtest?.wape ?? null,
        candidates: Object.fromEntries(Object.entries(f.candidates).map(([k, v]) => [k, { mase: v.mase, wape: v.wape }])),
        observedDays: f.observedDays,
        censoredDays: f.censoredDays,
        computedAt,
      };
    });
    // Short transactions: PGlite has one connection, and the API keeps using it meanwhile.
    for (let i = 0; i < rows.length; i += WRITE_BATCH) {
      const batch = rows.slice(i, i + WRITE_BATCH);
      await database.transaction(async (tx) => createForecastRepo(tx).upsert(batch));
    }
  }

  /** Brings the forecasts of `ids` up to date; returns how many were stale. */
  function ensureFresh(ids: string[], totalActive?: number): Promise<RefreshResult> {
    return exclusive(async () => {
      const started = Date.now();
      const { through, todayStart } = calendar();
      // Rows of other days are stale anyway; an old row (an archived product's) must not push the
      // scan for newer movements back by months.
      const wanted = new Set(ids);
      const stamps = (await repo().stamps()).filter((s) => s.historyThrough === through && wanted.has(s.productId));
      const changed = new Map((await demand.changedSince(scanFloor(stamps, margin), todayStart)).map((r) => [r.product_id, r.max_id]));
      const stale = staleProducts(ids, stamps, through, changed, margin);
      // Computing most of the store: one history query without an id list is cheaper.
      if (stale.length > 0) await compute(stale, through, totalActive !== undefined && stale.length * 2 >= totalActive);
      return { through, stale: stale.length, computed: stale.length, ms: Date.now() - started };
    });
  }

  return {
    /** Recomputes every active product's stale forecast (the scheduler's round). */
    async refresh(): Promise<RefreshResult> {
      const products = await activeProducts();
      return ensureFresh(products.map((p) => p.id), products.length);
    },

    /** The next `days` days of one product's forecast with its band and backtest. */
    async productForecast(productId: string, days: number) {
      await catalog.getProduct(productId);
      await ensureFresh([productId]);
      const row = (await repo().find(productId))!;
      const points = row.points as StoredPoints;
      const { today } = calendar();
      // Day 0 of the points is the day after history_through: today when the row is current.
      const offset = Math.max(0, daysBetween(addDays(row.historyThrough, 1), today));
      const out = [];
      for (let i = 0; i < days; i++) {
        const k = Math.min(i + offset, FORECAST_MAX_DAYS - 1);
        out.push({
          date: addDays(today, i),
          demand: new Decimal(points.demand[k] ?? 0).toFixed(3),
          low: new Decimal(points.low[k] ?? 0).toFixed(3),
          high: new Decimal(points.high[k] ?? 0).toFixed(3),
        });
      }
      return {
        product_id: productId,
        model: row.model,
        history_through: row.historyThrough,
        observed_days: row.observedDays,
        censored_days: row.censoredDays,
        computed_at: row.computedAt,
        points: out,
        backtest: { mase: row.backtestMase === null ? null : round4(row.backtestMase), wape: row.backtestWape === null ? null : round4(row.backtestWape) },
        candidates: row.candidates as Record<string, { mase: number | null; wape: number | null }>,
      };
    },

    /** Products to order now (suggested_qty > 0), most urgent first (fewest days of cover). */
    async reorder(filter: { supplierId?: string | undefined } = {}): Promise<{ date: string; items: ReorderItem[] }> {
      if (filter.supplierId) await catalog.getSupplier(filter.supplierId);
      const products = await activeProducts(filter.supplierId);
      const ids = products.map((p) => p.id);
      await ensureFresh(ids, filter.supplierId ? undefined : products.length);
      const { today } = calendar();
      const [leads, minimums, rows] = [await leadTimes(), await critical.adjustedMinimums(today), await repo().forReorder(ids)];
      const forecasts = new Map(rows.map((r) => [r.productId, r]));
      const items: (ReorderItem & { cover: number })[] = [];
      for (const p of products) {
        const f = forecasts.get(p.id);
        if (!f) continue;
        const lead = p.supplierId ? (leads.get(p.supplierId) ?? DEFAULT_LEAD_TIME_DAYS) : DEFAULT_LEAD_TIME_DAYS;
        // Day 0 of the points is the day after history_through (today when the row is current).
        const demandFromToday = f.demand.slice(Math.max(0, daysBetween(addDays(f.historyThrough, 1), today)));
        const adjustedMin = minimums.get(p.id) ?? '0';
        const r = reorderFor({
          unit: p.unit,
          onHand: p.onHand,
          onOrder: '0',
          leadTimeDays: lead,
          reviewDays: config.reviewDays,
          demand: demandFromToday,
          sigma: f.sigma,
          z,
          adjustedMin,
        });
        if (r.suggestedQty.lte(0)) continue;
        items.push({
          product_id: p.id,
          sku: p.sku,
          name: p.name,
          unit: p.unit,
          supplier_id: p.supplierId,
          on_hand: new Decimal(p.onHand).toFixed(),
          daily_demand: r.dailyDemand.toFixed(3),
          lead_time_days: lead,
          adjusted_min: new Decimal(adjustedMin).toFixed(),
          safety_stock: r.safetyStock.toFixed(3, Decimal.ROUND_CEIL),
          reorder_point: r.reorderPoint.toFixed(),
          suggested_qty: r.suggestedQty.toFixed(),
          below_reorder_point: new Decimal(p.onHand).lte(r.reorderPoint),
          model: f.model,
          cover: r.dailyDemand.isZero() ? Number.POSITIVE_INFINITY : new Decimal(p.onHand).div(r.dailyDemand).toNumber(),
        });
      }
      items.sort((a, b) => a.cover - b.cover || a.sku.localeCompare(b.sku));
      return { date: today, items: items.map(({ cover: _cover, ...item }) => item) };
    },

    async close(): Promise<void> {
      closed = true;
      await pool?.close();
      pool = undefined;
    },
  };
}

export type ForecastService = ReturnType<typeof createForecastService>;
