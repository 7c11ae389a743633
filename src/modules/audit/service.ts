// The audit module: reading the trail, sealing and verifying the chain, signed checkpoints, and
// the alerts the anomaly rules raise. The machinery lives in platform/audit; this service puts
// it together with the configuration and is what the routes, the jobs and the CLI call.
import path from 'node:path';
import type { Config } from '../../config.ts';
import type { Database } from '../../platform/db/types.ts';
import type { Logger } from '../../platform/observability/logger.ts';
import { decodeCursor, pageOf } from '../../platform/http/pagination.ts';
import { zonedDayBounds } from '../../platform/time/zone.ts';
import type { AuditContext, AuditWriter } from '../../platform/audit/writer.ts';
import { pendingCount, readHead, sealPending, type SealResult } from '../../platform/audit/sealer.ts';
import { verifyChain, type VerifyOptions, type VerifyReport } from '../../platform/audit/verifier.ts';
import { CHECKPOINT_DIR_NAME, createCheckpointStore, fileSeedProvider, type Checkpoint, type SeedProvider } from '../../platform/audit/checkpoints.ts';
import { defaultRuleConfig, type RuleConfig } from '../../platform/audit/rules.ts';
import { runAnomalyRules, type AnomalyRunResult } from '../../platform/audit/anomaly.ts';
import { countAlerts, findAlert, listAlerts, transitionAlert, type AlertRow } from '../../platform/audit/alerts.ts';
import { createAlertDelivery, postWithRetry, type RetryPolicy } from '../../platform/audit/webhook.ts';
import { auditChainOk, auditEventsSealed, auditLastCheckpointSeconds, auditPendingEvents } from '../../platform/observability/metrics.ts';
import { createAuditRepo } from './repo.ts';
import { AuditErrors } from './errors.ts';
import type { AlertListQuery, EventListQuery } from './schemas.ts';

// With the head unchanged, a checkpoint is still written this often: it shows the sealer is alive
// and lets an auditor date the last moment the chain was known good.
const PERIODIC_CHECKPOINT_MS = 60 * 60_000;

export interface AuditServiceOptions {
  database: Database;
  config: Config;
  writer: AuditWriter;
  /**
   * The Ed25519 seed for checkpoints. Wire `() => crypto.deriveKey('audit.checkpoint.ed25519', 32)`
   * (WP1's key service); without it a random seed file in the data directory is used.
   */
  checkpointSeed?: SeedProvider;
  /** The alert webhook HMAC key when ALERT_WEBHOOK_SECRET is unset (derived from the master key). */
  alertWebhookKey?: () => Buffer | Promise<Buffer>;
  /** Thresholds and store hours; from config by default. */
  ruleConfig?: RuleConfig;
  alertRetry?: RetryPolicy;
  verifyOptions?: Omit<VerifyOptions, 'checkpoints'>;
  logger?: Logger;
}

export function createAuditService(options: AuditServiceOptions) {
  const { database, config, writer, logger } = options;
  const checkpoints = createCheckpointStore({
    dir: path.join(config.dataDir, CHECKPOINT_DIR_NAME),
    seed: options.checkpointSeed ?? fileSeedProvider(config.dataDir),
  });
  const ruleConfig = options.ruleConfig ?? defaultRuleConfig(config.timezone, config.audit.storeHours);
  const webhookKey = config.audit.alertWebhookSecret
    ? () => Buffer.from(config.audit.alertWebhookSecret!, 'utf8')
    : options.alertWebhookKey;
  const delivery =
    config.audit.alertWebhookUrl && webhookKey
      ? createAlertDelivery({ database, url: config.audit.alertWebhookUrl, key: webhookKey, ...(options.alertRetry ? { retry: options.alertRetry } : {}), ...(logger ? { logger } : {}) })
      : undefined;
  let lastCheckpoint: { position: number; at: number } | undefined;

  const rangeOf = (from: string | undefined, to: string | undefined) => {
    const start = from ? (from.length === 10 ? zonedDayBounds(from, config.timezone).start : new Date(from)) : undefined;
    const end = to ? (to.length === 10 ? new Date(zonedDayBounds(to, config.timezone).end.getTime() - 1) : new Date(to)) : undefined;
    if (start && end && start > end) throw AuditErrors.emptyRange();
    return { start, end };
  };

  async function seal(): Promise<SealResult> {
    const result = await sealPending(database);
    auditEventsSealed.inc(result.sealed);
    auditPendingEvents.set(await pendingCount(database.db));
    return result;
  }

  async function deliverAlerts() {
    return delivery ? delivery.deliverDue() : null;
  }

  return {
    checkpoints,
    ruleConfig,

    async listEvents(query: EventListQuery) {
      const { start, end } = rangeOf(query.from, query.to);
      const before = decodeCursor(query.cursor, 1)?.[0];
      if (before !== undefined && !/^\d{1,18}$/.test(before)) throw AuditErrors.badCursor();
      const rows = await createAuditRepo(database.db).listEvents({
        actor: query.actor,
        action: query.action,
        outcome: query.outcome,
        from: start,
        to: end,
        beforeSeq: before === undefined ? undefined : BigInt(before),
        limit: query.limit,
      });
      return pageOf(rows, query.limit, (r) => [r.seq.toString()]);
    },

    /** Every event in [from, to], oldest first, in batches (reports). */
    async *eventsInRange(from: string | undefined, to: string | undefined, batchSize = 2000) {
      const { start, end } = rangeOf(from, to);
      let after: bigint | undefined;
      for (;;) {
        const rows = await createAuditRepo(database.db).listEvents({ from: start, to: end, ascending: true, afterSeq: after, limit: batchSize });
        yield* rows.slice(0, batchSize);
        if (rows.length <= batchSize) return;
        after = rows[batchSize - 1]!.seq;
      }
    },

    seal,

    /** Seals what is pending, recomputes the chain, records the verification as an event. */
    async verify(ctx: AuditContext): Promise<VerifyReport> {
      await seal();
      const report = await verifyChain(database, { ...options.verifyOptions, checkpoints });
      auditChainOk.set(report.ok ? 1 : 0);
      await writer.record(database.db, ctx, {
        action: 'audit.chain.verify',
        resource: null,
        outcome: report.ok ? 'success' : 'failure',
        details: {
          events_checked: report.events_checked,
          head_position: report.head_position,
          head_hash: report.head_hash,
          first_bad_seq: report.first_bad_seq,
          problems: [...new Set(report.problems.map((p) => p.kind))],
        },
      });
      if (!report.ok) logger?.error({ first_bad_seq: report.first_bad_seq, problems: report.problems.length }, 'audit chain verification failed');
      return report;
    },

    /** Writes a signed checkpoint when the head moved (at most every interval) or hourly. */
    async checkpointIfDue(now = new Date()): Promise<Checkpoint | null> {
      const head = await readHead(database.db);
      if (!head) return null;
      if (!lastCheckpoint) {
        const latest = checkpoints.list().flatMap((s) => (s.checkpoint ? [s.checkpoint] : [])).pop();
        if (latest) lastCheckpoint = { position: latest.seal_position, at: Date.parse(latest.at) };
      }
      const since = lastCheckpoint ? now.getTime() - lastCheckpoint.at : Infinity;
      const moved = head.position !== lastCheckpoint?.position;
      if (!(moved && since >= config.audit.checkpointIntervalSeconds * 1000) && since < PERIODIC_CHECKPOINT_MS) return null;
      const checkpoint = await checkpoints.write(head, now);
      lastCheckpoint = { position: checkpoint.seal_position, at: now.getTime() };
      auditLastCheckpointSeconds.set(now.getTime() / 1000);
      if (config.audit.checkpointWebhookUrl) {
        void postWithRetry(config.audit.checkpointWebhookUrl, JSON.stringify({ type: 'inventario.audit.checkpoint', checkpoint }), {
          what: 'audit checkpoint',
          ...(logger ? { logger } : {}),
        });
      }
      return checkpoint;
    },

    /** Evaluates the anomaly rules as of `now`; new alerts are then sent if a webhook is set. */
    async runRules(now = new Date()): Promise<AnomalyRunResult> {
      const result = await runAnomalyRules(database, writer, ruleConfig, { now, deliver: Boolean(delivery) });
      if (result.raised.length > 0 && delivery) {
        deliverAlerts().catch((err: unknown) => logger?.error({ err }, 'alert delivery failed'));
      }
      return result;
    },

    deliverAlerts,

    async listAlerts(query: AlertListQuery) {
      const cursor = decodeCursor(query.cursor, 2);
      if (cursor && (Number.isNaN(Date.parse(cursor[0]!)) || !/^[0-9a-f-]{36}$/.test(cursor[1]!))) throw AuditErrors.badCursor();
      const before = cursor ? { at: new Date(cursor[0]!), id: cursor[1]! } : undefined;
      const rows = await listAlerts(database.db, { status: query.status, severity: query.severity, rule: query.rule, before, limit: query.limit });
      return pageOf(rows, query.limit, (r) => [r.at.toISOString(), r.id]);
    },

    /** Alerts nobody has acknowledged or closed yet. */
    openAlertCount: () => countAlerts(database.db, 'open'),

    async getAlert(id: string): Promise<AlertRow> {
      const row = await findAlert(database.db, id);
      if (!row) throw AuditErrors.alertNotFound();
      return row;
    },

    async transitionAlert(id: string, to: 'acknowledged' | 'closed', ctx: AuditContext, note: string | null): Promise<AlertRow> {
      const result = await transitionAlert(database, writer, id, to, ctx, note);
      if (result.kind === 'not_found') throw AuditErrors.alertNotFound();
      if (result.kind === 'invalid') throw AuditErrors.invalidTransition(result.row.status, to);
      return result.row;
    },
  };
}

export type AuditService = ReturnType<typeof createAuditService>;
