// `npm run bench:forecast [-- options]`: accuracy and speed of demand forecasting.
//   1. Accuracy on a generated set with known structure (weekly seasonal, trending, intermittent,
//      with stock-outs) and on the demo store's history (`seed --demo`): MASE and WAPE per model
//      and for the model the engine chooses, on a 28-day test it never saw (bench/lib/forecast-eval.ts).
//      The chosen model must beat seasonal naive on aggregate MASE.
//   2. Speed: forecast + backtest of N products × D days (default 2,000 × 365) in the worker pool;
//      then the same store end to end on each engine (--engine: PGlite, a scratch PostgreSQL
//      database, or both; bench/lib/forecast-store.ts): history query, workers, cache writes, the
//      event loop's worst delay meanwhile, GET /api/v1/forecast/reorder afterwards, and the first
//      reorder call after the store day changed (every forecast stale: served from the cache
//      while one background round recomputes).
// Prints the tables and writes them into docs/performance.md between the forecast markers.
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import { configFrom } from '../src/config.ts';
import { openDatabase } from '../src/platform/db/open.ts';
import { createServices } from '../src/services.ts';
import { localDate } from '../src/platform/time/zone.ts';
import { addDays, buildDemandSeries } from '../src/modules/forecast/demand-series.ts';
import { DEFAULT_ENGINE_OPTIONS, forecastProduct } from '../src/modules/forecast/models/engine.ts';
import { MODEL_NAMES, type Series } from '../src/modules/forecast/models/types.ts';
import { createForecastPool } from '../src/modules/forecast/pool.ts';
import { syntheticSet, type SyntheticKind } from './forecast-synthetic.ts';
import { aggregate, CHOSEN, chosenCounts, scoreSeries, TEST_DAYS, type Scored, type SeriesScore } from './lib/forecast-eval.ts';
import { storeTiming, type StoreEngine, type StoreTiming } from './lib/forecast-store.ts';
import { makeTempDir, REPO_ROOT } from './lib/server.ts';
import { machineInfo } from './lib/report.ts';

const HELP = `Usage: npm run bench:forecast -- [options]

  --demo-dir DIR     the demo store to read (seeded there first when DIR is empty or missing;
                     seeding takes 1–2 minutes); default: a new temporary directory
  --skip-demo        leave the demo store out (generated set and timing only)
  --products N       products in the timing run (default 2000)
  --days N           days of history in the timing run (default 365)
  --series N         series in the generated accuracy set (default 900, a third of each kind)
  --engine E         pglite, pg or both (default) for the end-to-end timing
  --pg-url URL       PostgreSQL admin URL for --engine pg (a scratch database is created and
                     dropped there); default $BENCH_PG_URL or postgres://postgres@127.0.0.1:5432/postgres
  --no-docs          do not write docs/performance.md
  --help`;

const { values: args } = parseArgs({
  options: {
    'demo-dir': { type: 'string' },
    'skip-demo': { type: 'boolean', default: false },
    products: { type: 'string', default: '2000' },
    days: { type: 'string', default: '365' },
    series: { type: 'string', default: '900' },
    engine: { type: 'string', default: 'both' },
    'pg-url': { type: 'string' },
    'no-docs': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
  strict: true,
});
if (args.help) {
  process.stdout.write(`${HELP}\n`);
  process.exit(0);
}
const ENGINES: StoreEngine[] = args.engine === 'both' ? ['pglite', 'pg'] : args.engine === 'pglite' || args.engine === 'pg' ? [args.engine] : [];
if (ENGINES.length === 0) {
  process.stderr.write(`--engine must be pglite, pg or both, not "${args.engine}"\n`);
  process.exit(2);
}
const PG_ADMIN_URL = args['pg-url'] ?? process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
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

const ENGINE_LABEL: Record<StoreEngine, string> = { pglite: 'PGlite', pg: 'PostgreSQL' };

/** One column per engine; the engine-only rows do not depend on it. */
function speedTable(engine: { poolSeconds: number; inlineMsPerProduct: number }, stores: StoreTiming[]): string {
  const row = (label: string, cell: (s: StoreTiming) => string, target = '') => `| ${label} | ${stores.map(cell).join(' | ')} | ${target} |`;
  const same = (value: string) => stores.map(() => value).join(' | ');
  return [
    `| measurement | ${stores.map((s) => ENGINE_LABEL[s.engine]).join(' | ')} | target |`,
    `|---|${stores.map(() => '---:').join('|')}|---:|`,
    `| engine only: forecast + backtest, 2 worker threads | ${same(`${fmt(engine.poolSeconds, 1)} s`)} | |`,
    `| engine only: one product on one thread | ${same(`${fmt(engine.inlineMsPerProduct, 2)} ms`)} | |`,
    row('**end to end: history query + forecast + backtest + cache writes**', (s) => `**${fmt(s.refreshSeconds, 1)} s**`, `< ${TARGET_FORECAST_S} s`),
    row('worst event-loop delay meanwhile (the API\'s thread)', (s) => `${fmt(s.maxLoopDelayMs, 0)} ms`),
    row('**GET /forecast/reorder afterwards** (median of 5)', (s) => `**${fmt(s.reorderMs, 0)} ms** (${s.reorderItems} items)`, `< ${TARGET_REORDER_MS} ms`),
    row('**first GET /forecast/reorder after the store day changed** (every forecast stale, served from the cache)', (s) => `**${fmt(s.dayChangeFirstMs, 0)} ms** (${s.dayChangeStale} stale)`, `< ${TARGET_REORDER_MS} ms`),
    row('GET /forecast/reorder while that background refresh runs (median / slowest)', (s) =>
      s.duringRoundMs === null ? '—' : `${fmt(s.duringRoundMs, 0)} / ${fmt(s.duringRoundMaxMs ?? Number.NaN, 0)} ms`,
    ),
    row('background refresh after the day changed, until done', (s) => `${fmt(s.roundSeconds, 1)} s`),
    row('GET /products/{id}/forecast?days=90 (median of 5)', (s) => `${fmt(s.productMs, 1)} ms`),
    row('bulk-loading the store in SQL (not part of a target)', (s) => `${fmt(s.loadSeconds, 1)} s (${s.rows.toLocaleString('en')} movements)`),
  ].join('\n');
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
  const stores: StoreTiming[] = [];
  for (const e of ENGINES) stores.push(await storeTiming(e, timingSeries, { days: DAYS, tz: TZ, pgAdminUrl: PG_ADMIN_URL, log }));
  const info = machineInfo();
  const storeOk = (s: StoreTiming) => s.refreshSeconds < TARGET_FORECAST_S && s.reorderMs < TARGET_REORDER_MS && s.dayChangeFirstMs < TARGET_REORDER_MS;
  const ok = generated.verdict.ok && (demo?.verdict.ok ?? true) && stores.every(storeOk);

  const lines = [
    `Run ${new Date().toISOString().slice(0, 10)} on ${info.cpus} × ${info.cpuModel}, ${info.memoryGiB} GiB, Node ${info.node}; end to end on ${stores.map((x) => ENGINE_LABEL[x.engine]).join(' and ')}.`,
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
  lines.push('', `### Speed (${PRODUCTS} products × ${DAYS} days)`, '', speedTable(engine, stores), '', `Result: ${ok ? 'all targets met' : 'SOME TARGETS MISSED'}.`);
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
