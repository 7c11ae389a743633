// The speed half of bench:forecast: a store of N products × D days of daily sales, bulk-loaded in
// SQL into PGlite or a scratch PostgreSQL database, then timed end to end through the real app:
// the whole-store refresh (history query, worker threads, cache writes), the reorder endpoint
// afterwards, and the first reorder call after the store day changed (every cached forecast
// stale at once), which must answer from the cache while a background round recomputes.
import fs from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import { configFrom } from '../../src/config.ts';
import { openDatabase } from '../../src/platform/db/open.ts';
import { runMigrations } from '../../src/platform/db/migrate.ts';
import { queryRows, type Database } from '../../src/platform/db/types.ts';
import { buildApp } from '../../src/app.ts';
import { createLogger } from '../../src/platform/observability/logger.ts';
import { localDate, zonedInstant } from '../../src/platform/time/zone.ts';
import { addDays } from '../../src/modules/forecast/demand-series.ts';
import type { Series } from '../../src/modules/forecast/models/types.ts';
import { MARK_MARGIN_MS } from '../../src/modules/forecast/freshness.ts';
import { createScratchDatabase, makeTempDir } from './server.ts';
import { median } from './report.ts';

export type StoreEngine = 'pglite' | 'pg';

export interface StoreTiming {
  engine: StoreEngine;
  rows: number;
  loadSeconds: number;
  refreshSeconds: number;
  computed: number;
  maxLoopDelayMs: number;
  reorderMs: number;
  reorderItems: number;
  productMs: number;
  /** GET /forecast/reorder right after the day changed: every cached forecast stale. */
  dayChangeFirstMs: number;
  dayChangeStale: number;
  /** Another reorder call while the background round runs (median of those that fit in it). */
  duringRoundMs: number | null;
  duringRoundMaxMs: number | null;
  /** From the first call after the day change until its background round ended. */
  roundSeconds: number;
}

const MASTER_KEY = Buffer.alloc(32, 7).toString('base64');

async function openStore(engine: StoreEngine, pgAdminUrl: string) {
  if (engine === 'pglite') {
    const dataDir = makeTempDir('forecast-store');
    const config = configFrom({ INVENTARIO_DATA_DIR: dataDir, LOG_LEVEL: 'warn', INVENTARIO_MASTER_KEY: MASTER_KEY });
    const database = await openDatabase(config, 'bench-forecast');
    return { config, database, where: `PGlite in ${dataDir}`, drop: async () => fs.rmSync(dataDir, { recursive: true, force: true }) };
  }
  const scratch = await createScratchDatabase(pgAdminUrl);
  const dataDir = makeTempDir('forecast-store-pg');
  const config = configFrom({ DATABASE_URL: scratch.url, LOG_LEVEL: 'warn', INVENTARIO_MASTER_KEY: MASTER_KEY, INVENTARIO_DATA_DIR: dataDir });
  const database = await openDatabase(config, 'bench-forecast');
  return {
    config,
    database,
    where: `PostgreSQL database ${scratch.name}`,
    drop: async () => {
      fs.rmSync(dataDir, { recursive: true, force: true });
      await scratch.drop();
    },
  };
}

/** `series.length` products with `days` days of daily sales, bulk-loaded in SQL. */
async function loadStore(database: Database, series: Series[], days: number, tz: string): Promise<number> {
  await runMigrations(database);
  const db = database.db;
  const [main] = await queryRows<{ id: string }>(db, sql`select id::text as id from locations where code = 'MAIN'`);
  const supplierIds = Array.from({ length: 12 }, () => uuidv7());
  for (const [i, id] of supplierIds.entries()) {
    await db.execute(sql`insert into suppliers (id, name, cuit, lead_time_days) values (${id}, ${`Proveedor ${i + 1}`}, ${`BENCH-${i}`}, ${1 + (i % 5)})`);
  }
  const productIds = series.map(() => uuidv7());
  for (let i = 0; i < productIds.length; i += 500) {
    const chunk = productIds.slice(i, i + 500);
    await db.execute(sql`insert into products (id, sku, name, category, unit, cost_price, min_stock, supplier_id)
      select id, 'BENCH-' || n, 'Producto ' || n, 'almacen', 'unit', 100, (n % 20), (${`{${supplierIds.join(',')}}`}::uuid[])[1 + n % 12]
      from unnest(${`{${chunk.join(',')}}`}::uuid[]) with ordinality as t(id, n0), lateral (select n0 + ${i} as n) k`);
  }
  const today = localDate(new Date(), tz);
  const firstDay = addDays(today, -days);
  const noon = Array.from({ length: days + 1 }, (_, d) => zonedInstant(addDays(firstDay, d), d === 0 ? '08:00' : '12:00', tz).toISOString());
  const cols = { id: [] as string[], product: [] as string[], type: [] as string[], qty: [] as number[], before: [] as number[], after: [] as number[], at: [] as string[] };
  const flush = async () => {
    if (cols.id.length === 0) return;
    await db.execute(sql`insert into stock_movements (id, product_id, location_id, type, quantity, on_hand_before, on_hand_after, actor, created_at)
      select id, product_id, ${main!.id}::uuid, type, qty, before, after, 'bench', at
      from unnest(${`{${cols.id.join(',')}}`}::uuid[], ${`{${cols.product.join(',')}}`}::uuid[], ${`{${cols.type.join(',')}}`}::text[],
                  ${`{${cols.qty.join(',')}}`}::numeric[], ${`{${cols.before.join(',')}}`}::numeric[], ${`{${cols.after.join(',')}}`}::numeric[],
                  ${`{${cols.at.map((a) => `"${a}"`).join(',')}}`}::timestamptz[]) as t(id, product_id, type, qty, before, after, at)`);
    for (const c of Object.values(cols)) c.length = 0;
  };
  let rows = 0;
  const levels: [string, number][] = [];
  for (const [p, y] of series.entries()) {
    const pid = productIds[p]!;
    let total = 0;
    for (const v of y) if (v > 0) total += v;
    let onHand = 0;
    const push = (type: string, qty: number, day: number) => {
      cols.id.push(uuidv7());
      cols.product.push(pid);
      cols.type.push(type);
      cols.qty.push(qty);
      cols.before.push(onHand);
      onHand += qty;
      cols.after.push(onHand);
      cols.at.push(noon[day]!);
      rows++;
    };
    push('in', total + 5 + (p % 40), 0);
    for (let d = 0; d < y.length && d < days; d++) {
      const v = y[d]!;
      if (v > 0) push('out', -v, d + 1);
    }
    levels.push([pid, onHand]);
    if (cols.id.length >= 20_000) await flush();
  }
  await flush();
  for (let i = 0; i < levels.length; i += 1000) {
    const chunk = levels.slice(i, i + 1000);
    await db.execute(sql`insert into stock_levels (product_id, location_id, on_hand)
      select id, ${main!.id}::uuid, q from unnest(${`{${chunk.map((l) => l[0]).join(',')}}`}::uuid[], ${`{${chunk.map((l) => l[1]).join(',')}}`}::numeric[]) as t(id, q)`);
  }
  await db.execute(sql`analyze`);
  return rows;
}

export async function storeTiming(engine: StoreEngine, series: Series[], options: { days: number; tz: string; pgAdminUrl: string; log: (line: string) => void }): Promise<StoreTiming> {
  const { days, tz, log } = options;
  const store = await openStore(engine, options.pgAdminUrl);
  log(`speed (${engine}): loading ${series.length} products × ${days} days (${store.where})…`);
  let started = performance.now();
  const { config, database } = store;
  const logger = createLogger({ level: 'warn' });
  let app: Awaited<ReturnType<typeof buildApp>>['app'] | undefined;
  try {
    const rows = await loadStore(database, series, days, tz);
    const loadSeconds = (performance.now() - started) / 1000;
    // Movements inserted within the cache's late-commit margin of a computation are looked at
    // again by the next one (src/modules/forecast/freshness.ts); a settled store is what we time.
    await new Promise((resolve) => setTimeout(resolve, MARK_MARGIN_MS + 1000));
    const built = await buildApp({ config, database, logger });
    app = built.app;
    const { services } = built;
    await app.ready();
    const { key } = await services.identity.createApiKey({ name: 'bench', role: 'admin', createdBy: 'bench' });
    const headers = { authorization: `Bearer ${key}` };
    const reorder = async () => {
      const t0 = performance.now();
      const res = await app!.inject({ method: 'GET', url: '/api/v1/forecast/reorder?limit=500', headers });
      const ms = performance.now() - t0;
      if (res.statusCode !== 200) throw new Error(`reorder answered ${res.statusCode}: ${res.body}`);
      const body = res.json<{ items: unknown[]; stale_forecasts: number }>();
      return { ms, items: body.items.length, stale: body.stale_forecasts };
    };

    log(`speed (${engine}): forecast + backtest of the whole store…`);
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    started = performance.now();
    const refresh = await services.forecast.refresh();
    const refreshSeconds = (performance.now() - started) / 1000;
    delay.disable();
    const again = await services.forecast.refresh();
    if (again.computed > 0) log(`note: ${again.computed} forecasts were recomputed by a second round`);
    const reorderMs: number[] = [];
    let reorderItems = 0;
    for (let i = 0; i < 5; i++) {
      const r = await reorder();
      reorderMs.push(r.ms);
      reorderItems = r.items;
    }
    const productMs: number[] = [];
    const [one] = await queryRows<{ id: string }>(database.db, sql`select id::text as id from products limit 1`);
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      await app.inject({ method: 'GET', url: `/api/v1/products/${one!.id}/forecast?days=90`, headers });
      productMs.push(performance.now() - t0);
    }

    // The store day changes: the cache is exactly what yesterday's last round left (history
    // through the day before yesterday). Shifting every row's history_through back one day is
    // that state, without waiting for midnight.
    log(`speed (${engine}): first reorder call after the day changed…`);
    await database.db.execute(sql`update forecast_results set history_through = history_through - 1`);
    started = performance.now();
    const first = await reorder();
    const during: number[] = [];
    let roundOver = false;
    const round = services.forecast.idle().then(() => (roundOver = true));
    while (!roundOver && during.length < 20) {
      const r = await reorder();
      if (!roundOver) during.push(r.ms);
    }
    await round;
    const roundSeconds = (performance.now() - started) / 1000;
    const settled = await reorder();
    if (settled.stale > 0) log(`note: ${settled.stale} forecasts still stale after the background round`);
    return {
      engine,
      rows,
      loadSeconds,
      refreshSeconds,
      computed: refresh.computed,
      maxLoopDelayMs: delay.max / 1e6,
      reorderMs: median(reorderMs),
      reorderItems,
      productMs: median(productMs),
      dayChangeFirstMs: first.ms,
      dayChangeStale: first.stale,
      duringRoundMs: during.length > 0 ? median(during) : null,
      duringRoundMaxMs: during.length > 0 ? Math.max(...during) : null,
      roundSeconds,
    };
  } finally {
    await app?.close();
    await database.close();
    await store.drop();
  }
}
