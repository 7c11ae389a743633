// `node --import tsx bench/pricing.ts [--products N] [--engine pglite|pg|all] [--pg-url URL]`:
// what a reprice of a whole store costs (docs/performance.md "Pricing"). Builds a store of N
// active products in a fresh database (costs received over the last 90 days, so the inflation
// factors differ), then times, through the real app (app.inject, no sockets): the quote of one
// product, a dry run over the store and over one category, applying every change (prices,
// history rows, one audit event per change, one transaction), and a second apply that finds
// nothing to change. Prints one JSON line per engine.
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { buildApp } from '../src/app.ts';
import { configFrom } from '../src/config.ts';
import { openPg, openPglite } from '../src/platform/db/engines.ts';
import { runMigrations } from '../src/platform/db/migrate.ts';
import type { Database } from '../src/platform/db/types.ts';
import { createLogger } from '../src/platform/observability/logger.ts';
import { createScratchDatabase } from './lib/server.ts';
import { median } from './lib/report.ts';

const { values } = parseArgs({
  options: {
    products: { type: 'string', default: '2000' },
    engine: { type: 'string', default: 'all' },
    'pg-url': { type: 'string', default: process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' },
    repeat: { type: 'string', default: '3' },
  },
});
const N = Number(values.products);
const REPEAT = Number(values.repeat);
const CATEGORIES = ['almacén', 'bebidas', 'lácteos', 'limpieza', 'kiosco', 'perfumería', 'congelados', 'panadería', 'fiambrería', 'verdulería'];

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const start = process.hrtime.bigint();
  const result = await fn();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, result };
}

const round = (ms: number) => Math.round(ms * 10) / 10;

async function run(engine: 'pglite' | 'pg', database: Database) {
  await runMigrations(database);
  const config = configFrom({ INVENTARIO_MASTER_KEY: randomBytes(32).toString('base64'), LOG_LEVEL: 'silent', RATE_LIMIT_PER_MINUTE: '1000000' });
  const { app, services } = await buildApp({ config, database, logger: createLogger({ level: 'silent' }) });
  await app.ready();
  const admin = await services.identity.createApiKey({ name: 'bench-pricing', role: 'admin', createdBy: 'bench' });
  const call = (method: 'GET' | 'POST', url: string, body?: object) =>
    app.inject({ method, url, headers: { authorization: `Bearer ${admin.key}` }, ...(body ? { payload: body } : {}) });

  const seeded = await timed(async () => {
    for (let i = 0; i < N; i++) {
      const cost = (100 + ((i * 37) % 9000)).toFixed(2);
      const p = await services.catalog.createProduct({
        sku: `PB-${i}`,
        name: `Producto de prueba ${i}`,
        category: CATEGORIES[i % CATEGORIES.length]!,
        unit: i % 7 === 0 ? 'kg' : 'unit',
        cost_price: cost,
        sale_price: (Number(cost) * 1.6).toFixed(2),
        vat_rate: i % 5 === 0 ? '10.5' : '21',
        min_stock: '0',
      } as never);
      // The last costed receipt 0–89 days ago: every product gets a day-dependent factor.
      await services.stock.recordMovement(
        { product_id: p.id, type: 'in', quantity: '10', unit_cost: cost } as never,
        { actor: 'bench', at: new Date(Date.now() - (i % 90) * 86_400_000) },
      );
    }
  });

  const firstId = (await call('GET', '/api/v1/products?limit=1')).json().items[0].id as string;
  const quote: number[] = [];
  for (let i = 0; i < 20; i++) quote.push((await timed(() => call('GET', `/api/v1/products/${firstId}/price-quote`))).ms);
  const dryAll: number[] = [];
  const dryCategory: number[] = [];
  let changes = 0;
  for (let i = 0; i < REPEAT; i++) {
    const all = await timed(() => call('POST', '/api/v1/pricing/reprice', { dry_run: true }));
    changes = all.result.json().changes.length;
    dryAll.push(all.ms);
    dryCategory.push((await timed(() => call('POST', '/api/v1/pricing/reprice', { dry_run: true, category: 'bebidas' }))).ms);
  }
  const apply = await timed(() => call('POST', '/api/v1/pricing/reprice', { dry_run: false }));
  const applied = apply.result.json().changes.length as number;
  const again = await timed(() => call('POST', '/api/v1/pricing/reprice', { dry_run: false }));
  await app.close();
  return {
    engine,
    products: N,
    seed_s: round(seeded.ms / 1000),
    quote_ms_median: round(median(quote)),
    dry_run_all_ms_median: round(median(dryAll)),
    dry_run_category_ms_median: round(median(dryCategory)),
    changes,
    apply_ms: round(apply.ms),
    applied,
    apply_again_ms: round(again.ms),
    apply_again_changes: again.result.json().changes.length,
  };
}

const engines = values.engine === 'all' ? (['pglite', 'pg'] as const) : [values.engine as 'pglite' | 'pg'];
for (const engine of engines) {
  if (engine === 'pglite') {
    const database = await openPglite({});
    try {
      process.stdout.write(`${JSON.stringify(await run('pglite', database))}\n`);
    } finally {
      await database.close();
    }
  } else {
    const scratch = await createScratchDatabase(values['pg-url']!);
    const database = openPg({ url: scratch.url, poolSize: 10 });
    try {
      process.stdout.write(`${JSON.stringify(await run('pg', database))}\n`);
    } finally {
      await database.close();
      await scratch.drop();
    }
  }
}
