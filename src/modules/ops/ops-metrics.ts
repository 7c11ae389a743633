// Backup and drill metrics, computed at scrape time from the files themselves (the backups
// directory and the drill reports), so they are right on every instance and after a restart.
import { Gauge } from 'prom-client';
import { metricsRegistry } from '../../platform/observability/metrics.ts';
import { listBackups } from './backup/service.ts';
import { backupsDir } from './backup/writer.ts';
import { listDrillReports } from './dr/report.ts';

let dataDir: string | undefined;

/** Points the gauges at a data directory (buildApp does it; the last call wins). */
export function watchOpsFiles(dir: string): void {
  dataDir = dir;
}

async function newestBackupSeconds(): Promise<number | undefined> {
  if (!dataDir) return undefined;
  const newest = (await listBackups(backupsDir(dataDir))).find((e) => e.complete);
  return newest ? Date.parse(newest.created_at) / 1000 : undefined;
}

function newestPassedDrill() {
  return dataDir ? listDrillReports(dataDir).find((r) => r.ok) : undefined;
}

export const backupLastSuccess = new Gauge({
  name: 'inventario_backup_last_success_timestamp_seconds',
  help: 'When the newest complete backup in the backups directory was made (Unix seconds; 0 = none)',
  registers: [metricsRegistry],
  async collect() {
    this.set((await newestBackupSeconds()) ?? 0);
  },
});

export const backupAge = new Gauge({
  name: 'inventario_backup_age_seconds',
  help: 'Age of the newest complete backup (seconds; +Inf when there is none)',
  registers: [metricsRegistry],
  async collect() {
    const at = await newestBackupSeconds();
    this.set(at === undefined ? Number.POSITIVE_INFINITY : Date.now() / 1000 - at);
  },
});

export const drillLastSuccess = new Gauge({
  name: 'inventario_dr_drill_last_success_timestamp_seconds',
  help: 'When the newest passed disaster-recovery drill finished (Unix seconds; 0 = none)',
  registers: [metricsRegistry],
  collect() {
    const r = newestPassedDrill();
    this.set(r ? Date.parse(r.finished_at) / 1000 : 0);
  },
});

export const drillRto = new Gauge({
  name: 'inventario_dr_drill_rto_seconds',
  help: 'Recovery time measured by the newest passed drill (restore start → ready to serve, seconds)',
  registers: [metricsRegistry],
  collect() {
    this.set(newestPassedDrill()?.rto_seconds ?? Number.NaN);
  },
});
