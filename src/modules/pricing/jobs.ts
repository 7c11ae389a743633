// The scheduled reprice (PRICING_AUTO_REPRICE_DAYS, off by default). Every few minutes one
// instance (advisory lock, src/platform/jobs/scheduler.ts) checks whether today's run is due; the
// run itself is unique per store-calendar day in the database, so a restart, a second instance or
// a late check never reprices the same day twice, and a server that was down at the hour catches
// up on the same day when it comes back.
import { startJob } from '../../platform/jobs/scheduler.ts';
import type { Database } from '../../platform/db/types.ts';
import type { Logger } from '../../platform/observability/logger.ts';
import type { PricingService, RepriceSchedule } from './service.ts';

export interface PricingJobOptions {
  database: Database;
  logger: Logger;
  schedule: RepriceSchedule | undefined;
  checkEveryMs?: number;
  /** Tests: the wait before the first check (30 s by default). */
  firstDelayMs?: number;
}

export function startPricingJobs(pricing: PricingService, options: PricingJobOptions): { stop(): void } {
  const { schedule } = options;
  if (!schedule) return { stop() {} };
  options.logger.info({ job: 'pricing.reprice', days: schedule.days, at: schedule.at }, 'scheduled reprice enabled');
  return startJob(
    { name: 'pricing.reprice', everyMs: options.checkEveryMs ?? 5 * 60_000, firstDelayMs: options.firstDelayMs ?? 30_000, database: options.database, logger: options.logger },
    async () => pricing.runScheduled(schedule),
  );
}
