// Results: latency summaries, the console table, bench/results/*.json and the generated section
// of docs/performance.md (between the two markers; the prose around it is written by hand).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT, type CpuSplit } from './server.ts';
import type { SqlCheck } from './sql-check.ts';

export type Engine = 'pg' | 'pglite';
export type ScenarioId = 'spread' | 'hot' | 'products' | 'levels' | 'rate' | 'paced';
export type Source = 'api' | 'direct';

export const SCENARIO_LABELS: Record<ScenarioId, string> = {
  spread: '(a) POST movement, 1,000 products',
  hot: '(b) POST movement, 1 hot product',
  products: '(c) GET /products (default page)',
  levels: '(d) GET /stock/levels (default page)',
  rate: '(e) POST movement @ fixed rate (autocannon overallRate)',
  paced: "(e') POST movement @ fixed rate, evenly paced",
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
  targetP99: number;
  pass: boolean;
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

export const TARGETS = { spreadRatio: 0.6, rateP99Ms: 25, rate: 200 };

export function compare(results: ScenarioResult[]): { comparisons: Comparison[]; latencyChecks: LatencyCheck[] } {
  const comparisons: Comparison[] = [];
  const latencyChecks: LatencyCheck[] = [];
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
        latencyChecks.push({ engine, scenario, p99: r.latencyMs.p99, targetP99: TARGETS.rateP99Ms, pass: r.latencyMs.p99 < TARGETS.rateP99Ms });
      }
    }
  }
  return { comparisons, latencyChecks };
}

const num = (v: number, digits = 1) => (Number.isFinite(v) ? v.toFixed(digits) : '—');
const int = (v: number) => (Number.isFinite(v) ? Math.round(v).toLocaleString('en-US') : '—');

/** Markdown table: one row per engine × scenario × source. */
export function resultsTable(results: ScenarioResult[]): string {
  const head =
    '| engine | scenario | source | req/s | ok | failed | p50 ms | p95 ms | p99 ms | max ms | CPU ms/op: bench · server · pg | CPU busy % (others) | load1 |';
  const rule = '|---|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|';
  const rows = results.map((r) => {
    const label = SCENARIO_LABELS[r.scenario].replace('fixed rate', `${r.targetRate ?? ''} req/s`);
    const c = r.cpu;
    const cpu = c ? [c.benchMsPerOp, c.serverMsPerOp, c.postgresMsPerOp].map((v) => (v === undefined ? '–' : num(v, 2))).join(' · ') : '—';
    const busy = c?.machineBusyPct !== undefined ? `${num(c.machineBusyPct, 0)} (${num(c.othersPct ?? NaN, 0)})` : '—';
    return (
      `| ${r.engine} | ${label} | ${r.source === 'api' ? 'API' : 'direct SQL'} | ${int(r.rps)} | ${int(r.ok)} | ${int(r.failed)} | ` +
      `${num(r.latencyMs.p50)} | ${num(r.latencyMs.p95)} | ${num(r.latencyMs.p99)} | ${num(r.latencyMs.max)} | ${cpu} | ${busy} | ${num(r.load1, 2)} |`
    );
  });
  return [head, rule, ...rows].join('\n');
}

export function comparisonTable(report: Pick<BenchReport, 'comparisons' | 'latencyChecks'>): string {
  const lines = ['| engine | scenario | API req/s | direct req/s | API / direct | target | verdict |', '|---|---|--:|--:|--:|---|---|'];
  for (const c of report.comparisons) {
    const target = c.target !== undefined ? `≥ ${Math.round(c.target * 100)} %` : '—';
    const verdict = c.pass === undefined ? '—' : c.pass ? 'meets' : 'MISSES';
    lines.push(`| ${c.engine} | ${SCENARIO_LABELS[c.scenario]} | ${int(c.apiRps)} | ${int(c.directRps)} | ${Math.round(c.ratio * 100)} % | ${target} | ${verdict} |`);
  }
  for (const l of report.latencyChecks) {
    lines.push(`| ${l.engine} | ${SCENARIO_LABELS[l.scenario].replace('fixed rate', `${TARGETS.rate} req/s`)} | | | p99 ${num(l.p99)} ms | p99 < ${l.targetP99} ms | ${l.pass ? 'meets' : 'MISSES'} |`);
  }
  return lines.join('\n');
}

/** One line per result for the progress log. */
export function resultLine(r: ScenarioResult): string {
  const l = r.latencyMs;
  const failed = r.failed > 0 ? `  FAILED ${r.failed} ${JSON.stringify(r.statusCodes ?? {})}` : '';
  return (
    `  ${SCENARIO_LABELS[r.scenario].padEnd(58)} ${r.source === 'api' ? 'API   ' : 'direct'} ${r.rps.toFixed(0).padStart(6)} req/s  ` +
    `p50 ${l.p50.toFixed(1)}  p95 ${l.p95.toFixed(1)}  p99 ${l.p99.toFixed(1)} ms${failed}  (load ${r.load1.toFixed(2)})`
  );
}

/** Counts of what the server logged (JSON lines at LOG_LEVEL=warn), most frequent first. */
export function serverLogSummary(output: string): string[] {
  const counts = new Map<string, number>();
  for (const line of output.split('\n').filter((l) => l.trim() !== '')) {
    let label = line.slice(0, 120);
    try {
      const e = JSON.parse(line) as { msg?: string; job?: string; level?: number };
      label = `level ${e.level ?? '?'}: ${e.msg ?? ''}${e.job ? ` (job ${e.job})` : ''}`;
    } catch {
      // not a JSON log line
    }
    counts.set(label, (counts.get(label) ?? 0) + 1);
  }
  if (counts.size === 0) return [];
  return ['  the server logged (from the tail of its output):', ...[...counts].sort((a, b) => b[1] - a[1]).map(([label, n]) => `    ${n} × ${label}`)];
}

export function printReport(report: BenchReport): void {
  const out = process.stdout;
  out.write(`\nResults (${report.quick ? 'QUICK smoke run: numbers are not meaningful' : 'full run'}; ${report.finishedAt})\n\n`);
  out.write(`${resultsTable(report.results)}\n\n`);
  out.write(`${comparisonTable(report)}\n\n`);
  if (report.sqlCheck) out.write(`${sqlCheckLine(report.sqlCheck)}\n\n`);
}

function sqlCheckLine(check: SqlCheck): string {
  return check.ok
    ? 'Baseline check: the direct-SQL baseline sends exactly the statements the API sends (captured in-process at the start of the pg run).'
    : `**Baseline check FAILED: the direct-SQL baseline no longer matches the API, so the ratios are not comparable.**\n\n${check.problems.map((p) => `- ${p.replace(/\n\s*/g, ' ')}`).join('\n')}`;
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

export const DOCS_FILE = path.join(REPO_ROOT, 'docs/performance.md');
const START = '<!-- bench:results:start (generated by `npm run bench`; edit outside these markers) -->';
const END = '<!-- bench:results:end -->';

function generatedSection(report: BenchReport): string {
  const m = report.machine;
  const o = report.options;
  const others = report.results.map((r) => r.cpu?.othersPct).filter((v): v is number => v !== undefined);
  const othersMean = others.length > 0 ? others.reduce((a, b) => a + b, 0) / others.length : NaN;
  const noise = !Number.isFinite(othersMean)
    ? 'How busy the machine was could not be measured (no /proc).'
    : othersMean > 5
      ? `**Noisy run:** processes outside the benchmark used on average ${othersMean.toFixed(0)} % of all CPU during the ` +
        'measured windows (column "others"; e.g. other test suites). Re-run on a quiet machine before quoting these numbers.'
      : `Quiet run: processes outside the benchmark used on average ${othersMean.toFixed(1)} % of all CPU during the measured windows.`;
  return [
    START,
    '',
    `**Last run: ${report.finishedAt.slice(0, 16).replace('T', ' ')} UTC** (${report.quick ? 'quick smoke run, ' : ''}` +
      `${o.durationS} s per scenario after ${o.warmupS} s of warm-up, ${o.connections} connections, ${o.products} products` +
      `${Number(o.rounds) > 1 ? `; PostgreSQL (a)–(d) in ${o.rounds} slices alternating API and direct SQL` : ''}). ${noise}`,
    '',
    `Machine: ${m.cpus} × ${m.cpuModel}, ${m.memoryGiB} GiB RAM, ${m.platform}, Node ${m.node}, ` +
      `${m.postgres ?? 'PostgreSQL not used'}, PGlite ${m.pglite}. API database pool: ${o.dbPoolSize ?? 'default (DB_POOL_SIZE=10)'}.`,
    '',
    resultsTable(report.results),
    '',
    '### Against the targets',
    '',
    comparisonTable(report),
    '',
    ...(report.sqlCheck ? [sqlCheckLine(report.sqlCheck), ''] : []),
    END,
  ].join('\n');
}

/** Replaces the generated section of docs/performance.md (creates the file if missing). */
export function writeDocs(report: BenchReport): string {
  const section = generatedSection(report);
  let text = fs.existsSync(DOCS_FILE) ? fs.readFileSync(DOCS_FILE, 'utf8') : `# Performance\n\n## Results\n\n${START}\n${END}\n`;
  const a = text.indexOf(START.slice(0, 30));
  const b = text.indexOf(END);
  text = a >= 0 && b > a ? text.slice(0, a) + section + text.slice(b + END.length) : `${text.trimEnd()}\n\n## Results\n\n${section}\n`;
  fs.mkdirSync(path.dirname(DOCS_FILE), { recursive: true });
  fs.writeFileSync(DOCS_FILE, text);
  return DOCS_FILE;
}
