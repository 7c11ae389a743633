// `npm run bench [-- --quick] [-- --engine pg|pglite]`: the performance suite (docs/performance.md).
// Starts the real server as a child process per engine, seeds it through the API, drives it with
// autocannon, measures the same SQL issued directly as the baseline, prints a table, writes
// bench/results/latest.json and, on a full run, regenerates the results in docs/performance.md.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { cpuSnapshot, createScratchDatabase, makeTempDir, newApiKey, queryOnce, REPO_ROOT, startServer, type RunningServer } from './lib/server.ts';
import { runApiScenario, seedCatalog, type ApiTarget, type Catalog } from './lib/scenarios.ts';
import { baselineOperations, directContext, pgDriver, pgliteDriver, runDirectScenario, type DirectDriver } from './lib/baseline.ts';
import { checkBaseline, type SqlCheck } from './lib/sql-check.ts';
import { compare, machineInfo, SELECTIONS, writeJson, type BenchReport, type Engine, type ScenarioResult, type Selection } from './lib/report.ts';
import { printReport, serverLogSummary, writeDocs } from './lib/render.ts';
import { measured, type MeasureOptions, type Side } from './lib/measure.ts';
import { runAuditCost } from './lib/audit-cost.ts';
import { runCustomers } from './lib/customers.ts';

const HELP = `Usage: npm run bench -- [options]

  --quick               2 s per scenario (smoke check; does not touch docs/performance.md)
  --engine pg|pglite|all  which engine(s) to run (default all)
  --duration S          seconds per scenario (default 10, or 2 with --quick)
  --warmup S            warm-up seconds before each scenario, discarded (default 1)
  --connections N       concurrent connections / direct-SQL workers (default 16)
  --products N          products for the spread scenarios (default 1000)
  --rate N              requests per second for the fixed-rate scenarios (default 200)
  --rounds N            split (a)-(d) on PostgreSQL, and (f) on both engines, into N slices
                        alternating API and direct SQL (audit on and off for (f)), so both see
                        the same background load (default 5, or 1 with --quick)
  --only a,b            run only these scenarios: spread,hot,products,levels,rate,paced,
                        audit (f: audit on / off), customers (g: create and read)
  --pg-url URL          admin URL of the PostgreSQL server (default $BENCH_PG_URL or
                        postgres://postgres@127.0.0.1:5432/postgres); a scratch database
                        inventario_bench_<random> is created there and dropped at the end
  --db-pool-size N      DB_POOL_SIZE for the server (default: the server's own default, 10)
  --docs / --no-docs    force / skip regenerating docs/performance.md (default: full runs of
                        every engine and scenario only)
  --server-node-args=A  extra node flags for the server, space-separated, after an "=" (e.g.
                        --server-node-args="--cpu-prof --cpu-prof-dir=/tmp/prof" to profile it)
  --from FILE           measure nothing: print a saved results JSON (bench/results/*.json) again
                        and regenerate docs/performance.md from it (unless --no-docs)
  --help`;

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    engine: { type: 'string', default: 'all' },
    duration: { type: 'string' },
    warmup: { type: 'string' },
    connections: { type: 'string', default: '16' },
    products: { type: 'string', default: '1000' },
    rate: { type: 'string', default: '200' },
    rounds: { type: 'string' },
    only: { type: 'string' },
    'pg-url': { type: 'string' },
    'db-pool-size': { type: 'string' },
    'server-node-args': { type: 'string' },
    docs: { type: 'boolean', default: false },
    'no-docs': { type: 'boolean', default: false },
    from: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
  strict: true,
});

if (args.help) {
  process.stdout.write(`${HELP}\n`);
  process.exit(0);
}
if (args.from) {
  const read = JSON.parse(fs.readFileSync(args.from, 'utf8')) as BenchReport;
  // The verdicts follow the targets as this code states them, not as they were when it was saved.
  const saved: BenchReport = { ...read, ...compare(read.results) };
  printReport(saved);
  if (!args['no-docs']) process.stdout.write(`wrote ${path.relative(REPO_ROOT, writeDocs(saved))}\n`);
  process.exit(0);
}

function positive(name: string, raw: string | undefined, fallback: number): number {
  const value = raw === undefined ? fallback : Number(raw);
  if (!Number.isFinite(value) || value <= 0) {
    process.stderr.write(`--${name} must be a positive number (got ${raw})\n`);
    process.exit(2);
  }
  return value;
}

const ALL_SCENARIOS: readonly Selection[] = SELECTIONS;
const engineArg = args.engine;
if (!['pg', 'pglite', 'all'].includes(engineArg)) {
  process.stderr.write(`--engine must be pg, pglite or all (got ${engineArg})\n`);
  process.exit(2);
}
const engines: Engine[] = engineArg === 'all' ? ['pg', 'pglite'] : [engineArg as Engine];
const scenarios = args.only ? (args.only.split(',').map((s) => s.trim()) as Selection[]) : [...ALL_SCENARIOS];
const unknown = scenarios.filter((s) => !ALL_SCENARIOS.includes(s));
if (unknown.length > 0) {
  process.stderr.write(`--only: unknown scenario(s) ${unknown.join(', ')}\n`);
  process.exit(2);
}
const opts = {
  quick: args.quick,
  durationS: positive('duration', args.duration, args.quick ? 2 : 10),
  warmupS: args.warmup === '0' ? 0 : positive('warmup', args.warmup, 1),
  connections: Math.round(positive('connections', args.connections, 16)),
  products: Math.round(positive('products', args.products, 1000)),
  rate: positive('rate', args.rate, 200),
  rounds: Math.round(positive('rounds', args.rounds, args.quick ? 1 : 5)),
  pgUrl: args['pg-url'] ?? process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  dbPoolSize: args['db-pool-size'] ? Math.round(positive('db-pool-size', args['db-pool-size'], 10)) : undefined,
  serverNodeArgs: args['server-node-args']?.split(/\s+/).filter((a) => a !== '') ?? [],
};
const writeDocsToo = !args['no-docs'] && (args.docs || (!opts.quick && engineArg === 'all' && !args.only));

// Cleanups run in reverse order, on success, failure or Ctrl-C.
const cleanups: Array<() => Promise<unknown>> = [];
async function runCleanups(): Promise<void> {
  while (cleanups.length > 0) {
    await cleanups.pop()!().catch((err: unknown) => process.stderr.write(`cleanup: ${String(err)}\n`));
  }
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    process.stderr.write(`\n${signal}: cleaning up\n`);
    void runCleanups().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  });
}

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

async function withServer(engine: Engine, dataDir: string, databaseUrl: string | undefined): Promise<{ server: RunningServer; target: ApiTarget }> {
  const apiKey = newApiKey();
  const t0 = Date.now();
  const server = await startServer({
    apiKey,
    dataDir,
    nodeArgs: opts.serverNodeArgs,
    ...(databaseUrl ? { databaseUrl } : {}),
    ...(opts.dbPoolSize ? { dbPoolSize: opts.dbPoolSize } : {}),
  });
  cleanups.push(() => server.stop());
  log(`  server (${engine}) ready in ${((Date.now() - t0) / 1000).toFixed(1)} s at ${server.baseUrl}`);
  return { server, target: { baseUrl: server.baseUrl, apiKey, runId: randomBytes(4).toString('hex') } };
}

async function seed(target: ApiTarget): Promise<Catalog> {
  const t0 = Date.now();
  const catalog = await seedCatalog(target, opts.products, '1000000');
  log(`  seeded ${opts.products + 1} products with opening stock through the API in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return catalog;
}

let sqlCheck: SqlCheck | undefined;

/** The server runs at LOG_LEVEL=warn: summarise whatever it logged (it competes for CPU too). */
function reportServerOutput(server: RunningServer): void {
  for (const line of serverLogSummary(server.outputTail())) log(line);
}

const COMPARED = ['spread', 'hot', 'products', 'levels'] as const;
const isCompared = (s: Selection): s is (typeof COMPARED)[number] => (COMPARED as readonly string[]).includes(s);

const measure = (rounds: number): MeasureOptions => ({ durationS: opts.durationS, warmupS: opts.warmupS, rounds, log });
const defer = (cleanup: () => Promise<unknown>) => void cleanups.push(cleanup);

async function benchPg(results: ScenarioResult[]): Promise<void> {
  const db = await createScratchDatabase(opts.pgUrl);
  cleanups.push(() => db.drop());
  log(`\n[pg] scratch database ${db.name}`);
  const dataDir = makeTempDir('pg');
  cleanups.push(async () => fs.rmSync(dataDir, { recursive: true, force: true }));
  const { server, target } = await withServer('pg', dataDir, db.url);
  const catalog = await seed(target);
  const driver = await pgDriver(db.url, opts.connections);
  cleanups.push(() => driver.close());
  // Fresh tables have no statistics yet; autovacuum would analyze them at some random moment
  // mid-run and flip plans (GET /products). Analyze once, as a live database would be.
  await driver.one.query('analyze');
  const ctx = await directContext(driver.one, catalog, target.runId);
  sqlCheck = await checkBaseline(db.url, target.apiKey, catalog.hotProductId, baselineOperations(driver, ctx), dataDir);
  log(sqlCheck.ok ? '  baseline sends the same statements as the API (checked)' : `  WARNING: the baseline no longer matches the API:\n  ${sqlCheck.problems.join('\n  ')}`);
  const backends = async () =>
    ((await driver.one.query('select pid from pg_stat_activity where datname = current_database()')) as { pid: number }[]).map((r) => r.pid);
  const apiProbe = () => cpuSnapshot(server.pid, backends);
  const directProbe = () => cpuSnapshot(undefined, backends);
  const base = { engine: 'pg' as const, connections: opts.connections, rate: opts.rate };
  const sealerBehind = async () => ((await driver.one.query('select exists (select 1 from audit_pending) as behind')) as { behind: boolean }[])[0]?.behind === true;
  for (const scenario of scenarios) {
    if (scenario === 'customers') {
      results.push(...(await runCustomers(target, 'pg', opts.connections, apiProbe, measure(1))));
      continue;
    }
    if (scenario === 'audit') {
      // Interleaved with a second server on the same database, started with audit off.
      const input = { server, target, catalog, databaseUrl: db.url, dataDir, backends, sealerBehind, ...base, products: opts.products, defer };
      results.push(...(await runAuditCost({ ...input, ...(opts.dbPoolSize ? { dbPoolSize: opts.dbPoolSize } : {}) }, measure(opts.rounds))));
      continue;
    }
    // API and direct interleaved in slices: same table sizes, same background load.
    const api: Side = { run: (durationS) => runApiScenario(target, catalog, scenario, { ...base, durationS }), probe: apiProbe };
    const direct: Side = { run: (durationS) => runDirectScenario(driver, ctx, scenario, { durationS }), probe: directProbe };
    results.push(...(await measured(isCompared(scenario) ? [api, direct] : [api], measure(isCompared(scenario) ? opts.rounds : 1))));
  }
  await runCleanups(); // driver, server, data dir, database
  reportServerOutput(server);
}

async function benchPglite(results: ScenarioResult[]): Promise<void> {
  log('\n[pglite] embedded database in a temp data dir');
  const dataDir = makeTempDir('pglite');
  cleanups.push(async () => fs.rmSync(dataDir, { recursive: true, force: true }));
  const { server, target } = await withServer('pglite', dataDir, undefined);
  const catalog = await seed(target);
  const base = { engine: 'pglite' as const, connections: opts.connections, rate: opts.rate };
  const noBackends = async () => [];
  const probe = () => cpuSnapshot(server.pid, noBackends);
  for (const scenario of scenarios) {
    if (scenario === 'customers') {
      results.push(...(await runCustomers(target, 'pglite', opts.connections, probe, measure(1))));
    } else if (scenario === 'audit') {
      // Interleaved with a second PGlite server (own data dir); no target.
      const input = { server, target, catalog, backends: noBackends, ...base, products: opts.products, defer };
      results.push(...(await runAuditCost(input, measure(opts.rounds))));
    } else {
      results.push(...(await measured([{ run: (durationS) => runApiScenario(target, catalog, scenario, { ...base, durationS }), probe }], measure(1))));
    }
  }
  // PGlite is single-process: the in-process baseline opens the data dir once the server let go.
  const exit = await server.stop();
  if (exit.code !== 0) log(`  server exited with ${JSON.stringify(exit)}`);
  reportServerOutput(server);
  const direct = scenarios.filter(isCompared);
  if (direct.length > 0) {
    let driver: DirectDriver | undefined;
    try {
      driver = await pgliteDriver(path.join(dataDir, 'pg'), opts.connections);
      const ctx = await directContext(driver.one, catalog, target.runId);
      const directProbe = () => cpuSnapshot(undefined, noBackends);
      for (const scenario of direct) {
        results.push(...(await measured([{ run: (durationS) => runDirectScenario(driver!, ctx, scenario, { durationS }), probe: directProbe }], measure(1))));
      }
    } finally {
      await driver?.close();
    }
  }
  await runCleanups();
}

async function main(): Promise<void> {
  const t0 = Date.now();
  const startedAt = new Date().toISOString();
  const load1AtStart = os.loadavg()[0];
  const pgliteVersion = (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'node_modules/@electric-sql/pglite/package.json'), 'utf8')) as { version: string }).version;
  const postgres = engines.includes('pg')
    ? `PostgreSQL ${(await queryOnce<{ server_version: string }>(opts.pgUrl, 'show server_version'))[0]!.server_version}`
    : undefined;
  log(
    `inventario bench: ${engines.join(' + ')}, ${opts.durationS} s per scenario (+${opts.warmupS} s warm-up), ` +
      `${opts.connections} connections, ${opts.products} products${opts.quick ? ' [quick]' : ''}`,
  );
  const results: ScenarioResult[] = [];
  try {
    for (const engine of engines) {
      if (engine === 'pg') await benchPg(results);
      else await benchPglite(results);
    }
  } finally {
    await runCleanups();
  }
  const { pgUrl: _omit, ...shownOpts } = opts;
  const report: BenchReport = {
    startedAt,
    finishedAt: new Date().toISOString(),
    quick: opts.quick,
    options: { ...shownOpts, engines, scenarios },
    machine: machineInfo({ load1AtStart, load1AtEnd: os.loadavg()[0], ...(postgres ? { postgres } : {}), pglite: pgliteVersion }),
    ...(sqlCheck ? { sqlCheck } : {}),
    results,
    ...compare(results),
  };
  printReport(report);
  log(`wrote ${path.relative(REPO_ROOT, writeJson(report))}`);
  if (writeDocsToo) log(`wrote ${path.relative(REPO_ROOT, writeDocs(report))}`);
  const elapsedS = Math.round((Date.now() - t0) / 1000);
  log(`finished in ${Math.floor(elapsedS / 60)} min ${elapsedS % 60} s`);
}

main().catch(async (err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  await runCleanups();
  process.exit(1);
});
