// The scheduled refresh: every FORECAST_REFRESH_SECONDS, on one instance at a time, recompute the
// forecasts that are stale (all of them once a new store day has begun; otherwise only products
// with movements dated before today inserted since). A round that computes nothing logs nothing.
import { startJob } from '../../platform/jobs/scheduler.ts';
import type { Database } from '../../platform/db/types.ts';
import type { Logger } from '../../platform/observability/logger.ts';
import { FORECAST_REFRESH_JOB, type ForecastService } from './service.ts';

export interface ForecastJobOptions {
  database: Database;
  logger: Logger;
  everyMs: number;
  /** Tests: the wait before the first round (15 s: after start-up's own work). */
  firstDelayMs?: number;
}

export function startForecastJobs(forecast: ForecastService, options: ForecastJobOptions): { stop(): void } {
  // A full recompute can take tens of seconds: a session-level lock, not an open transaction.
  return startJob({ name: FORECAST_REFRESH_JOB, everyMs: options.everyMs, firstDelayMs: options.firstDelayMs ?? 15_000, lock: 'session', database: options.database, logger: options.logger }, async () => {
    const result = await forecast.refresh();
    return result.computed > 0 ? { ...result } : undefined;
  });
}
