// The disaster-recovery drill. Without touching production: recover the master key from Shamir
// shares (not from the live keyring) and prove it with its key check value; restore the newest
// backup onto a scratch target; check rows, ledger, audit chain (against production's signed
// checkpoints up to the backup's head) and a sample of customers' personal data; measure RTO and
// RPO; destroy the target (the loss); write the report; record an audit event in production when
// production's database can be opened (not while a server holds the embedded one).
import fs from 'node:fs';
import path from 'node:path';
import { uuidv7 } from 'uuidv7';
import type { Config } from '../../../config.ts';
import { CHECKPOINT_DIR_NAME } from '../../../platform/audit/checkpoints.ts';
import { createAuditWriter, type AuditContext } from '../../../platform/audit/writer.ts';
import { openDatabase } from '../../../platform/db/open.ts';
import { DataDirLockedError } from '../../../platform/db/data-dir-lock.ts';
import { readShareFile, recoverKey, type RecoveredKey } from '../../../platform/crypto/shamir.ts';
import { checkRestored, loadCrypto, replayErasures, type CheckStep } from '../backup/checks.ts';
import { backupKeysOf, BackupError } from '../backup/format.ts';
import { peekManifest } from '../backup/reader.ts';
import { restoreBackup, type RestoreResult } from '../backup/restore.ts';
import { listBackups } from '../backup/service.ts';
import { backupsDir } from '../backup/writer.ts';
import { createScratchTarget, type ScratchKind, type ScratchTarget } from './scratch.ts';
import { writeDrillReport, type DrillReport } from './report.ts';

export const DRILL_ACTION = 'ops.dr.drill';

export interface DrillOptions {
  config: Config;
  shareFiles: string[];
  /** A specific backup; the newest complete one in backupsDir otherwise. */
  backupFile?: string;
  backupsDir?: string;
  target: ScratchKind | 'auto';
  decryptSample?: number;
  onStep?: (step: string) => void;
  actor?: string;
}

class StepFailed extends Error {}

async function recordInProduction(config: Config, ctx: AuditContext, report: DrillReport): Promise<{ recorded: boolean; detail: string }> {
  if (!config.databaseUrl && !fs.existsSync(path.join(config.dataDir, 'pg'))) {
    return { recorded: false, detail: `no production database at ${config.dataDir} (a drill on another machine)` };
  }
  let database;
  try {
    database = await openDatabase(config, 'dr drill');
  } catch (err) {
    if (err instanceof DataDirLockedError) return { recorded: false, detail: 'the server holds the embedded database; the report file is the record' };
    return { recorded: false, detail: `production database unavailable: ${(err as Error).message.split('\n')[0]}` };
  }
  try {
    await createAuditWriter().record(database.db, ctx, {
      action: DRILL_ACTION,
      resource: `dr_drill:${report.drill_id}`,
      outcome: report.ok ? 'success' : 'failure',
      details: { failed_step: report.failed_step, target: report.target.kind, backup_id: report.backup?.backup_id ?? null, rto_seconds: report.rto_seconds, rpo_seconds: report.rpo_seconds, kcv: report.key?.kcv ?? null },
    });
    return { recorded: true, detail: `audit event ${DRILL_ACTION} in the ${database.engine} database` };
  } catch (err) {
    return { recorded: false, detail: `could not write the audit event: ${(err as Error).message.split('\n')[0]}` };
  } finally {
    await database.close();
  }
}

export async function runDrill(options: DrillOptions): Promise<{ report: DrillReport; files: { json: string; markdown: string } }> {
  const { config } = options;
  const started = new Date();
  const steps: CheckStep[] = [];
  const report: DrillReport = {
    drill_id: uuidv7(),
    ok: false,
    failed_step: null,
    started_at: started.toISOString(),
    finished_at: '',
    target: { kind: options.target, description: 'not created' },
    backup: null,
    key: null,
    rto_seconds: null,
    rpo_seconds: null,
    restore_mb_per_s: null,
    steps,
    audit_event: { recorded: false, detail: 'not attempted' },
  };
  const step = async <T>(name: string, fn: () => Promise<{ value: T; detail: string }>): Promise<T> => {
    options.onStep?.(name);
    const t = Date.now();
    try {
      const { value, detail } = await fn();
      steps.push({ step: name, ok: true, detail, ms: Date.now() - t });
      return value;
    } catch (err) {
      steps.push({ step: name, ok: false, detail: err instanceof Error ? err.message.split('\n')[0]! : String(err), ms: Date.now() - t });
      report.failed_step = name;
      throw new StepFailed(name);
    }
  };

  let recovered: RecoveredKey | undefined;
  let target: ScratchTarget | undefined;
  try {
    recovered = await step('recover_key', async () => {
      if (options.shareFiles.length === 0) throw new Error('no --share files given');
      const r = await recoverKey(options.shareFiles.map((f) => readShareFile(f)));
      report.key = { kcv: r.kcv, key_version: r.keyVersion, shares_used: r.sharesUsed, threshold: r.threshold };
      return { value: r, detail: `${r.sharesUsed} of ${r.total} shares combined; the key matches its key check value ${r.kcv}` };
    });
    const key = recovered.key;
    const file = await step('select_backup', async () => {
      let chosen = options.backupFile;
      if (!chosen) {
        const dir = options.backupsDir ?? backupsDir(config.dataDir);
        chosen = (await listBackups(dir)).find((e) => e.complete)?.path;
        if (!chosen) throw new Error(`no complete backup in ${dir}`);
      }
      const { header, manifest, size } = await peekManifest(chosen);
      if (!manifest) throw new BackupError(`${chosen} is incomplete (no manifest at its end)`, 'truncated');
      if (header.kek_kcv !== recovered!.kcv) throw new BackupError(`the backup was sealed with the master key KCV ${header.kek_kcv}, the shares give KCV ${recovered!.kcv}`, 'wrong_key');
      report.backup = { file: chosen, backup_id: header.backup_id, created_at: header.created_at, engine: header.engine, schema_version: header.schema_version, bytes: size, content_bytes: manifest.content_bytes };
      report.rpo_seconds = (started.getTime() - Date.parse(header.created_at)) / 1000;
      return { value: chosen, detail: `${path.basename(chosen)}, made ${header.created_at} on ${header.engine}` };
    });
    target = await step('provision_target', async () => {
      const t = await createScratchTarget(options.target);
      report.target = { kind: t.kind, description: t.description };
      return { value: t, detail: t.description };
    });
    const scratchConfig: Config = { ...config, dataDir: target.dataDir, databaseUrl: undefined };
    const restoreStart = Date.now();
    const restored: RestoreResult = await step('restore', async () => {
      const r = await restoreBackup({ file, keys: backupKeysOf(key), target: target!.database, dataDir: target!.dataDir });
      return { value: r, detail: `${Object.values(r.row_counts).reduce((s, n) => s + n, 0)} rows in ${Object.keys(r.row_counts).length} tables and ${r.files_restored} invoice file(s); verified in ${(r.verify_ms / 1000).toFixed(1)} s, loaded in ${(r.load_ms / 1000).toFixed(1)} s` };
    });
    const crypto = await step('ready_to_serve', async () => {
      // The recovered key, checked against the restored database's key check values.
      const c = await loadCrypto(target!.database, scratchConfig, { kind: 'single', key, origin: 'the master key recovered from shares' });
      // People erased after the backup was taken are erased again before anything is served.
      const erased = await replayErasures(target!.database, c, config.dataDir);
      return { value: c, detail: `migrations at ${restored.schema_version ?? 'none'}; master key version ${c.activeKey().version} (KCV ${c.activeKey().kcv}) opens the restored keys; ${erased.applied.length} later erasure(s) re-applied` };
    });
    report.rto_seconds = (Date.now() - restoreStart) / 1000;
    report.restore_mb_per_s = restored.manifest.content_bytes / 1e6 / Math.max(report.rto_seconds, 0.001);
    const checks = await checkRestored(
      {
        database: target.database,
        config: scratchConfig,
        manifest: restored.manifest,
        restoredCounts: restored.row_counts,
        schemaVersion: restored.schema_version,
        checkpointsDir: path.join(config.dataDir, CHECKPOINT_DIR_NAME),
        decryptSample: options.decryptSample ?? 20,
      },
      crypto,
    );
    steps.push(...checks);
    const bad = checks.find((c) => !c.ok);
    if (bad) report.failed_step = bad.step;
  } catch (err) {
    if (!(err instanceof StepFailed)) {
      steps.push({ step: 'unexpected', ok: false, detail: err instanceof Error ? err.message.split('\n')[0]! : String(err), ms: 0 });
      report.failed_step ??= 'unexpected';
    }
  } finally {
    recovered?.key.fill(0);
    if (target) {
      const t0 = Date.now();
      const gone = await target.destroy().catch(() => false);
      steps.push({ step: 'loss', ok: gone, detail: gone ? 'scratch target stopped and its data directory deleted' : 'the scratch target could not be removed', ms: Date.now() - t0 });
      if (!gone) report.failed_step ??= 'loss';
    }
  }
  report.ok = report.failed_step === null;
  report.finished_at = new Date().toISOString();
  report.audit_event = await recordInProduction(config, { actor: options.actor ?? 'cli', ip: null, requestId: null }, report);
  const files = writeDrillReport(config.dataDir, report);
  return { report, files };
}
