// Results: the result types, latency summaries, merging slices, the comparisons against the
// targets and bench/results/*.json. Tables and docs/performance.md are rendered in render.ts.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT, type CpuSplit } from './server.ts';
import type { SqlCheck } from './sql-check.ts';

export type Engine = 'pg' | 'pglite';
/** What `--only` accepts; `customers` runs both (g) scenarios. */
export const SELECTIONS = ['spread', 'hot', 'products', 'levels', 'rate', 'paced', 'audit', 'customers'] as const;
export type Selection = (typeof SELECTIONS)[number];
export type ScenarioId = Exclude<Selection, 'customers'> | 'customer-create' | 'customer-read';
/** `api-no-audit`: the API of a second server started with INVENTARIO_BENCH_DISABLE_AUDIT=true. */
export type Source = 'api' | 'direct' | 'api-no-audit';

export const SOURCE_LABELS: Record<Source, string> = { api: 'API', direct: 'direct SQL', 'api-no-audit': 'API, audit off' };

export const SCENARIO_LABELS: Record<ScenarioId, string> = {
  spread: '(a) POST movement, 1,000 products',
  hot: '(b) POST movement, 1 hot product',
  products: '(c) GET /products (default page)',
  levels: '(d) GET /stock/levels (default page)',
  rate: '(e) POST movement @ fixed rate (autocannon overallRate)',
  paced: "(e') POST movement @ fixed rate, evenly paced",
  audit: '(f) POST movement, 1,000 products: audit on / off',
  'customer-create': '(g) POST /customers (encrypt, audit)',
  'customer-read': "(g') GET /customers/{id} (decrypt, audit)",
};

export interface Latency {
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

export interface ScenarioResult {
  engine: Engine;
  scenario: ScenarioId;
  source: Source;
  connections: number;
  /** Requested rate for the fixed-rate scenarios. */
  targetRate?: number;
  durationS: number;
  /** Successful operations (2xx for the API). */
  ok: number;
  /** Non-2xx answers and transport errors / failed transactions. */
  failed: number;
  statusCodes?: Record<string, number>;
  rps: number;
  latencyMs: Latency;
  /** 1-minute load average when the scenario ended: how busy the machine was. */
  load1: number;
  /** Where the CPU went during the measured window (Linux only). */
  cpu?: CpuSplit;
  /** How many interleaved slices the measurement was split into. */
  rounds?: number;
  /** Raw latency samples (ms); used for merging slices, not written to the JSON. */
  samples?: number[];
}

/** One result out of several slices of the same scenario and source. */
export function mergeResults(parts: ScenarioResult[]): ScenarioResult {
  if (parts.length === 1) return parts[0]!;
  const first = parts[0]!;
  const samples = parts.flatMap((p) => p.samples ?? []);
  const statusCodes: Record<string, number> = {};
  for (const p of parts) for (const [code, n] of Object.entries(p.statusCodes ?? {})) statusCodes[code] = (statusCodes[code] ?? 0) + n;
  const ok = parts.reduce((a, p) => a + p.ok, 0);
  const durationS = parts.reduce((a, p) => a + p.durationS, 0);
  return {
    ...first,
    durationS,
    ok,
    failed: parts.reduce((a, p) => a + p.failed, 0),
    ...(first.statusCodes ? { statusCodes } : {}),
    rps: ok / durationS,
    latencyMs: summarize(samples),
    load1: parts[parts.length - 1]!.load1,
    rounds: parts.length,
    samples,
  };
}

export interface Comparison {
  engine: Engine;
  scenario: ScenarioId;
  apiRps: number;
  directRps: number;
  ratio: number;
  target?: number;
  pass?: boolean;
}

export interface LatencyCheck {
  engine: Engine;
  scenario: ScenarioId;
  p99: number;
  /** Only the evenly paced run carries the target: autocannon's (e) offers bursts, not 200 req/s. */
  targetP99?: number;
  pass?: boolean;
}

/** (f): throughput of the normal server over the one with audit off, same traffic, interleaved. */
export interface AuditCheck {
  engine: Engine;
  withAuditRps: number;
  withoutAuditRps: number;
  ratio: number;
  target?: number;
  pass?: boolean;
}

export interface BenchReport {
  startedAt: string;
  finishedAt: string;
  quick: boolean;
  options: Record<string, unknown>;
  machine: Record<string, unknown>;
  /** Whether the direct-SQL baseline still sends what the API sends (pg runs only). */
  sqlCheck?: SqlCheck;
  results: ScenarioResult[];
  comparisons: Comparison[];
  latencyChecks: LatencyCheck[];
  /** (f); absent from reports saved before the scenario existed. */
  auditChecks?: AuditCheck[];
}

/** The middle value (the mean of the two middle ones for an even count). */
export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Nearest-rank percentiles over raw samples (milliseconds). */
export function summarize(samples: number[]): Latency {
  if (samples.length === 0) return { p50: NaN, p95: NaN, p99: NaN, max: NaN, mean: NaN };
  const sorted = Float64Array.from(samples).sort();
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
  let sum = 0;
  for (const v of sorted) sum += v;
  return { p50: at(50), p95: at(95), p99: at(99), max: sorted[sorted.length - 1]!, mean: sum / sorted.length };
}

export function machineInfo(extra: Record<string, unknown> = {}): Record<string, unknown> {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? 'unknown',
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    ...extra,
  };
}

export const TARGETS = { spreadRatio: 0.6, rateP99Ms: 25, rate: 200, auditRatio: 0.75 };

export function compare(results: ScenarioResult[]): { comparisons: Comparison[]; latencyChecks: LatencyCheck[]; auditChecks: AuditCheck[] } {
  const comparisons: Comparison[] = [];
  const latencyChecks: LatencyCheck[] = [];
  const auditChecks: AuditCheck[] = [];
  for (const engine of ['pg', 'pglite'] as const) {
    for (const scenario of ['spread', 'hot', 'products', 'levels'] as const) {
      const api = results.find((r) => r.engine === engine && r.scenario === scenario && r.source === 'api');
      const direct = results.find((r) => r.engine === engine && r.scenario === scenario && r.source === 'direct');
      if (!api || !direct || direct.rps === 0) continue;
      const ratio = api.rps / direct.rps;
      const target = engine === 'pg' && scenario === 'spread' ? TARGETS.spreadRatio : undefined;
      comparisons.push({ engine, scenario, apiRps: api.rps, directRps: direct.rps, ratio, ...(target ? { target, pass: ratio >= target } : {}) });
    }
    for (const scenario of ['rate', 'paced'] as const) {
      const r = results.find((x) => x.engine === engine && x.scenario === scenario && x.source === 'api');
      if (r && engine === 'pg') {
        const p99 = r.latencyMs.p99;
        latencyChecks.push(scenario === 'paced' ? { engine, scenario, p99, targetP99: TARGETS.rateP99Ms, pass: p99 < TARGETS.rateP99Ms } : { engine, scenario, p99 });
      }
    }
    const on = results.find((r) => r.engine === engine && r.scenario === 'audit' && r.source === 'api');
    const off = results.find((r) => r.engine === engine && r.scenario === 'audit' && r.source === 'api-no-audit');
    if (on && off && off.rps > 0) {
      const ratio = on.rps / off.rps;
      const target = engine === 'pg' ? TARGETS.auditRatio : undefined;
      auditChecks.push({ engine, withAuditRps: on.rps, withoutAuditRps: off.rps, ratio, ...(target ? { target, pass: ratio >= target } : {}) });
    }
  }
  return { comparisons, latencyChecks, auditChecks };
}

export function writeJson(report: BenchReport): string {
  const dir = path.join(REPO_ROOT, 'bench/results');
  fs.mkdirSync(dir, { recursive: true });
  const latest = path.join(dir, 'latest.json');
  const text = `${JSON.stringify(report, (key, value: unknown) => (key === 'samples' ? undefined : value), 2)}\n`;
  fs.writeFileSync(latest, text);
  fs.writeFileSync(path.join(dir, `${report.startedAt.replace(/[:.]/g, '-')}${report.quick ? '-quick' : ''}.json`), text);
  return latest;
}

