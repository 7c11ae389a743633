// The scheduled refresh: every FORECAST_REFRESH_SECONDS, on one instance at a time, recompute the
// forecasts that are stale (all of them once a new store day has begun; otherwise only products
// with movements dated before today inserted since). A round that computes nothing logs nothing.
import { startJob } from '../../platform/jobs/scheduler.ts';
import type { Database } from '../../platform/db/types.ts';
import type { Logger } from '../../platform/observability/logger.ts';
import type { ForecastService } from './service.ts';

export function startForecastJobs(forecast: ForecastService, options: { database: Database; logger: Logger; everyMs: number }): { stop(): void } {
  // A full recompute can take tens of seconds: a session-level lock, not an open transaction.
  return startJob({ name: 'forecast.refresh', everyMs: options.everyMs, firstDelayMs: 15_000, lock: 'session', database: options.database, logger: options.logger }, async () => {
    const result = await forecast.refresh();
    return result.computed > 0 ? { ...result } : undefined;
  });
}
