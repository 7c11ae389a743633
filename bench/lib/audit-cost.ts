// (f) What the audit trail costs: (a)'s traffic against the normal server and against a second
// server started with INVENTARIO_BENCH_DISABLE_AUDIT=true (the audit writer becomes a no-op),
// interleaved in slices like the API / direct-SQL pairs, so both sample the same background load.
//
// PostgreSQL: the second server shares the scratch database, the data dir (keyring) and the admin
// key of the first, so both work on the same tables and catalogue. PGlite is single-process: the
// second server gets its own data dir and its own catalogue, seeded through the API like the first.
//
// The normal server also seals its events into the hash chain (a job every second). After each of
// its slices the bench waits until the sealer has caught up, so that sealing left over from one
// slice never runs in the other server's window (the sealing of each slice's last moments is then
// outside both windows: a slight under-count of the audit's cost).
import fs from 'node:fs';
import { cpuSnapshot, makeTempDir, sleep, startServer, type RunningServer } from './server.ts';
import { runApiScenario, seedCatalog, type ApiTarget, type Catalog } from './scenarios.ts';
import { measured, type MeasureOptions, type Side } from './measure.ts';
import type { Engine, ScenarioResult } from './report.ts';
import { serverLogSummary } from './render.ts';

export interface AuditCostInput {
  engine: Engine;
  /** The normal server, its target and catalogue. */
  server: RunningServer;
  target: ApiTarget;
  catalog: Catalog;
  /** PostgreSQL: the scratch database and the data dir the normal server uses (shared). */
  databaseUrl?: string;
  dataDir?: string;
  /** PIDs of the PostgreSQL backends to account CPU to (none on PGlite). */
  backends: () => Promise<number[]>;
  /** PostgreSQL: whether committed events are still waiting for the sealer (audit_pending). */
  sealerBehind?: () => Promise<boolean>;
  connections: number;
  rate: number;
  products: number;
  dbPoolSize?: number;
  /** Registers a cleanup that runs even if the bench fails half-way. */
  defer: (cleanup: () => Promise<unknown>) => void;
}

const FRESH_WARMUP_FACTOR = 5; // JIT and pool of a server that has not served anything yet
const PGLITE_SETTLE_MS = 1_500; // no way to look inside PGlite: a bit more than one sealer period
const DRAIN_TIMEOUT_MS = 30_000;
const DISABLED_LINE = 'INVENTARIO_BENCH_DISABLE_AUDIT is set';

export async function runAuditCost(input: AuditCostInput, o: MeasureOptions): Promise<ScenarioResult[]> {
  const { engine } = input;
  const { log } = o;
  const t0 = Date.now();
  let dataDir = input.dataDir;
  if (!input.databaseUrl || !dataDir) {
    const own = makeTempDir(`${engine}-noaudit`);
    input.defer(async () => fs.rmSync(own, { recursive: true, force: true }));
    dataDir = own;
  }
  const off = await startServer({
    apiKey: input.target.apiKey,
    dataDir,
    ...(input.databaseUrl ? { databaseUrl: input.databaseUrl } : {}),
    ...(input.dbPoolSize ? { dbPoolSize: input.dbPoolSize } : {}),
    env: { INVENTARIO_BENCH_DISABLE_AUDIT: 'true' },
  });
  input.defer(() => off.stop());
  log(`  audit-off server (${engine}) ready in ${((Date.now() - t0) / 1000).toFixed(1)} s at ${off.baseUrl}`);
  const offTarget: ApiTarget = { ...input.target, baseUrl: off.baseUrl };
  let offCatalog = input.catalog;
  if (!input.databaseUrl) {
    const t1 = Date.now();
    offCatalog = await seedCatalog(offTarget, input.products, '1000000');
    log(`  seeded its own ${input.products + 1} products with opening stock in ${((Date.now() - t1) / 1000).toFixed(1)} s`);
  }

  let slowestDrainMs = 0;
  const settle = async () => {
    const started = Date.now();
    if (!input.sealerBehind) return sleep(PGLITE_SETTLE_MS);
    await sleep(100); // responses to requests cut off at the end of the slice
    while (await input.sealerBehind()) {
      if (Date.now() - started > DRAIN_TIMEOUT_MS) {
        log(`  WARNING: the sealer had not caught up ${DRAIN_TIMEOUT_MS / 1000} s after a slice; going on`);
        break;
      }
      await sleep(50);
    }
    slowestDrainMs = Math.max(slowestDrainMs, Date.now() - started);
  };
  const base = { engine, connections: input.connections, rate: input.rate };
  const withAudit: Side = {
    run: (durationS) => runApiScenario(input.target, input.catalog, 'audit', { ...base, durationS }),
    probe: () => cpuSnapshot(input.server.pid, input.backends),
    settle,
  };
  const withoutAudit: Side = {
    run: (durationS) => runApiScenario(offTarget, offCatalog, 'audit', { ...base, durationS, source: 'api-no-audit' }),
    probe: () => cpuSnapshot(off.pid, input.backends),
    warmupS: o.warmupS * FRESH_WARMUP_FACTOR,
  };
  const results = await measured([withAudit, withoutAudit], o);
  if (input.sealerBehind) log(`  waited at most ${slowestDrainMs} ms after a slice of the normal server for its sealer to catch up`);

  await off.stop();
  const output = off.outputTail();
  if (!output.includes(DISABLED_LINE)) log(`  WARNING: the audit-off server did not confirm "${DISABLED_LINE}": is the variable still read?`);
  const other = output.split('\n').filter((l) => !l.includes(DISABLED_LINE)).join('\n');
  for (const line of serverLogSummary(other)) log(`  [audit-off server] ${line.trim()}`);
  return results;
}
