// `npm run bench:backup -- [--mb 1024] [--engines pglite,pg] [--pg-url URL] [--no-drill] [--no-to-server] [--repeat N]`:
// backup and restore of a store scaled to about --mb megabytes of logical dump, on each engine, the
// embedded backup restored onto server PostgreSQL too (how a shop moves to a server), and the RTO of a
// full disaster-recovery drill (Shamir recovery → restore on a throwaway PostgreSQL cluster →
// ready to serve). Targets (issue 7): restore ≥ 50 MB/s of dump, RTO < 5 min for 1 GB.
//
// The bulk is what grows in a real shop: the stock ledger (one row per receipt, with its
// supplier invoice reference and cost) over a 2,000-product catalogue, levels equal to the
// ledger (so the drill's integrity check passes), and the key tables a started store has.
// Rows are generated server-side with generate_series: filling 1 GB through the API would take
// hours and measure the API, not the backup.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import { configFrom } from '../src/config.ts';
import { openPg, openPglite } from '../src/platform/db/engines.ts';
import { runMigrations } from '../src/platform/db/migrate.ts';
import { queryRows, type Database } from '../src/platform/db/types.ts';
import { createCryptoService } from '../src/platform/crypto/service.ts';
import { splitKey, writeShareFiles } from '../src/platform/crypto/shamir.ts';
import { backupKeysOf } from '../src/modules/ops/backup/format.ts';
import { createBackup } from '../src/modules/ops/backup/writer.ts';
import { restoreBackup } from '../src/modules/ops/backup/restore.ts';
import { runDrill } from '../src/modules/ops/dr/drill.ts';
import { createScratchDatabase } from './lib/server.ts';
import { median } from './lib/report.ts';

const { values: args } = parseArgs({
  options: {
    mb: { type: 'string', default: '256' },
    engines: { type: 'string', default: 'pglite,pg' },
    'pg-url': { type: 'string' },
    'no-drill': { type: 'boolean', default: false },
    'no-to-server': { type: 'boolean', default: false },
    repeat: { type: 'string', default: '1' },
  },
  strict: true,
});
const targetMb = Number(args.mb);
const repeat = Math.max(1, Number(args.repeat) || 1);
const adminUrl = args['pg-url'] ?? process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const PRODUCTS = 2000;
const CHUNK = 100_000;
const secs = (t: number) => (performance.now() - t) / 1000;
const r1 = (n: number) => Math.round(n * 10) / 10;

async function fill(database: Database, masterKey: Buffer): Promise<void> {
  const q = database.db;
  const config = configFrom({ INVENTARIO_MASTER_KEY: masterKey.toString('base64') });
  const crypto = createCryptoService({ config, database });
  await crypto.ready();
  await q.execute(sql`insert into products (id, sku, name, category, unit, cost_price, sale_price, min_stock)
    select gen_random_uuid(), 'SKU-' || g, 'Producto de almacén número ' || g, 'Almacén', 'unit', (100 + g % 900)::numeric, (150 + g % 1300)::numeric, 3
    from generate_series(1, ${sql.raw(String(PRODUCTS))}) g`);
  // Bytes per ledger row in the dump, measured on a first chunk; then enough chunks for --mb.
  const [loc] = await queryRows<{ id: string }>(q, sql`select id::text as id from locations limit 1`);
  const insertChunk = (from: number, to: number) =>
    q.execute(sql`insert into stock_movements (id, product_id, location_id, type, quantity, on_hand_before, on_hand_after, unit_cost, reason, reference, actor, created_at)
      select gen_random_uuid(), p.id, ${loc!.id}::uuid, 'in', 1, (g / ${sql.raw(String(PRODUCTS))})::int, (g / ${sql.raw(String(PRODUCTS))})::int + 1, (100 + g % 900)::numeric,
             'Reposición de proveedor', 'FC A 0003-' || lpad(g::text, 8, '0'), 'api_key:01951f3e-bench', now() - make_interval(mins => g % 500000)
      from generate_series(${from}::int, ${to}::int) g join (select id, row_number() over (order by sku) - 1 as n from products) p on p.n = g % ${sql.raw(String(PRODUCTS))}`);
  await insertChunk(0, CHUNK - 1);
  const [size] = await queryRows<{ b: string }>(q, sql`select avg(length(t::text))::int + 3 as b from (select * from stock_movements limit 2000) t`);
  const rows = Math.max(CHUNK, Math.round((targetMb * 1e6) / Number(size!.b)));
  for (let from = CHUNK; from < rows; from += CHUNK) {
    await insertChunk(from, Math.min(rows, from + CHUNK) - 1);
    process.stderr.write(`\r  filled ${Math.min(rows, from + CHUNK).toLocaleString()} / ${rows.toLocaleString()} ledger rows`);
  }
  process.stderr.write('\n');
  await q.execute(sql`insert into stock_levels (product_id, location_id, on_hand)
    select product_id, location_id, sum(quantity) from stock_movements group by 1, 2`);
}

interface EngineResult {
  engine: string;
  dump_mb: number;
  file_mb: number;
  backup_s: number;
  backup_mb_s: number;
  restore_s: number;
  restore_mb_s: number;
  restore_runs_s: number[];
  restore_verify_s: number;
  restore_load_s: number;
  /** The embedded engine's backup restored onto server PostgreSQL. */
  to_server_s: number | null;
  to_server_mb_s: number | null;
  to_server_runs_s: number[];
  drill_rto_s: number | null;
  drill_total_s: number | null;
  drill_ok: boolean | null;
}

async function openEngine(engine: string, dir: string): Promise<{ database: Database; drop: () => Promise<void> }> {
  if (engine === 'pglite') {
    const database = await openPglite({ dataDir: path.join(dir, `pg-${randomBytes(3).toString('hex')}`) });
    return { database, drop: () => database.close() };
  }
  const scratch = await createScratchDatabase(adminUrl);
  const database = openPg({ url: scratch.url, poolSize: 4 });
  return { database, drop: async () => { await database.close(); await scratch.drop(); } };
}

async function benchEngine(engine: string): Promise<EngineResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `inventario-bench-backup-${engine}-`));
  const masterKey = randomBytes(32);
  const keys = backupKeysOf(masterKey);
  const source = await openEngine(engine, dir);
  try {
    await runMigrations(source.database);
    process.stderr.write(`${engine}: filling to ~${targetMb} MB of dump\n`);
    await fill(source.database, masterKey);
    const t0 = performance.now();
    const made = await createBackup({ database: source.database, dataDir: dir, keys });
    const backupS = secs(t0);
    await source.drop();
    const dumpMb = made.manifest.content_bytes / 1e6;
    process.stderr.write(`${engine}: backup ${r1(dumpMb)} MB of dump → ${r1(made.size / 1e6)} MB file in ${r1(backupS)} s\n`);

    // Each restore goes into a fresh database of its engine; with --repeat N the median is reported.
    const timeRestore = async (into: string, n: number) => {
      const target = await openEngine(into, dir);
      await runMigrations(target.database);
      const t = performance.now();
      const result = await restoreBackup({ file: made.file, keys, target: target.database, dataDir: path.join(dir, `restored-${into}-${n}`) });
      const s = secs(t);
      await target.drop();
      return { s, result };
    };
    const restores: number[] = [];
    // The verify / load split shown is the last run's.
    let restored!: Awaited<ReturnType<typeof restoreBackup>>;
    for (let n = 0; n < repeat; n++) {
      const run = await timeRestore(engine, n);
      restores.push(run.s);
      restored = run.result;
      process.stderr.write(`${engine}: restore in ${r1(run.s)} s (verify ${r1(restored.verify_ms / 1000)} s, load ${r1(restored.load_ms / 1000)} s)\n`);
    }
    const restoreS = median(restores);

    const toServer: number[] = [];
    if (engine === 'pglite' && !args['no-to-server']) {
      for (let n = 0; n < repeat; n++) {
        const run = await timeRestore('pg', n);
        toServer.push(run.s);
        process.stderr.write(`${engine}: restore onto server PostgreSQL in ${r1(run.s)} s\n`);
      }
    }
    const toServerS = toServer.length ? median(toServer) : null;

    let drill: { rto: number | null; total: number; ok: boolean } | null = null;
    if (!args['no-drill']) {
      const shares = writeShareFiles(path.join(dir, 'shares'), await splitKey(masterKey, { shares: 3, threshold: 2, keyVersion: null }));
      const t2 = performance.now();
      const { report } = await runDrill({ config: configFrom({ INVENTARIO_DATA_DIR: dir }), shareFiles: shares.slice(0, 2), backupFile: made.file, target: 'auto', decryptSample: 20 });
      drill = { rto: report.rto_seconds, total: secs(t2), ok: report.ok };
      process.stderr.write(`${engine}: drill on ${report.target.kind}: ${report.ok ? 'passed' : `FAILED at ${report.failed_step}`}, RTO ${r1(report.rto_seconds ?? 0)} s, whole drill ${r1(drill.total)} s\n`);
    }
    return {
      engine,
      dump_mb: r1(dumpMb),
      file_mb: r1(made.size / 1e6),
      backup_s: r1(backupS),
      backup_mb_s: r1(dumpMb / backupS),
      restore_s: r1(restoreS),
      restore_runs_s: restores.map(r1),
      restore_mb_s: r1(dumpMb / restoreS),
      restore_verify_s: r1(restored.verify_ms / 1000),
      restore_load_s: r1(restored.load_ms / 1000),
      to_server_s: toServerS === null ? null : r1(toServerS),
      to_server_mb_s: toServerS === null ? null : r1(dumpMb / toServerS),
      to_server_runs_s: toServer.map(r1),
      drill_rto_s: drill?.rto === null || drill === null ? null : r1(drill.rto),
      drill_total_s: drill ? r1(drill.total) : null,
      drill_ok: drill?.ok ?? null,
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const results: EngineResult[] = [];
  for (const engine of args.engines.split(',').map((e) => e.trim()).filter(Boolean)) results.push(await benchEngine(engine));
  process.stdout.write(
    [
      `| engine | dump MB | file MB | backup s (MB/s) | restore s (MB/s) | verify / load s | onto server PostgreSQL s (MB/s) | drill RTO s | whole drill s |`,
      '|---|---|---|---|---|---|---|---|---|',
      ...results.map(
        (r) =>
          `| ${r.engine} | ${r.dump_mb} | ${r.file_mb} | ${r.backup_s} (${r.backup_mb_s}) | ${r.restore_s} (${r.restore_mb_s}) | ${r.restore_verify_s} / ${r.restore_load_s} | ` +
          `${r.to_server_s === null ? '-' : `${r.to_server_s} (${r.to_server_mb_s})`} | ${r.drill_rto_s ?? '-'} | ${r.drill_total_s ?? '-'}${r.drill_ok === false ? ' FAILED' : ''} |`,
      ),
      '',
      JSON.stringify({ target_mb: targetMb, cpus: os.cpus().length, results }),
      '',
    ].join('\n'),
  );
}

await main();
