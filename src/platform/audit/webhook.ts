// Sends alerts (and checkpoints) to webhooks, after commit.
//
// Alerts use the outbox: the alert row itself is inserted with delivery_state 'pending' in the
// transaction that raises it, and any instance delivers due rows afterwards with bounded
// exponential back-off. Why an outbox rather than an in-memory queue: an alert is exactly what
// must not vanish because the process died (or was killed by the attacker) between commit and
// delivery, and with several instances whoever runs the job next picks it up.
//
// Checkpoints use an in-memory retry: the file in the data directory is the durable copy and the
// next checkpoint supersedes a lost one.
import { createHmac } from 'node:crypto';
import type { Database } from '../db/types.ts';
import type { Logger } from '../observability/logger.ts';
import { alertWebhookDeliveries } from '../observability/metrics.ts';
import { claimDueAlerts, markAttemptFailed, markDelivered, type AlertRow } from './alerts.ts';

export const SIGNATURE_HEADER = 'x-inventario-signature';

/** `sha256=<hex HMAC-SHA256 of the exact body bytes>`, as the receiver recomputes it. */
export function signBody(key: Buffer, body: string): string {
  return `sha256=${createHmac('sha256', key).update(body, 'utf8').digest('hex')}`;
}

export async function postJson(url: string, body: string, headers: Record<string, string>, timeoutMs: number): Promise<void> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'user-agent': 'inventario-retail', ...headers },
    body,
    redirect: 'manual',
    signal: AbortSignal.timeout(timeoutMs),
  });
  // Drain the body so the connection is released; its content does not matter.
  await res.arrayBuffer().catch(() => undefined);
  if (res.status < 200 || res.status >= 300) throw new Error(`HTTP ${res.status}`);
}

export interface RetryPolicy {
  /** Total attempts, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 8, baseDelayMs: 2_000, maxDelayMs: 10 * 60_000 };

/** Delay before attempt `attempt + 1` after `attempt` failures; null when out of attempts. */
export function backoffMs(attempt: number, policy: RetryPolicy): number | null {
  if (attempt >= policy.maxAttempts) return null;
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
}

export interface AlertPayload {
  type: 'inventario.audit.alert';
  sent_at: string;
  attempt: number;
  alert: {
    id: string;
    rule: string;
    severity: string;
    at: string;
    actor: string | null;
    summary: string;
    status: string;
    evidence_seqs: unknown;
  };
}

export function alertPayload(row: AlertRow, attempt: number): AlertPayload {
  return {
    type: 'inventario.audit.alert',
    sent_at: new Date().toISOString(),
    attempt,
    alert: {
      id: row.id,
      rule: row.rule,
      severity: row.severity,
      at: row.at.toISOString(),
      actor: row.actor,
      summary: row.summary,
      status: row.status,
      evidence_seqs: row.evidenceSeqs,
    },
  };
}

export interface AlertDeliveryOptions {
  database: Database;
  url: string;
  /** The HMAC key: ALERT_WEBHOOK_SECRET, or one derived from the master key. */
  key: () => Buffer | Promise<Buffer>;
  retry?: RetryPolicy;
  timeoutMs?: number;
  logger?: Logger;
}

export interface AlertDelivery {
  /** Sends every alert now due; returns how many were delivered and how many gave up for good. */
  deliverDue(): Promise<{ delivered: number; failed: number; retrying: number }>;
}

export function createAlertDelivery(options: AlertDeliveryOptions): AlertDelivery {
  const retry = options.retry ?? DEFAULT_RETRY;
  const timeoutMs = options.timeoutMs ?? 5_000;
  // A claim outlives one HTTP attempt comfortably.
  const leaseMs = timeoutMs * 3;
  return {
    async deliverDue() {
      const result = { delivered: 0, failed: 0, retrying: 0 };
      const key = Buffer.from(await options.key());
      for (;;) {
        const due = await claimDueAlerts(options.database.db, 20, leaseMs);
        if (due.length === 0) return result;
        for (const row of due) {
          const body = JSON.stringify(alertPayload(row, row.deliveryAttempts));
          try {
            await postJson(options.url, body, { [SIGNATURE_HEADER]: signBody(key, body), 'x-inventario-delivery': `${row.id}/${row.deliveryAttempts}` }, timeoutMs);
            await markDelivered(options.database.db, row.id);
            alertWebhookDeliveries.inc({ outcome: 'delivered' });
            result.delivered += 1;
          } catch (err) {
            const message = err instanceof Error ? err.message.slice(0, 200) : 'error';
            const next = backoffMs(row.deliveryAttempts, retry);
            await markAttemptFailed(options.database.db, row.id, message, next);
            alertWebhookDeliveries.inc({ outcome: next === null ? 'failed' : 'retry' });
            if (next === null) {
              result.failed += 1;
              options.logger?.error({ alert: row.id, attempts: row.deliveryAttempts, error: message }, 'alert webhook delivery gave up');
            } else {
              result.retrying += 1;
              options.logger?.warn({ alert: row.id, attempt: row.deliveryAttempts, retry_in_ms: next, error: message }, 'alert webhook delivery failed; will retry');
            }
          }
        }
      }
    },
  };
}

/** Fire-and-forget POST with in-memory retries (checkpoints). Never throws. */
export function postWithRetry(
  url: string,
  body: string,
  options: { retry?: RetryPolicy; timeoutMs?: number; logger?: Logger; what: string },
): Promise<boolean> {
  const retry = options.retry ?? { maxAttempts: 5, baseDelayMs: 2_000, maxDelayMs: 60_000 };
  return (async () => {
    for (let attempt = 1; ; attempt++) {
      try {
        await postJson(url, body, {}, options.timeoutMs ?? 5_000);
        return true;
      } catch (err) {
        const next = backoffMs(attempt, retry);
        const error = err instanceof Error ? err.message.slice(0, 200) : 'error';
        if (next === null) {
          options.logger?.error({ what: options.what, attempts: attempt, error }, 'webhook delivery gave up');
          return false;
        }
        await new Promise((r) => setTimeout(r, next).unref());
      }
    }
  })();
}
