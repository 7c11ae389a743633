// `inventario seed --demo`: a believable mini-market (DOMAIN.md, Demo data), with its 180 days of
// history written through the stock ledger so levels and ledger agree.
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { createRng } from '../modules/ops/demo/rng.ts';
import { demoCatalog } from '../modules/ops/demo/catalog.ts';
import { demoHistory, demoSummary } from '../modules/ops/demo/history.ts';
import { withDatabase } from './context.ts';
import { fail, printResult, wantsJson } from './output.ts';

// Movements per transaction: big enough to load quickly, small enough to keep PGlite's single
// connection responsive.
const BATCH_SIZE = 500;

interface SeedOptions {
  demo?: boolean;
  days: string;
  seed: string;
  json?: boolean;
}

export function registerSeedCommand(program: Command): void {
  program
    .command('seed')
    .description('Fill an empty store with demo data (about 200 products, 12 suppliers, 180 days of history)')
    .option('--demo', 'load the demo mini-market')
    .option('--days <n>', 'days of history', '180')
    .option('--seed <value>', 'random seed: the same seed builds the same store', 'demo')
    .option('--json', 'print a JSON summary')
    .action(async (opts: SeedOptions) => {
      if (!opts.demo) fail('nothing to do: use `inventario seed --demo`', 2);
      const days = Number(opts.days);
      if (!Number.isInteger(days) || days < 1 || days > 730) fail('--days must be a whole number between 1 and 730', 2);
      await withDatabase('seed', async ({ config, database, services }) => {
        const existing = await services.catalog.listProducts({ limit: 1 });
        if (existing.items.length > 0) fail('the store already has products; demo data only goes into an empty store');

        const started = Date.now();
        const rng = createRng(opts.seed);
        const catalog = demoCatalog(rng);
        const supplierIds: string[] = [];
        for (const s of catalog.suppliers) {
          const row = await services.catalog.createSupplier({
            name: s.name,
            cuit: s.cuit,
            email: s.email,
            phone: s.phone,
            address: s.address,
            vat_condition: s.vat_condition,
            lead_time_days: s.lead_time_days,
          });
          supplierIds.push(row.id);
        }
        const productIds = new Map<string, string>();
        for (const p of catalog.products) {
          const row = await services.catalog.createProduct({
            sku: p.sku,
            name: p.name,
            category: p.category,
            unit: p.unit,
            barcode: p.barcode,
            supplier_id: supplierIds[p.supplierIndex] ?? null,
            cost_price: p.cost_price,
            sale_price: p.sale_price,
            vat_rate: p.vat_rate,
            min_stock: p.min_stock,
            max_stock: p.max_stock,
          });
          productIds.set(p.sku, row.id);
        }

        const movements = demoHistory(catalog.products, { days, endDate: new Date(), timezone: config.timezone, rng });
        const bar = wantsJson(opts)
          ? undefined
          : new cliProgress.SingleBar(
              { format: 'Historial |{bar}| {percentage}% · {value}/{total} movimientos', hideCursor: true },
              cliProgress.Presets.shades_classic,
            );
        bar?.start(movements.length, 0);
        for (let i = 0; i < movements.length; i += BATCH_SIZE) {
          const batch = movements.slice(i, i + BATCH_SIZE);
          await database.transaction(async (tx) => {
            for (const m of batch) {
              await services.stock.applyMovement(
                tx,
                {
                  product_id: productIds.get(m.sku)!,
                  type: m.type,
                  quantity: m.quantity,
                  ...(m.unit_cost ? { unit_cost: m.unit_cost } : {}),
                  reason: m.reason,
                  ...(m.reference ? { reference: m.reference } : {}),
                },
                { actor: 'system:seed', at: m.at },
              );
            }
          });
          bar?.update(Math.min(i + BATCH_SIZE, movements.length));
        }
        bar?.stop();

        const integrity = await services.stock.integrity();
        const summary = demoSummary(movements);
        const seconds = Math.round((Date.now() - started) / 100) / 10;
        printResult(
          opts,
          {
            suppliers: catalog.suppliers.length,
            products: catalog.products.length,
            movements: summary.total,
            by_type: summary.byType,
            days,
            integrity_ok: integrity.ok,
            seconds,
            engine: database.engine,
          },
          [
            `Tienda de demostración cargada en ${seconds} s (${database.engine}):`,
            `  ${catalog.suppliers.length} proveedores, ${catalog.products.length} productos`,
            `  ${summary.total} movimientos en ${days} días (ingresos ${summary.byType.in}, ventas ${summary.byType.out}, ajustes ${summary.byType.adjust})`,
            `  Integridad del libro de stock: ${integrity.ok ? 'correcta' : 'CON DIFERENCIAS'}`,
          ].join('\n'),
        );
        if (!integrity.ok) process.exitCode = 1;
      });
    });
}
