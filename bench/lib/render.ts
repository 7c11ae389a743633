// Rendering: the console table and progress lines, and the generated section of
// docs/performance.md (between the two markers; the prose around it is written by hand).
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './server.ts';
import type { SqlCheck } from './sql-check.ts';
import { SCENARIO_LABELS, SOURCE_LABELS, TARGETS, type BenchReport, type ScenarioResult } from './report.ts';

const num = (v: number, digits = 1) => (Number.isFinite(v) ? v.toFixed(digits) : '—');
// Truncated to one decimal: a ratio just under its target must not print as the target.
const pct = (ratio: number) => (Number.isFinite(ratio) ? `${(Math.floor(ratio * 1000) / 10).toFixed(1)} %` : '—');
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
      `| ${r.engine} | ${label} | ${r.scenario === 'audit' && r.source === 'api' ? 'API, audit on' : SOURCE_LABELS[r.source]} | ${int(r.rps)} | ${int(r.ok)} | ${int(r.failed)} | ` +
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
    lines.push(`| ${c.engine} | ${SCENARIO_LABELS[c.scenario]} | ${int(c.apiRps)} | ${int(c.directRps)} | ${pct(c.ratio)} | ${target} | ${verdict} |`);
  }
  for (const l of report.latencyChecks) {
    const target = l.targetP99 !== undefined ? `p99 < ${l.targetP99} ms` : '— (bursts at concurrency 16)';
    const verdict = l.pass === undefined ? '—' : l.pass ? 'meets' : 'MISSES';
    lines.push(`| ${l.engine} | ${SCENARIO_LABELS[l.scenario].replace('fixed rate', `${TARGETS.rate} req/s`)} | | | p99 ${num(l.p99)} ms | ${target} | ${verdict} |`);
  }
  return lines.join('\n');
}

/** (f): the normal server against the one with audit off. */
export function auditTable(report: Pick<BenchReport, 'auditChecks'>): string {
  const lines = ['| engine | scenario | with audit req/s | audit off req/s | with / without | target | verdict |', '|---|---|--:|--:|--:|---|---|'];
  for (const a of report.auditChecks ?? []) {
    const target = a.target !== undefined ? `≥ ${Math.round(a.target * 100)} %` : '—';
    const verdict = a.pass === undefined ? '—' : a.pass ? 'meets' : 'MISSES';
    lines.push(`| ${a.engine} | ${SCENARIO_LABELS.audit} | ${int(a.withAuditRps)} | ${int(a.withoutAuditRps)} | ${pct(a.ratio)} | ${target} | ${verdict} |`);
  }
  return lines.join('\n');
}

const SHORT_SOURCE = { api: 'API      ', direct: 'direct   ', 'api-no-audit': 'audit off' } as const;

/** One line per result for the progress log. */
export function resultLine(r: ScenarioResult): string {
  const l = r.latencyMs;
  const failed = r.failed > 0 ? `  FAILED ${r.failed} ${JSON.stringify(r.statusCodes ?? {})}` : '';
  return (
    `  ${SCENARIO_LABELS[r.scenario].padEnd(58)} ${r.scenario === 'audit' && r.source === 'api' ? 'audit on ' : SHORT_SOURCE[r.source]} ${r.rps.toFixed(0).padStart(6)} req/s  ` +
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
  if (report.auditChecks?.length) out.write(`${auditTable(report)}\n\n`);
  if (report.sqlCheck) out.write(`${sqlCheckLine(report.sqlCheck)}\n\n`);
}

function sqlCheckLine(check: SqlCheck): string {
  return check.ok
    ? 'Baseline check: the direct-SQL baseline sends exactly the statements the API sends (captured in-process at the start of the pg run).'
    : `**Baseline check FAILED: the direct-SQL baseline no longer matches the API, so the ratios are not comparable.**\n\n${check.problems.map((p) => `- ${p.replace(/\n\s*/g, ' ')}`).join('\n')}`;
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
      `${Number(o.rounds) > 1 ? `; PostgreSQL (a)–(d) and (f) in ${o.rounds} slices alternating API and direct SQL, or audit on and off` : ''}). ${noise}`,
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
    ...(report.auditChecks?.length ? [auditTable(report), ''] : []),
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
