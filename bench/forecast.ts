// `npm run bench:forecast [-- options]`: accuracy and speed of demand forecasting.
//   1. Accuracy on a generated set with known structure (weekly seasonal, trending, intermittent,
//      with stock-outs) and on the demo store's history (`seed --demo`): MASE and WAPE per model
//      and for the model the engine chooses, on a 28-day test it never saw (bench/lib/forecast-eval.ts).
//      The chosen model must beat seasonal naive on aggregate MASE.
//   2. Speed: forecast + backtest of N products × D days (default 2,000 × 365) in the worker pool;
//      then the same store end to end in PGlite (history query, workers, cache writes), the
//      event loop's worst delay meanwhile, and GET /api/v1/forecast/reorder afterwards.
// Prints the tables and writes them into docs/performance.md between the forecast markers.
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import { configFrom } from '../src/config.ts';
import { openDatabase } from '../src/platform/db/open.ts';
import { runMigrations } from '../src/platform/db/migrate.ts';
import { queryRows } from '../src/platform/db/types.ts';
import { createServices } from '../src/services.ts';
import { buildApp } from '../src/app.ts';
import { createLogger } from '../src/platform/observability/logger.ts';
import { localDate, zonedInstant } from '../src/platform/time/zone.ts';
import { addDays, buildDemandSeries } from '../src/modules/forecast/demand-series.ts';
import { DEFAULT_ENGINE_OPTIONS, forecastProduct } from '../src/modules/forecast/models/engine.ts';
import { MODEL_NAMES, type Series } from '../src/modules/forecast/models/types.ts';
import { createForecastPool } from '../src/modules/forecast/pool.ts';
import { MARK_MARGIN_MS } from '../src/modules/forecast/freshness.ts';
import { syntheticSet, type SyntheticKind } from './forecast-synthetic.ts';
import { aggregate, CHOSEN, chosenCounts, scoreSeries, TEST_DAYS, type Scored, type SeriesScore } from './lib/forecast-eval.ts';
import { makeTempDir, REPO_ROOT } from './lib/server.ts';
import { machineInfo } from './lib/report.ts';

const HELP = `Usage: npm run bench:forecast -- [options]

  --demo-dir DIR     the demo store to read (seeded there first when DIR is empty or missing;
                     seeding takes 1–2 minutes); default: a new temporary directory
  --skip-demo        leave the demo store out (generated set and timing only)
  --products N       products in the timing run (default 2000)
  --days N           days of history in the timing run (default 365)
  --series N         series in the generated accuracy set (default 900, a third of each kind)
  --no-docs          do not write docs/performance.md
  --help`;

const { values: args } = parseArgs({
  options: {
    'demo-dir': { type: 'string' },
    'skip-demo': { type: 'boolean', default: false },
    products: { type: 'string', default: '2000' },
    days: { type: 'string', default: '365' },
    series: { type: 'string', default: '900' },
    'no-docs': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
  strict: true,
});
if (args.help) {
  process.stdout.write(`${HELP}\n`);
  process.exit(0);
}
const PRODUCTS = Number(args.products);
const DAYS = Number(args.days);
const SERIES = Number(args.series);
const TZ = 'America/Argentina/Buenos_Aires';
const TARGET_FORECAST_S = 60;
const TARGET_REORDER_MS = 2000;
const DOCS_FILE = path.join(REPO_ROOT, 'docs', 'performance.md');
const START = '<!-- forecast:start -->';
const END = '<!-- forecast:end -->';

const log = (line: string) => process.stderr.write(`${line}\n`);
const fmt = (x: number, d = 3) => (Number.isFinite(x) ? x.toFixed(d) : '—');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

// ---------------------------------------------------------------------------------------------
// Accuracy

function accuracyTable(groups: { label: string; scores: SeriesScore[] }[]): string {
  const rows: Scored[] = [...MODEL_NAMES, CHOSEN];
  const head = `| model | ${groups.map((g) => `${g.label} MASE | ${g.label} WAPE`).join(' | ')} |`;
  const rule = `|---|${groups.map(() => '---:|---:').join('|')}|`;
  const body = rows.map((m) => {
    const cells = groups.map((g) => {
      const a = aggregate(g.scores, m);
      return `${fmt(a.mase)} | ${fmt(a.wape)}`;
    });
    return `| ${m === CHOSEN ? '**chosen per product**' : m} | ${cells.join(' | ')} |`;
  });
  return [head, rule, ...body].join('\n');
}

function verdict(scores: SeriesScore[]): { ok: boolean; line: string } {
  const chosen = aggregate(scores, CHOSEN).mase;
  const naive = aggregate(scores, 'seasonal_naive').mase;
  const ok = chosen < naive;
  return { ok, line: `chosen ${fmt(chosen)} vs seasonal naive ${fmt(naive)} (${fmt((1 - chosen / naive) * 100, 1)} % lower): ${ok ? 'beats it' : 'DOES NOT beat it'}` };
}

function generatedAccuracy() {
  log(`accuracy: ${SERIES} generated series × 365 days…`);
  const set = syntheticSet(SERIES, 365, 7);
  const byKind = new Map<SyntheticKind, SeriesScore[]>();
  const all: SeriesScore[] = [];
  for (const s of set) {
    const score = scoreSeries(s.values, DEFAULT_ENGINE_OPTIONS);
    if (!score) continue;
    all.push(score);
    if (!byKind.has(s.kind)) byKind.set(s.kind, []);
    byKind.get(s.kind)!.push(score);
  }
  const groups = [
    { label: 'seasonal', scores: byKind.get('seasonal') ?? [] },
    { label: 'trending', scores: byKind.get('trending') ?? [] },
    { label: 'intermittent', scores: byKind.get('intermittent') ?? [] },
    { label: 'all', scores: all },
  ];
  return { table: accuracyTable(groups), verdict: verdict(all), counts: chosenCounts(all), scored: all.length };
}

function runCli(cliArgs: string[], dataDir: string): Promise<string> {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!/^(INVENTARIO_|DATABASE_URL$|REDIS_URL$)/.test(name)) env[name] = value;
  env.INVENTARIO_DATA_DIR = dataDir;
  env.LOG_LEVEL = 'warn';
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...cliArgs], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err = (err + d).slice(-4000)));
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`inventario ${cliArgs.join(' ')} exited ${code}\n${err}`))));
  });
}

async function demoAccuracy() {
  const dataDir = path.resolve(args['demo-dir'] ?? makeTempDir('forecast-demo'));
  let seedSeconds: number | null = null;
  if (!fs.existsSync(path.join(dataDir, 'pg'))) {
    fs.mkdirSync(dataDir, { recursive: true });
    log(`seeding the demo store in ${dataDir} (1–2 minutes)…`);
    const started = Date.now();
    await runCli(['seed', '--demo', '--json'], dataDir);
    seedSeconds = (Date.now() - started) / 1000;
  } else log(`reading the demo store in ${dataDir}`);
  const config = configFrom({ INVENTARIO_DATA_DIR: dataDir, LOG_LEVEL: 'warn' });
  const database = await openDatabase(config, 'bench-forecast');
  try {
    const services = createServices({ config, database });
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await services.catalog.listProducts({ limit: 500, cursor });
      ids.push(...page.items.map((p) => p.id));
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
    const through = addDays(localDate(new Date(), TZ), -1);
    const history = await services.stockDemand.history({ from: addDays(through, -364), through });
    const series = buildDemandSeries(history, ids);
    const scores: SeriesScore[] = [];
    let censored = 0;
    let days = 0;
    for (const id of ids) {
      const y = series.get(id)!.values;
      days += y.length;
      for (const v of y) if (Number.isNaN(v)) censored++;
      const score = scoreSeries(y, DEFAULT_ENGINE_OPTIONS);
      if (score) scores.push(score);
    }
    return {
      table: accuracyTable([{ label: 'demo store', scores }]),
      verdict: verdict(scores),
      counts: chosenCounts(scores),
      products: ids.length,
      scored: scores.length,
      censoredShare: days ? censored / days : 0,
      seedSeconds,
    };
  } finally {
    await database.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Speed

async function engineTiming(series: Series[]) {
  const engine = { ...DEFAULT_ENGINE_OPTIONS, horizon: 90 };
  const inlineSample = series.slice(0, 200);
  let started = performance.now();
  for (const y of inlineSample) forecastProduct(y, engine);
  const inlineMsPerProduct = (performance.now() - started) / inlineSample.length;
  const pool = createForecastPool({ size: 2 });
  try {
    started = performance.now();
    await pool.run(series.map((values, i) => ({ key: String(i), values })), engine);
    return { inlineMsPerProduct, poolSeconds: (performance.now() - started) / 1000 };
  } finally {
    await pool.close();
  }
}

/** A PGlite store with PRODUCTS products and DAYS days of daily sales, bulk-loaded in SQL. */
async function loadStore(dataDir: string, series: Series[]) {
  const config = configFrom({ INVENTARIO_DATA_DIR: dataDir, LOG_LEVEL: 'warn', INVENTARIO_MASTER_KEY: Buffer.alloc(32, 7).toString('base64') });
  const database = await openDatabase(config, 'bench-forecast');
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
  const today = localDate(new Date(), TZ);
  const firstDay = addDays(today, -DAYS);
  const noon = Array.from({ length: DAYS + 1 }, (_, d) => zonedInstant(addDays(firstDay, d), d === 0 ? '08:00' : '12:00', TZ).toISOString());
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
    for (let d = 0; d < y.length && d < DAYS; d++) {
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
  return { config, database, rows };
}

async function storeTiming(series: Series[]) {
  const dataDir = makeTempDir('forecast-store');
  log(`speed: loading ${PRODUCTS} products × ${DAYS} days into PGlite (${dataDir})…`);
  let started = performance.now();
  const { config, database, rows } = await loadStore(dataDir, series);
  const loadSeconds = (performance.now() - started) / 1000;
  // Movements inserted within the cache's late-commit margin of a computation are looked at
  // again by the next one (src/modules/forecast/freshness.ts); a settled store is what we time.
  await new Promise((resolve) => setTimeout(resolve, MARK_MARGIN_MS + 1000));
  const logger = createLogger({ level: 'warn' });
  const { app, services } = await buildApp({ config, database, logger });
  try {
    await app.ready();
    const { key } = await services.identity.createApiKey({ name: 'bench', role: 'admin', createdBy: 'bench' });
    const headers = { authorization: `Bearer ${key}` };
    log('speed: forecast + backtest of the whole store…');
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    started = performance.now();
    const refresh = await services.forecast.refresh();
    const refreshSeconds = (performance.now() - started) / 1000;
    delay.disable();
    const again = await services.forecast.refresh();
    if (again.computed > 0) log(`note: ${again.computed} forecasts were recomputed by a second round`);
    const reorderMs: number[] = [];
    let items = 0;
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      const res = await app.inject({ method: 'GET', url: '/api/v1/forecast/reorder?limit=500', headers });
      reorderMs.push(performance.now() - t0);
      if (res.statusCode !== 200) throw new Error(`reorder answered ${res.statusCode}: ${res.body}`);
      items = res.json<{ items: unknown[] }>().items.length;
    }
    const productMs: number[] = [];
    const [one] = await queryRows<{ id: string }>(database.db, sql`select id::text as id from products limit 1`);
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      await app.inject({ method: 'GET', url: `/api/v1/products/${one!.id}/forecast?days=90`, headers });
      productMs.push(performance.now() - t0);
    }
    return {
      rows,
      loadSeconds,
      refreshSeconds,
      computed: refresh.computed,
      maxLoopDelayMs: delay.max / 1e6,
      reorderMs: median(reorderMs),
      reorderFirstMs: reorderMs[0]!,
      reorderItems: items,
      productMs: median(productMs),
    };
  } finally {
    await app.close();
    await database.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------

function writeDocs(section: string): void {
  let text = fs.readFileSync(DOCS_FILE, 'utf8');
  const block = `${START}\n\n${section}\n\n${END}`;
  const a = text.indexOf(START);
  const b = text.indexOf(END);
  if (a >= 0 && b > a) text = text.slice(0, a) + block + text.slice(b + END.length);
  else text = `${text.trimEnd()}\n\n## Demand forecasting\n\n${block}\n`;
  fs.writeFileSync(DOCS_FILE, text);
}

const countsLine = (counts: Record<string, number>) =>
  Object.entries(counts)
    .sort((a, b) => b[1] - a[1])
    .map(([m, n]) => `${m} ${n}`)
    .join(', ');

async function main(): Promise<void> {
  const generated = generatedAccuracy();
  const demo = args['skip-demo'] ? null : await demoAccuracy();
  const timingSeries = syntheticSet(PRODUCTS, DAYS, 11).map((s) => s.values);
  log(`speed: engine on ${PRODUCTS} × ${DAYS} in 2 worker threads…`);
  const engine = await engineTiming(timingSeries);
  const store = await storeTiming(timingSeries);
  const info = machineInfo();
  const ok = generated.verdict.ok && (demo?.verdict.ok ?? true) && store.refreshSeconds < TARGET_FORECAST_S && store.reorderMs < TARGET_REORDER_MS;

  const lines = [
    `Run ${new Date().toISOString().slice(0, 10)} on ${info.cpus} × ${info.cpuModel}, ${info.memoryGiB} GiB, Node ${info.node}, PGlite.`,
    `Accuracy: each series' last ${TEST_DAYS} days are a test the engine never saw; it picks the model by its own rolling-origin backtest on the days before, then every model forecasts the test weeks from four weekly origins (parameters fitted before the test). MASE is scaled by the training part's weekly seasonal naive error, averaged over series; WAPE = Σ|error| / Σ sales. Stock-out days are censored (not scored).`,
    '',
    `### Generated set (${generated.scored} series × 365 days, a third of each kind, with stock-outs)`,
    '',
    generated.table,
    '',
    `Chosen model: ${generated.verdict.line}. Models chosen: ${countsLine(generated.counts)}.`,
  ];
  if (demo) {
    lines.push(
      '',
      `### Demo store (\`seed --demo\`: ${demo.products} products, 180 days; ${demo.scored} with enough history scored; ${fmt(demo.censoredShare * 100, 1)} % of product-days censored)`,
      '',
      demo.table,
      '',
      `Chosen model: ${demo.verdict.line}. Models chosen: ${countsLine(demo.counts)}.${demo.seedSeconds ? ` (Seeding took ${fmt(demo.seedSeconds, 0)} s.)` : ''}`,
    );
  }
  lines.push(
    '',
    `### Speed (${PRODUCTS} products × ${DAYS} days)`,
    '',
    '| measurement | result | target |',
    '|---|---:|---:|',
    `| engine only: forecast + backtest, 2 worker threads | ${fmt(engine.poolSeconds, 1)} s | |`,
    `| engine only: one product on one thread | ${fmt(engine.inlineMsPerProduct, 2)} ms | |`,
    `| **end to end in PGlite: history query + forecast + backtest + cache writes** (${store.rows.toLocaleString('en')} movements) | **${fmt(store.refreshSeconds, 1)} s** | < ${TARGET_FORECAST_S} s |`,
    `| worst event-loop delay meanwhile (the API's thread) | ${fmt(store.maxLoopDelayMs, 0)} ms | |`,
    `| **GET /forecast/reorder afterwards** (median of 5; ${store.reorderItems} items) | **${fmt(store.reorderMs, 0)} ms** | < ${TARGET_REORDER_MS} ms |`,
    `| GET /products/{id}/forecast?days=90 (median of 5) | ${fmt(store.productMs, 1)} ms | |`,
    '',
    `Bulk-loading the store (SQL, not part of the target) took ${fmt(store.loadSeconds, 1)} s. Result: ${ok ? 'all targets met' : 'SOME TARGETS MISSED'}.`,
  );
  const section = lines.join('\n');
  process.stdout.write(`${section}\n`);
  if (!args['no-docs']) {
    writeDocs(section);
    log(`written to ${path.relative(REPO_ROOT, DOCS_FILE)}`);
  }
  if (!ok) process.exitCode = 1;
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
