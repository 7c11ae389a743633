// The backups data class: the backup module owns its files and its grandfather-father-son rotation
// (planBackupRetention); retention only counts what the rotation would delete and, when applying,
// asks the backup service to delete it — the same rule the backup job applies after each backup.
import { planBackupRetention } from '../ops/backup/retention.ts';
import type { BackupService } from '../ops/backup/service.ts';
import type { BackupRotation } from './retention-policy.ts';

export interface BackupRetentionSource {
  rotation: BackupRotation;
  /** Complete backups the rotation would delete now. */
  due(now: Date): Promise<number>;
  /** Deletes them; returns how many. */
  apply(now: Date): Promise<number>;
}

export function backupRetentionSource(backups: () => Pick<BackupService, 'list' | 'applyRetention'>, rotation: BackupRotation): BackupRetentionSource {
  return {
    rotation,
    async due(now) {
      const entries = (await backups().list()).filter((e) => e.complete).map((e) => ({ createdAt: new Date(e.created_at) }));
      return planBackupRetention(entries, rotation, now).remove.length;
    },
    async apply(now) {
      return (await backups().applyRetention(now)).deleted.length;
    },
  };
}
