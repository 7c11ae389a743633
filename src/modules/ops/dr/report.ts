// Drill reports: JSON (for machines, metrics and GET /api/v1/dr/reports) and Markdown (for the
// people who sign off the drill), both under $INVENTARIO_DATA_DIR/dr-reports/.
import fs from 'node:fs';
import path from 'node:path';
import type { CheckStep } from '../backup/checks.ts';

export const REPORTS_DIR_NAME = 'dr-reports';

export interface DrillReport {
  drill_id: string;
  ok: boolean;
  failed_step: string | null;
  started_at: string;
  finished_at: string;
  target: { kind: string; description: string };
  backup: { file: string; backup_id: string; created_at: string; engine: string; schema_version: string | null; bytes: number; content_bytes: number } | null;
  key: { kcv: string; key_version: number | null; shares_used: number; threshold: number } | null;
  /** Start of the restore → the restored database is migrated and its key loaded (ready to serve). */
  rto_seconds: number | null;
  /** Age of the newest backup when the drill started: the data a real loss would lose. */
  rpo_seconds: number | null;
  restore_mb_per_s: number | null;
  steps: CheckStep[];
  audit_event: { recorded: boolean; detail: string };
}

export function reportsDir(dataDir: string): string {
  return path.join(dataDir, REPORTS_DIR_NAME);
}

function markdown(r: DrillReport): string {
  const lines = [
    `# Disaster-recovery drill ${r.drill_id}`,
    '',
    `- Result: **${r.ok ? 'PASSED' : `FAILED at step \`${r.failed_step}\``}**`,
    `- Started: ${r.started_at}; finished: ${r.finished_at}`,
    `- Scratch target: ${r.target.kind} — ${r.target.description}`,
    r.backup
      ? `- Backup: \`${r.backup.file}\` (${r.backup.engine}, schema ${r.backup.schema_version ?? 'none'}, made ${r.backup.created_at}, ${(r.backup.bytes / 1e6).toFixed(2)} MB on disk, ${(r.backup.content_bytes / 1e6).toFixed(2)} MB of dump)`
      : '- Backup: none restored',
    r.key ? `- Master key: recovered from ${r.key.shares_used} share(s) (threshold ${r.key.threshold}), KCV ${r.key.kcv}` : '- Master key: not recovered',
    `- RTO (restore start → ready to serve): ${r.rto_seconds === null ? 'n/a' : `${r.rto_seconds.toFixed(1)} s`}`,
    `- RPO (age of the newest backup): ${r.rpo_seconds === null ? 'n/a' : `${Math.round(r.rpo_seconds)} s`}`,
    `- Restore throughput: ${r.restore_mb_per_s === null ? 'n/a' : `${r.restore_mb_per_s.toFixed(1)} MB/s of dump`}`,
    `- Audit event in production: ${r.audit_event.recorded ? 'recorded' : 'NOT recorded'} (${r.audit_event.detail})`,
    '',
    '| step | result | time | detail |',
    '|---|---|---|---|',
    ...r.steps.map((s) => `| ${s.step} | ${s.ok ? 'ok' : '**FAILED**'} | ${(s.ms / 1000).toFixed(2)} s | ${s.detail.replace(/\|/g, '\\|')} |`),
    '',
  ];
  return lines.join('\n');
}

/** Writes both files (0600); returns their paths. */
export function writeDrillReport(dataDir: string, report: DrillReport): { json: string; markdown: string } {
  const dir = reportsDir(dataDir);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const base = path.join(dir, `drill-${report.started_at.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${report.drill_id.slice(-6)}`);
  fs.writeFileSync(`${base}.json`, `${JSON.stringify(report, null, 2)}\n`, { mode: 0o600 });
  fs.writeFileSync(`${base}.md`, markdown(report), { mode: 0o600 });
  return { json: `${base}.json`, markdown: `${base}.md` };
}

/** Every readable report, newest first. */
export function listDrillReports(dataDir: string): DrillReport[] {
  const dir = reportsDir(dataDir);
  let names: string[];
  try {
    names = fs.readdirSync(dir).filter((n) => n.startsWith('drill-') && n.endsWith('.json'));
  } catch {
    return [];
  }
  const out: DrillReport[] = [];
  for (const n of names) {
    try {
      out.push(JSON.parse(fs.readFileSync(path.join(dir, n), 'utf8')) as DrillReport);
    } catch {
      // a damaged report is skipped, not fatal for the list
    }
  }
  return out.sort((a, b) => b.started_at.localeCompare(a.started_at));
}
