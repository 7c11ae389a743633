// The backup service the API, the CLI and the schedule share: make a backup (then copy it to
// BACKUP_COPY_DIR and verify the copy), list the backups directory, apply retention.
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import type { Config } from '../../../config.ts';
import { queryRows, type Database } from '../../../platform/db/types.ts';
import type { AuditContext, AuditWriter } from '../../../platform/audit/writer.ts';
import { dataDirShreddedKeysPath, mergeShreddedKeys, SHREDDED_KEYS_FILE_NAME } from '../../../platform/crypto/shredded-keys.ts';
import { BackupError, FILE_SUFFIX, type BackupManifest } from './format.ts';
import { backupKeysFromConfig } from './keys.ts';
import { peekManifest, scanBackup } from './reader.ts';
import { planBackupRetention } from './retention.ts';
import { backupsDir, createBackup } from './writer.ts';

export const BACKUP_ACTION = 'ops.backup.create';

export interface BackupEntry {
  file: string;
  path: string;
  size: number;
  created_at: string;
  engine: string;
  schema_version: string | null;
  backup_id: string;
  /** The footer and manifest are present (not an interrupted or cut file). */
  complete: boolean;
  row_counts: Record<string, number> | null;
}

export interface BackupCreated {
  file: string;
  size: number;
  manifest: BackupManifest;
  copy: { path: string; verified: boolean; error: string | null } | null;
  duration_ms: number;
}

/** Every backup file in a directory, newest first (header and footer only: no key needed). */
export async function listBackups(dir: string): Promise<BackupEntry[]> {
  let names: string[];
  try {
    names = fs.readdirSync(dir).filter((n) => n.endsWith(FILE_SUFFIX));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const entries: BackupEntry[] = [];
  for (const name of names) {
    const file = path.join(dir, name);
    try {
      const { header, manifest, size } = await peekManifest(file);
      entries.push({
        file: name,
        path: file,
        size,
        created_at: header.created_at,
        engine: header.engine,
        schema_version: header.schema_version,
        backup_id: header.backup_id,
        complete: manifest !== undefined,
        row_counts: manifest?.row_counts ?? null,
      });
    } catch {
      // Not a backup of ours (or unreadable): listed nowhere, deleted by nobody.
    }
  }
  return entries.sort((a, b) => b.created_at.localeCompare(a.created_at));
}

/** Copies a backup aside (write, fsync, rename) and proves the copy decrypts completely. */
export async function copyAndVerify(file: string, copyDir: string, config: Pick<Config, 'masterKey' | 'masterKeyFile' | 'dataDir'>): Promise<{ path: string; verified: boolean; error: string | null }> {
  const dest = path.join(copyDir, path.basename(file));
  try {
    fs.mkdirSync(copyDir, { recursive: true, mode: 0o700 });
    const tmp = `${dest}.partial`;
    fs.copyFileSync(file, tmp);
    fs.chmodSync(tmp, 0o600);
    const fd = fs.openSync(tmp, 'r');
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fs.renameSync(tmp, dest);
    await scanBackup(dest, backupKeysFromConfig(config));
    return { path: dest, verified: true, error: null };
  } catch (err) {
    return { path: dest, verified: false, error: err instanceof Error ? err.message.split('\n')[0]! : String(err) };
  }
}

export interface BackupServiceDeps {
  database: Database;
  config: Config;
  audit: AuditWriter;
}

export function createBackupService({ database, config, audit }: BackupServiceDeps) {
  const dir = backupsDir(config.dataDir);
  let running: Promise<BackupCreated> | undefined;

  async function create(ctx: AuditContext, options: { out?: string; onProgress?: (stage: string, done: number, total: number) => void } = {}): Promise<BackupCreated> {
    const t0 = Date.now();
    try {
      const result = await createBackup({ database, dataDir: config.dataDir, keys: backupKeysFromConfig(config), ...(options.out ? { out: options.out } : {}), ...(options.onProgress ? { onProgress: options.onProgress } : {}) });
      const copy = config.backup.copyDir ? await copyAndVerify(result.file, config.backup.copyDir, config) : null;
      // The register of shredded keys travels with the copies: restoring an older backup after
      // losing this data directory must still not open the keys of people erased since.
      if (config.backup.copyDir) mergeShreddedKeys(dataDirShreddedKeysPath(config.dataDir), path.join(config.backup.copyDir, SHREDDED_KEYS_FILE_NAME));
      const m = result.manifest;
      await audit.record(database.db, ctx, {
        action: BACKUP_ACTION,
        resource: `backup:${m.backup_id}`,
        outcome: 'success',
        details: { file: path.basename(result.file), bytes: result.size, schema_version: m.schema_version, rows: Object.values(m.row_counts).reduce((s, n) => s + n, 0), files: m.files.count, copy_verified: copy ? copy.verified : null },
      });
      return { file: result.file, size: result.size, manifest: m, copy, duration_ms: Date.now() - t0 };
    } catch (err) {
      await audit.record(database.db, ctx, { action: BACKUP_ACTION, resource: null, outcome: 'error', details: { error: err instanceof BackupError ? err.reason : 'failed' } }).catch(() => undefined);
      throw err;
    }
  }

  return {
    dir,
    /** One backup at a time per process: a second request waits for and shares the first. */
    create(ctx: AuditContext, options: Parameters<typeof create>[1] = {}): Promise<BackupCreated> {
      if (running && !options.out) return running;
      const p = create(ctx, options).finally(() => {
        if (running === p) running = undefined;
      });
      if (!options.out) running = p;
      return p;
    },
    list: () => listBackups(dir),

    /** Deletes what the retention policy does not keep (complete backups only; partial files are left alone). */
    async applyRetention(now = new Date()): Promise<{ kept: number; deleted: string[] }> {
      const entries = (await listBackups(dir)).filter((e) => e.complete).map((e) => ({ ...e, createdAt: new Date(e.created_at) }));
      const plan = planBackupRetention(entries, config.backup.retention, now);
      for (const e of plan.remove) fs.rmSync(e.path, { force: true });
      return { kept: plan.keep.length, deleted: plan.remove.map((e) => e.file) };
    },

    /** When the last backup succeeded on any instance (the audit trail is shared). */
    async lastSuccessAt(): Promise<Date | null> {
      const [row] = await queryRows<{ at: Date | string | null }>(database.db, sql`select max(at) as at from audit_events where action = ${BACKUP_ACTION} and outcome = 'success'`);
      return row?.at ? new Date(row.at) : null;
    },
  };
}

export type BackupService = ReturnType<typeof createBackupService>;
