// The scheduled retention sweep (RETENTION_INTERVAL_HOURS, 24 by default; 0 = off). Every few
// minutes one instance (advisory lock, src/platform/jobs/scheduler.ts) checks whether a sweep is
// due; the due check reads the last applied run from the database (retention-service.ts).
import { startJob } from '../../platform/jobs/scheduler.ts';
import type { Database } from '../../platform/db/types.ts';
import type { Logger } from '../../platform/observability/logger.ts';
import type { RetentionService } from './retention-service.ts';

export const RETENTION_ACTOR = 'system:retention';

export interface RetentionJobOptions {
  database: Database;
  logger: Logger;
  intervalHours: number;
  checkEveryMs?: number;
}

export function startRetentionJobs(retention: RetentionService, options: RetentionJobOptions): { stop(): void } {
  if (options.intervalHours === 0) return { stop() {} };
  return startJob(
    { name: 'privacy.retention.schedule', everyMs: options.checkEveryMs ?? 10 * 60_000, firstDelayMs: 60_000, database: options.database, logger: options.logger, lock: 'session' },
    async () => {
      const report = await retention.runIfDue({ actor: RETENTION_ACTOR, ip: null, requestId: null });
      if (!report) return undefined;
      return { retention_run: report.id, ...Object.fromEntries(report.classes.map((c) => [`${c.class}_applied`, c.applied])) };
    },
  );
}
