// Demand forecasting and reorder suggestions. Forecasts are computed in worker threads and cached
// in forecast_results (see tables.ts for why a table). The scheduler (jobs.ts) recomputes every
// stale forecast: all of them once a new store day has begun, otherwise the products with a
// movement dated before today inserted since (a bulk load, a late commit; freshness.ts).
// Reads never wait for a whole-store recompute: the reorder list serves the cached result of a
// stale product (normally a day behind, at most SERVE_STALE_MAX_DAYS) and starts one background
// round; only a product with no servable cached result, or the single product of
// GET /products/{id}/forecast, is computed in the request, ahead of any round queued in the pool.
import { Decimal } from 'decimal.js';
import type { Database } from '../../platform/db/types.ts';
import { runWithSessionLock } from '../../platform/jobs/scheduler.ts';
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
import { MARK_MARGIN_MS, scanFloor, staleProducts, uuidFloor, type Stamp } from './freshness.ts';
import { reorderFor } from './reorder.ts';

/** The scheduler job's name, and its lock's: a background round started by a read takes the same one. */
export const FORECAST_REFRESH_JOB = 'forecast.refresh';
/** Points kept per product, the most `?days=` may ask for. */
export const FORECAST_MAX_DAYS = 90;
// Products per history query of a whole-store round on PostgreSQL (see refreshAll).
const REFRESH_SLICE = 250;
const WRITE_BATCH = 250;
/** Lead time for products without a supplier: the suppliers' own default. */
const DEFAULT_LEAD_TIME_DAYS = 2;
/**
 * How far behind a cached forecast may be and still be served while a background round
 * recomputes it. Normally it is one day (a new store day began); a server that was down longer
 * computes the older ones in the request rather than list a week-old shifted forecast.
 */
export const SERVE_STALE_MAX_DAYS = 3;

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
  /** The last complete store day of the forecast's history: yesterday unless it is being recomputed. */
  history_through: string;
}

export interface ReorderList {
  date: string;
  items: ReorderItem[];
  /** Products in the list's scope served from an older cached forecast while a background round recomputes them. */
  staleForecasts: number;
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

  /** The whole-store round running (scheduled or started by a read), if any: one at a time. */
  let round: Promise<RefreshResult> | undefined;
  /** A background round being started (taking the lock) or running. */
  let background: Promise<unknown> | undefined;
  /** Products a request is computing right now: a round started meanwhile leaves them out. */
  const inRequest = new Set<string>();
  const backgroundErrorListeners: ((err: unknown) => void)[] = [];

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
  async function compute(ids: string[], through: string, options: { everything: boolean; urgent: boolean }): Promise<void> {
    // The mark is the moment the history is read, as a UUIDv7 floor: a movement whose id was
    // generated later (minus the margin) was possibly not seen, so its product is stale.
    const mark = uuidFloor(Date.now());
    const from = addDays(through, -(config.historyDays - 1));
    const history = await demand.history({ from, through, productIds: options.everything ? undefined : ids });
    const series = buildDemandSeries(history, ids);
    const results = await poolOf().run(
      ids.map((id) => ({ key: id, values: series.get(id)!.values })),
      engine,
      { urgent: options.urgent },
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

  /**
   * Which of `ids` need computing for history through yesterday (`stale`), and which of those
   * have no cached result that may be served meanwhile (`missing`: none at all, or older than
   * SERVE_STALE_MAX_DAYS). At most two cheap queries; computes nothing.
   */
  async function staleness(ids: string[]) {
    const { through, todayStart } = calendar();
    const servable = addDays(through, -SERVE_STALE_MAX_DAYS);
    const wanted = new Set(ids);
    const cached = new Set<string>();
    // Rows of other days are stale anyway; an old row (an archived product's) must not push the
    // scan for newer movements back by months.
    const current: Stamp[] = [];
    for (const s of await repo().stamps()) {
      if (!wanted.has(s.productId)) continue;
      // YYYY-MM-DD strings compare like the dates.
      if (s.historyThrough >= servable) cached.add(s.productId);
      if (s.historyThrough === through) current.push(s);
    }
    // Only a current row can be outdated by a later movement. With none (the first check of a new
    // store day) the scan would start at the first movement ever: seconds on a year of history.
    const changed = new Map(
      current.length === 0 ? [] : (await demand.changedSince(scanFloor(current, margin), todayStart)).map((r) => [r.product_id, r.max_id]),
    );
    const stale = staleProducts(ids, current, through, changed, margin);
    return { through, stale, missing: stale.filter((id) => !cached.has(id)) };
  }

  /** A request's own computation: a few products, not queued behind a round. */
  async function computeNow(ids: string[], through: string, everything: boolean): Promise<void> {
    for (const id of ids) inRequest.add(id);
    try {
      await compute(ids, through, { everything, urgent: true });
    } finally {
      for (const id of ids) inRequest.delete(id);
    }
  }

  /** One whole-store round: every active product's stale forecast. A second caller joins the running one. */
  function refreshAll(): Promise<RefreshResult> {
    round ??= (async () => {
      const started = Date.now();
      const products = await activeProducts();
      const { through, stale } = await staleness(products.map((p) => p.id));
      const todo = stale.filter((id) => !inRequest.has(id));
      if (database.engine === 'pg') {
        // In slices of products on PostgreSQL: one whole-store history query costs the least in
        // total, but its ~700,000 day rows (2,000 products × a year) are parsed and arranged on
        // the API's event loop at once (worst stall 105 ms; 45 ms in slices, same total time).
        for (let i = 0; i < todo.length; i += REFRESH_SLICE) await compute(todo.slice(i, i + REFRESH_SLICE), through, { everything: false, urgent: false });
      } else if (todo.length > 0) {
        // PGlite runs the query in this thread either way; its id-list plan made slices slower
        // (worst stall 593 ms against 19 ms for one query without an id list).
        await compute(todo, through, { everything: todo.length * 2 >= products.length, urgent: false });
      }
      return { through, stale: stale.length, computed: todo.length, ms: Date.now() - started };
    })().finally(() => {
      round = undefined;
    });
    return round;
  }

  /** Starts a round unless one is running; a failure is reported, the scheduler's next round retries. */
  function refreshInBackground(): void {
    if (round || background || closed) return;
    // Started on the next turn of the event loop, once the request that asked has finished
    // answering: on PGlite (one connection) the round's whole-store history query would otherwise
    // go ahead of that request's last queries (measured: 5–6 s instead of 0.25 s for 2,000
    // products). Under the scheduler's lock: with several instances one computes and the others
    // serve what it writes, instead of every instance recomputing the whole store at once.
    background = new Promise((resolve) => setImmediate(resolve))
      .then(() => (closed ? undefined : runWithSessionLock(database, FORECAST_REFRESH_JOB, refreshAll)))
      .catch((err: unknown) => {
        if (closed) return;
        for (const listener of backgroundErrorListeners) listener(err);
      })
      .finally(() => {
        background = undefined;
      });
  }

  return {
    /** Recomputes every active product's stale forecast (the scheduler's round). */
    refresh(): Promise<RefreshResult> {
      return refreshAll();
    },

    /** Resolves once no round is running (tests and the benchmark wait for the background refresh). */
    async idle(): Promise<void> {
      while (round || background) await Promise.allSettled([round, background]);
    },

    /** Called with the error of a background round (the routes log it). */
    onBackgroundError(listener: (err: unknown) => void): void {
      backgroundErrorListeners.push(listener);
    },

    /** The next `days` days of one product's forecast with its band and backtest. */
    async productForecast(productId: string, days: number) {
      await catalog.getProduct(productId);
      // One product computes in milliseconds: always current, never waiting for a round.
      const { through, stale } = await staleness([productId]);
      if (stale.length > 0) await computeNow(stale, through, false);
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
    async reorder(filter: { supplierId?: string | undefined } = {}): Promise<ReorderList> {
      if (filter.supplierId) await catalog.getSupplier(filter.supplierId);
      const products = await activeProducts(filter.supplierId);
      const ids = products.map((p) => p.id);
      // At a new store day every row is stale until the round ends (seconds for a large store);
      // yesterday's forecast shifted by a day is a fine answer meanwhile. A product never computed
      // (new, or a cold cache) has nothing to serve, so it is computed here.
      const { through, stale, missing } = await staleness(ids);
      if (missing.length > 0) await computeNow(missing, through, !filter.supplierId && missing.length * 2 >= products.length);
      const staleForecasts = stale.length - missing.length;
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
          history_through: f.historyThrough,
          cover: r.dailyDemand.isZero() ? Number.POSITIVE_INFINITY : new Decimal(p.onHand).div(r.dailyDemand).toNumber(),
        });
      }
      items.sort((a, b) => a.cover - b.cover || a.sku.localeCompare(b.sku));
      if (staleForecasts > 0) refreshInBackground();
      return { date: today, items: items.map(({ cover: _cover, ...item }) => item), staleForecasts };
    },

    async close(): Promise<void> {
      closed = true;
      await pool?.close();
      pool = undefined;
    },
  };
}

export type ForecastService = ReturnType<typeof createForecastService>;
