// The audit trail's scheduled work, each on one instance at a time (PostgreSQL advisory locks):
// seal every second (then checkpoint if due), run the anomaly rules every minute, deliver
// due alert webhooks every few seconds, and verify the whole chain every hour. Rounds never
// overlap, and only rounds that did something are logged (src/platform/jobs/scheduler.ts).
import { startJob } from '../../platform/jobs/scheduler.ts';
import type { Database } from '../../platform/db/types.ts';
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

export function startAuditJobs(audit: AuditService, options: AuditJobOptions): { stop(): void } {
  const { database, logger } = options;
  const job = (name: string, everyMs: number, firstDelayMs: number, lock: 'transaction' | 'session' = 'transaction') => ({
    name,
    everyMs,
    firstDelayMs,
    lock,
    database,
    logger,
  });

  const jobs = [
    startJob(job('audit.seal', options.sealEveryMs ?? 1_000, 500), async () => {
      const sealed = await audit.seal();
      const checkpoint = await audit.checkpointIfDue();
      if (sealed.sealed) logger.debug({ job: 'audit.seal', sealed: sealed.sealed, head: sealed.head?.position }, 'audit events sealed');
      if (checkpoint) {
        logger.info({ job: 'audit.seal', seal_position: checkpoint.seal_position, dir: audit.checkpoints.dir }, 'audit checkpoint written');
      }
      return undefined;
    }),

    startJob(job('audit.anomaly', options.rulesEveryMs ?? 60_000, 10_000), async () => {
      const result = await audit.runRules(new Date());
      for (const alert of result.raised) {
        logger.warn({ job: 'audit.anomaly', alert: alert.id, rule: alert.rule, severity: alert.severity }, 'security alert raised');
      }
      return undefined;
    }),

    startJob(job('audit.alerts.deliver', options.deliverEveryMs ?? 5_000, 5_000), async () => {
      const result = await audit.deliverAlerts();
      return result && result.delivered + result.failed > 0 ? { ...result } : undefined;
    }),

    // A full verification can outlast idle_in_transaction_session_timeout: session-level lock.
    startJob(job('audit.verify', options.verifyEveryMs ?? 60 * 60_000, 60_000, 'session'), async () => {
      const started = Date.now();
      const report = await audit.verify({ actor: 'system:audit-verify', ip: null, requestId: null });
      logger[report.ok ? 'info' : 'error'](
        { job: 'audit.verify', ok: report.ok, events_checked: report.events_checked, first_bad_seq: report.first_bad_seq, ms: Date.now() - started },
        'audit chain verified',
      );
      return undefined;
    }),
  ];

  return {
    stop() {
      for (const j of jobs) j.stop();
    },
  };
}
