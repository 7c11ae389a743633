// `inventario serve`: open the database, migrate, make sure an admin can get in, listen, and
// shut down cleanly on SIGTERM/SIGINT (stop accepting, finish in-flight requests, close the
// database, release the data-dir lock).
import fs from 'node:fs';
import { buildApp } from '../app.ts';
import { openDatabase } from '../platform/db/open.ts';
import { analyzeEmbedded, runMigrations } from '../platform/db/migrate.ts';
import { DataDirLockedError } from '../platform/db/data-dir-lock.ts';
import { createLogger } from '../platform/observability/logger.ts';
import { startJob } from '../platform/jobs/scheduler.ts';
import { startAuditJobs } from '../modules/audit/jobs.ts';
import { startForecastJobs } from '../modules/forecast/jobs.ts';
import { startPricingJobs } from '../modules/pricing/jobs.ts';
import { startRetentionJobs } from '../modules/privacy/jobs.ts';
import { startBackupJobs } from '../modules/ops/backup/jobs.ts';
import { createAuditWriter, SYSTEM_CONTEXT } from '../platform/audit/writer.ts';
import type { Config } from '../config.ts';
import type { Database } from '../platform/db/types.ts';
import type { Logger } from '../platform/observability/logger.ts';
import type { Services } from '../services.ts';
import { configOrExit } from './context.ts';
import { fail } from './output.ts';

export interface ServeJobDeps {
  config: Config;
  database: Database;
  logger: Logger;
}

/**
 * Every scheduled job the server runs, started; each is stopped at shutdown. A function of its own
 * so a test can prove the jobs run (test/integration/serve-jobs.test.ts); `firstDelayMs` (tests
 * only) shortens the wait before the first round of the jobs that accept one.
 */
export function startServeJobs(services: Services, deps: ServeJobDeps, timing: { firstDelayMs?: number } = {}): { stop(): void }[] {
  const { config, database, logger } = deps;
  const first = timing.firstDelayMs === undefined ? {} : { firstDelayMs: timing.firstDelayMs };
  return [
    startJob({ name: 'maintenance.hourly', everyMs: 60 * 60_000, database, logger, ...first }, async () => {
      const idempotencyRecords = await services.idempotency.purgeExpired();
      const { sessions } = await services.sessions.purgeExpired();
      // The embedded engine has no autovacuum; keep the planner's statistics fresh.
      await analyzeEmbedded(database);
      return { idempotency_records_removed: idempotencyRecords, sessions_removed: sessions };
    }),
    startAuditJobs(services.auditTrail, { database, logger }),
    startForecastJobs(services.forecast, { database, logger, everyMs: config.forecast.refreshSeconds * 1000, ...first }),
    startPricingJobs(services.pricing, { database, logger, schedule: config.pricing.autoReprice, ...first }),
    startRetentionJobs(services.privacy.retention, { database, logger, intervalHours: config.privacy.retention.intervalHours }),
    startBackupJobs(services.backups, { database, logger, schedule: config.backup.schedule, timezone: config.timezone, ...first }),
  ];
}

export async function serve(): Promise<void> {
  const config = configOrExit();
  const logger = createLogger({ level: config.logLevel });
  let database;
  try {
    database = await openDatabase(config, 'serve');
  } catch (err) {
    if (err instanceof DataDirLockedError) fail(err.message);
    throw err;
  }
  const migrations = await runMigrations(database);
  logger.info({ engine: database.engine, migrations }, 'database ready');

  const https = config.tls
    ? { cert: fs.readFileSync(config.tls.certFile), key: fs.readFileSync(config.tls.keyFile) }
    : undefined;
  const { app, services, inFlight } = await buildApp({ config, database, logger, ...(https ? { https } : {}) });

  if (config.benchDisableAudit) {
    logger.warn('INVENTARIO_BENCH_DISABLE_AUDIT is set: no audit events are written (benchmarks only)');
    // The gap itself is recorded, so the trail shows when and where auditing was switched off.
    await createAuditWriter().record(database.db, { ...SYSTEM_CONTEXT, actor: 'system:serve' }, {
      action: 'audit.writes_disabled',
      outcome: 'success',
      details: { reason: 'INVENTARIO_BENCH_DISABLE_AUDIT' },
    });
  }
  const access = await services.identity.ensureAdminAccess({
    bootstrapKey: config.bootstrapApiKey,
    ...(database.engine === 'pglite' ? { dataDir: config.dataDir } : {}),
  });
  if (access.action === 'bootstrap') logger.info('INVENTARIO_BOOTSTRAP_API_KEY registered as an admin API key');
  if (access.action === 'generated') {
    logger.warn({ file: access.file }, 'no admin API key existed: a new one was written to this file (mode 0600)');
  }

  const jobs = startServeJobs(services, { config, database, logger });

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down: no new connections, finishing in-flight requests');
    const deadline = Date.now() + config.shutdownTimeoutSeconds * 1000;
    const timer = setTimeout(() => {
      logger.error('shutdown timed out; exiting');
      process.exit(1);
    }, config.shutdownTimeoutSeconds * 1000);
    timer.unref();
    try {
      for (const job of jobs) job.stop();
      await app.close();
      // Handlers whose client has gone are not covered by app.close(): let them finish (their
      // work may be committed and the answer kept for an idempotent retry) before the pool closes.
      const abandoned = inFlight.count();
      if (abandoned > 0) {
        logger.info({ handlers: abandoned }, 'waiting for handlers of requests whose client has gone');
        if (!(await inFlight.drained(Math.max(0, deadline - Date.now() - 1000)))) {
          logger.warn({ handlers: inFlight.count() }, 'closing the database with handlers still running');
        }
      }
      await database.close();
      logger.info('stopped');
      process.exit(0);
    } catch (err) {
      logger.error({ err }, 'error during shutdown');
      process.exit(1);
    }
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));

  const address = await app.listen({ port: config.port, host: config.host });
  logger.info({ address, engine: database.engine }, `inventario listening on ${address}`);
}
