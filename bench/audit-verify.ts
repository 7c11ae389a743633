// `node --import tsx bench/audit-verify.ts [--events 1000000] [--pg-url URL]`: how long it takes to
// seal and to verify an audit trail of a million events on PostgreSQL.
//
// Creates a scratch database inventario_bench_<random> (dropped at the end), applies the
// migrations, bulk-inserts the events with generate_series (the insert trigger queues them for
// the sealer, as in production), seals them, writes a signed checkpoint, and times a full
// `audit verify` (streamed in batches; peak memory is printed to show it does not grow with N).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import { openPg } from '../src/platform/db/engines.ts';
import { runMigrations } from '../src/platform/db/migrate.ts';
import { queryRows } from '../src/platform/db/types.ts';
import { sealPending } from '../src/platform/audit/sealer.ts';
import { verifyChain } from '../src/platform/audit/verifier.ts';
import { createCheckpointStore, fileSeedProvider } from '../src/platform/audit/checkpoints.ts';
import { createScratchDatabase } from './lib/server.ts';

const { values: args } = parseArgs({
  options: {
    events: { type: 'string', default: '1000000' },
    'pg-url': { type: 'string' },
    batch: { type: 'string', default: '5000' },
    keep: { type: 'boolean', default: false },
  },
  strict: true,
});

const total = Number(args.events);
const batchSize = Number(args.batch);
const adminUrl = args['pg-url'] ?? process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const CHUNK = 100_000;

const seconds = (since: number) => Math.round((performance.now() - since) / 100) / 10;
const mib = (bytes: number) => Math.round(bytes / 1024 / 1024);

async function main(): Promise<void> {
  const scratch = await createScratchDatabase(adminUrl);
  const database = openPg({ url: scratch.url, poolSize: 4, applicationName: 'inventario-bench-audit' });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'inventario-bench-audit-'));
  try {
    await runMigrations(database);
    const [version] = await queryRows<{ v: string }>(database.db, sql`select current_setting('server_version') as v`);
    console.log(`PostgreSQL ${version!.v}, ${os.cpus().length} CPUs, Node ${process.version}; ${total.toLocaleString('en')} events`);

    let started = performance.now();
    for (let from = 1; from <= total; from += CHUNK) {
      const to = Math.min(total, from + CHUNK - 1);
      // Shaped like real events: a movement with ids and quantities, an IP, a request id.
      await database.db.execute(sql`insert into audit_events (id, at, actor, action, resource, outcome, ip, request_id, details)
        select gen_random_uuid(), now() - make_interval(secs => ${total} - g), 'api_key:' || (g % 7),
               (array['stock.movement.create', 'catalog.product.update', 'customers.customer.read'])[g % 3 + 1],
               'product:' || md5(g::text)::uuid, 'success', '10.0.0.' || (g % 250), md5((g * 7)::text),
               jsonb_build_object('type', 'out', 'quantity', (g % 9 + 1)::text, 'movements', jsonb_build_array(md5(g::text)::uuid),
                                  'location_id', md5('MAIN')::uuid)
        from generate_series(${from}::bigint, ${to}::bigint) as g`);
    }
    await database.db.execute(sql`analyze audit_events`);
    await database.db.execute(sql`analyze audit_pending`);
    console.log(`insert:  ${seconds(started)} s`);

    started = performance.now();
    const sealed = await sealPending(database, { batchSize, maxBatches: Number.MAX_SAFE_INTEGER });
    console.log(`seal:    ${seconds(started)} s (${sealed.sealed.toLocaleString('en')} events, ${Math.round(sealed.sealed / ((performance.now() - started) / 1000)).toLocaleString('en')}/s)`);

    const checkpoints = createCheckpointStore({ dir, seed: fileSeedProvider(dir) });
    await checkpoints.write(sealed.head!);
    await database.db.execute(sql`analyze audit_seals`);

    const rssBefore = process.memoryUsage().rss;
    started = performance.now();
    const report = await verifyChain(database, { checkpoints, batchSize });
    const elapsed = seconds(started);
    const peak = process.resourceUsage().maxRSS * 1024;
    console.log(
      `verify:  ${elapsed} s (${report.events_checked.toLocaleString('en')} events, ${Math.round(report.events_checked / elapsed).toLocaleString('en')}/s), ` +
        `ok=${report.ok}, checkpoint matches=${report.last_checkpoint?.matches}; RSS ${mib(rssBefore)} MiB before, peak ${mib(peak)} MiB`,
    );
    if (!report.ok) {
      console.log(JSON.stringify(report.problems.slice(0, 5)));
      process.exitCode = 1;
    }
  } finally {
    await database.close();
    fs.rmSync(dir, { recursive: true, force: true });
    if (args.keep) console.log(`kept ${scratch.url}`);
    else await scratch.drop();
  }
}

await main();
