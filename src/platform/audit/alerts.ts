// Storage of anomaly alerts: raise (deduplicated), list, change status, and the outbox queries
// webhook.ts delivers from. Status changes and creation are audited by the callers, in the
// same transaction.
import { createHash } from 'node:crypto';
import { and, desc, eq, gte, lt, or, sql, type SQL } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import { queryRows, type Database, type Queryable } from '../db/types.ts';
import { auditAlerts } from './tables.ts';
import { SEVERITIES, type Finding, type Severity } from './rules.ts';
import { SYSTEM_CONTEXT, type AuditContext, type AuditWriter } from './writer.ts';

export type AlertRow = typeof auditAlerts.$inferSelect;
export const ALERT_STATUSES = ['open', 'acknowledged', 'closed'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

const rank = (s: string) => SEVERITIES.indexOf(s as Severity);

function lockIdFor(key: string): string {
  return createHash('sha256').update(`audit.alert:${key}`).digest().readBigInt64BE(0).toString();
}

/**
 * Stores a finding as an alert unless the same incident (dedup key) already raised one that is
 * still within its window with the same or a higher severity. Audited in the same transaction.
 * Returns the new row, or null when deduplicated.
 */
export async function raiseAlert(
  database: Database,
  writer: AuditWriter,
  finding: Finding,
  options: { now: Date; deliver: boolean },
): Promise<AlertRow | null> {
  return database.transaction(async (tx) => {
    // Two evaluations of the same incident (a verify on another instance) must not both insert.
    if (database.engine === 'pg') await tx.execute(sql`select pg_advisory_xact_lock(${lockIdFor(finding.dedupKey)}::bigint)`);
    const live = await tx
      .select({ severity: auditAlerts.severity })
      .from(auditAlerts)
      .where(and(eq(auditAlerts.dedupKey, finding.dedupKey), gte(auditAlerts.dedupUntil, options.now)));
    if (live.some((a) => rank(a.severity) >= rank(finding.severity))) return null;
    const [row] = await tx
      .insert(auditAlerts)
      .values({
        id: uuidv7(),
        rule: finding.rule,
        severity: finding.severity,
        at: options.now,
        actor: finding.actor,
        summary: finding.summary,
        dedupKey: finding.dedupKey,
        dedupUntil: finding.dedupUntil,
        evidenceSeqs: finding.evidence,
        details: finding.details,
        deliveryState: options.deliver ? 'pending' : 'none',
        nextDeliveryAt: options.deliver ? new Date() : null,
      })
      .returning();
    await writer.record(tx, SYSTEM_CONTEXT, {
      action: 'audit.alert.create',
      resource: `audit_alert:${row!.id}`,
      outcome: 'success',
      details: { rule: finding.rule, severity: finding.severity, subject: finding.actor, dedup_key: finding.dedupKey, evidence_seqs: finding.evidence },
    });
    return row!;
  });
}

export interface AlertListFilter {
  status?: AlertStatus | undefined;
  severity?: Severity | undefined;
  rule?: string | undefined;
  /** Keyset: alerts strictly older than (at, id). */
  before?: { at: Date; id: string } | undefined;
  limit: number;
}

export async function listAlerts(q: Queryable, filter: AlertListFilter): Promise<AlertRow[]> {
  const where: SQL[] = [];
  if (filter.status) where.push(eq(auditAlerts.status, filter.status));
  if (filter.severity) where.push(eq(auditAlerts.severity, filter.severity));
  if (filter.rule) where.push(eq(auditAlerts.rule, filter.rule));
  if (filter.before) {
    where.push(or(lt(auditAlerts.at, filter.before.at), and(eq(auditAlerts.at, filter.before.at), lt(auditAlerts.id, filter.before.id)))!);
  }
  return q
    .select()
    .from(auditAlerts)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(auditAlerts.at), desc(auditAlerts.id))
    .limit(filter.limit + 1);
}

export async function countAlerts(q: Queryable, status: AlertStatus): Promise<number> {
  const [row] = await q.select({ n: sql<number>`count(*)::int` }).from(auditAlerts).where(eq(auditAlerts.status, status));
  return row?.n ?? 0;
}

export async function findAlert(q: Queryable, id: string, forUpdate = false): Promise<AlertRow | undefined> {
  const query = q.select().from(auditAlerts).where(eq(auditAlerts.id, id));
  const [row] = forUpdate ? await query.for('update') : await query;
  return row;
}

/** The allowed moves: open → acknowledged → closed, or open → closed. */
export function canMove(from: string, to: AlertStatus): boolean {
  if (from === to) return true;
  return (from === 'open' && (to === 'acknowledged' || to === 'closed')) || (from === 'acknowledged' && to === 'closed');
}

export type TransitionResult = { kind: 'not_found' } | { kind: 'invalid'; row: AlertRow } | { kind: 'ok'; row: AlertRow; changed: boolean };

/** Moves an alert to `to`, audited in the same transaction; a repeat of the same move is a no-op. */
export async function transitionAlert(
  database: Database,
  writer: AuditWriter,
  id: string,
  to: 'acknowledged' | 'closed',
  ctx: AuditContext,
  note: string | null,
): Promise<TransitionResult> {
  return database.transaction(async (tx) => {
    const row = await findAlert(tx, id, true);
    if (!row) return { kind: 'not_found' };
    if (!canMove(row.status, to)) return { kind: 'invalid', row };
    if (row.status === to) return { kind: 'ok', row, changed: false };
    const [updated] = await tx
      .update(auditAlerts)
      .set({ status: to, statusChangedAt: sql`now()`, statusChangedBy: ctx.actor, statusNote: note })
      .where(eq(auditAlerts.id, id))
      .returning();
    await writer.record(tx, ctx, {
      action: to === 'acknowledged' ? 'audit.alert.acknowledge' : 'audit.alert.close',
      resource: `audit_alert:${id}`,
      outcome: 'success',
      details: { rule: row.rule, severity: row.severity, from: row.status, to, ...(note ? { note } : {}) },
    });
    return { kind: 'ok', row: updated!, changed: true };
  });
}

// ---------------------------------------------------------------------------------------------
// Outbox

/**
 * Claims up to `limit` alerts due for delivery: bumps their attempt count and pushes their next
 * attempt `leaseMs` ahead, so a process that dies mid-delivery leaves them to be retried later
 * and two deliverers never send the same alert at once.
 */
export async function claimDueAlerts(q: Queryable, limit: number, leaseMs: number): Promise<AlertRow[]> {
  const ids = await queryRows<{ id: string }>(
    q,
    sql`update audit_alerts set delivery_attempts = delivery_attempts + 1,
          next_delivery_at = now() + make_interval(secs => ${leaseMs / 1000})
        where id in (select id from audit_alerts where delivery_state = 'pending' and next_delivery_at <= now()
                     order by next_delivery_at limit ${limit} for update skip locked)
        returning id`,
  );
  if (ids.length === 0) return [];
  return q.select().from(auditAlerts).where(or(...ids.map((r) => eq(auditAlerts.id, r.id)))).orderBy(auditAlerts.at);
}

export async function markDelivered(q: Queryable, id: string): Promise<void> {
  await q.update(auditAlerts).set({ deliveryState: 'delivered', nextDeliveryAt: null, lastDeliveryError: null }).where(eq(auditAlerts.id, id));
}

/** Schedules the next attempt after `retryInMs`, or gives up (state failed) when null. */
export async function markAttemptFailed(q: Queryable, id: string, error: string, retryInMs: number | null): Promise<void> {
  await q
    .update(auditAlerts)
    .set(
      retryInMs === null
        ? { deliveryState: 'failed', nextDeliveryAt: null, lastDeliveryError: error }
        : { nextDeliveryAt: sql`now() + make_interval(secs => ${retryInMs / 1000})`, lastDeliveryError: error },
    )
    .where(eq(auditAlerts.id, id));
}
