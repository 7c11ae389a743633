// The scheduled backup (BACKUP_SCHEDULE). Every minute one instance (advisory lock) compares the
// latest scheduled time with the last successful backup recorded in the audit trail, so a server
// that was down at the hour makes the missed backup when it comes back, and two instances never
// make the same one. Retention runs after each scheduled backup.
import { SYSTEM_CONTEXT } from '../../../platform/audit/writer.ts';
import { parseCron, previousRun } from '../../../platform/jobs/cron.ts';
import { startJob } from '../../../platform/jobs/scheduler.ts';
import type { Database } from '../../../platform/db/types.ts';
import type { Logger } from '../../../platform/observability/logger.ts';
import type { BackupService } from './service.ts';

export interface BackupJobOptions {
  database: Database;
  logger: Logger;
  schedule: string | undefined;
  timezone: string;
  checkEveryMs?: number;
  firstDelayMs?: number;
  now?: () => Date;
}

export function startBackupJobs(backups: BackupService, options: BackupJobOptions): { stop(): void } {
  if (!options.schedule) return { stop() {} };
  const cron = parseCron(options.schedule);
  const now = options.now ?? (() => new Date());
  // This process's own record too, in case the audit trail's clock and ours disagree.
  let madeFor: Date | undefined;
  options.logger.info({ job: 'backup.scheduled', schedule: cron.source }, 'scheduled backups enabled');
  return startJob(
    { name: 'backup.scheduled', everyMs: options.checkEveryMs ?? 60_000, firstDelayMs: options.firstDelayMs ?? 20_000, lock: 'session', database: options.database, logger: options.logger },
    async () => {
      const due = previousRun(cron, now(), options.timezone);
      if (!due || (madeFor && madeFor >= due)) return undefined;
      const last = await backups.lastSuccessAt();
      if (last && last >= due) return undefined;
      const made = await backups.create(SYSTEM_CONTEXT);
      madeFor = due;
      const retention = await backups.applyRetention(now());
      return { file: made.file, bytes: made.size, ms: made.duration_ms, copy_verified: made.copy?.verified ?? null, deleted: retention.deleted.length };
    },
  );
}
