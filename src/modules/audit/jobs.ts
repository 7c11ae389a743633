// The audit trail's scheduled work, each on one instance at a time (PostgreSQL advisory locks):
// seal every second (then checkpoint if due), run the anomaly rules every minute, deliver
// due alert webhooks every few seconds, and verify the whole chain every hour. Rounds never
// overlap, and only rounds that did something are logged.
import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { runExclusive } from '../../platform/jobs/scheduler.ts';
import { queryRows, type Database } from '../../platform/db/types.ts';
import type { Logger } from '../../platform/observability/logger.ts';
import type { AuditService } from './service.ts';

export interface AuditJobOptions {
  database: Database;
  logger: Logger;
  sealEveryMs?: number;
  rulesEveryMs?: number;
  deliverEveryMs?: number;
  verifyEveryMs?: number;
}

/**
 * Like runExclusive, but with a session-level lock on a dedicated connection: a full
 * verification can outlast idle_in_transaction_session_timeout, which would end the
 * transaction runExclusive holds its lock in.
 */
async function runWithSessionLock<T>(database: Database, name: string, fn: () => Promise<T>): Promise<T | undefined> {
  if (database.engine === 'pglite') return fn();
  const id = createHash('sha256').update(`job:${name}`).digest().readBigInt64BE(0).toString();
  return database.withConnection(async (conn) => {
    const [row] = await queryRows<{ locked: boolean }>(conn, sql`select pg_try_advisory_lock(${id}::bigint) as locked`);
    if (!row?.locked) return undefined;
    try {
      return await fn();
    } finally {
      await conn.execute(sql`select pg_advisory_unlock(${id}::bigint)`);
    }
  });
}

export function startAuditJobs(audit: AuditService, options: AuditJobOptions): { stop(): void } {
  const { database, logger } = options;
  const stops: (() => void)[] = [];

  const every = (name: string, everyMs: number, firstDelayMs: number, fn: () => Promise<void>) => {
    let stopped = false;
    let timer: NodeJS.Timeout;
    const schedule = (ms: number) => {
      timer = setTimeout(() => void tick(), ms);
      timer.unref();
    };
    const tick = async () => {
      try {
        await fn();
      } catch (err) {
        // A round cut short by shutdown (database closed under it) is not worth an error line.
        if (!stopped) logger.error({ job: name, err }, 'job failed');
      } finally {
        if (!stopped) schedule(everyMs);
      }
    };
    schedule(firstDelayMs);
    stops.push(() => {
      stopped = true;
      clearTimeout(timer);
    });
  };

  every('audit.seal', options.sealEveryMs ?? 1_000, 500, async () => {
    const result = await runExclusive(database, 'audit.seal', async () => ({ sealed: await audit.seal(), checkpoint: await audit.checkpointIfDue() }));
    if (result?.sealed.sealed) logger.debug({ job: 'audit.seal', sealed: result.sealed.sealed, head: result.sealed.head?.position }, 'audit events sealed');
    if (result?.checkpoint) {
      logger.info({ job: 'audit.seal', seal_position: result.checkpoint.seal_position, dir: audit.checkpoints.dir }, 'audit checkpoint written');
    }
  });

  every('audit.anomaly', options.rulesEveryMs ?? 60_000, 10_000, async () => {
    const result = await runExclusive(database, 'audit.anomaly', () => audit.runRules(new Date()));
    for (const alert of result?.raised ?? []) {
      logger.warn({ job: 'audit.anomaly', alert: alert.id, rule: alert.rule, severity: alert.severity }, 'security alert raised');
    }
  });

  every('audit.alerts.deliver', options.deliverEveryMs ?? 5_000, 5_000, async () => {
    const result = await runExclusive(database, 'audit.alerts.deliver', () => audit.deliverAlerts());
    if (result && result.delivered + result.failed > 0) logger.info({ job: 'audit.alerts.deliver', ...result }, 'alert webhooks delivered');
  });

  every('audit.verify', options.verifyEveryMs ?? 60 * 60_000, 60_000, async () => {
    const started = Date.now();
    const report = await runWithSessionLock(database, 'audit.verify', () => audit.verify({ actor: 'system:audit-verify', ip: null, requestId: null }));
    if (report) {
      logger[report.ok ? 'info' : 'error'](
        { job: 'audit.verify', ok: report.ok, events_checked: report.events_checked, first_bad_seq: report.first_bad_seq, ms: Date.now() - started },
        'audit chain verified',
      );
    }
  });

  return {
    stop() {
      for (const stop of stops) stop();
    },
  };
}
