// SQL for reading the audit trail. The table belongs to platform/audit; this module only reads it.
import { and, desc, eq, gte, like, lt, lte, type SQL } from 'drizzle-orm';
import type { Queryable } from '../../platform/db/types.ts';
import { auditEvents } from '../../platform/audit/tables.ts';

export type AuditEventRow = typeof auditEvents.$inferSelect;

export interface EventFilter {
  actor?: string | undefined;
  /** Exact action, or a prefix when it ends in `.*` (`customers.*`). */
  action?: string | undefined;
  outcome?: string | undefined;
  from?: Date | undefined;
  /** Inclusive. */
  to?: Date | undefined;
  /** Keyset: events with seq strictly below. */
  beforeSeq?: bigint | undefined;
  limit: number;
  /** Oldest first (reports) instead of newest first (the API). */
  ascending?: boolean;
  afterSeq?: bigint | undefined;
}

function actionCondition(action: string): SQL {
  if (!action.endsWith('.*')) return eq(auditEvents.action, action);
  // Only dotted names reach LIKE (the schema enforces it), so no wildcard can come from the client.
  return like(auditEvents.action, `${action.slice(0, -1)}%`);
}

export function createAuditRepo(db: Queryable) {
  return {
    listEvents(f: EventFilter): Promise<AuditEventRow[]> {
      return db
        .select()
        .from(auditEvents)
        .where(
          and(
            f.actor !== undefined ? eq(auditEvents.actor, f.actor) : undefined,
            f.action !== undefined ? actionCondition(f.action) : undefined,
            f.outcome !== undefined ? eq(auditEvents.outcome, f.outcome) : undefined,
            f.from ? gte(auditEvents.at, f.from) : undefined,
            f.to ? lte(auditEvents.at, f.to) : undefined,
            f.beforeSeq !== undefined ? lt(auditEvents.seq, f.beforeSeq) : undefined,
            f.afterSeq !== undefined ? gte(auditEvents.seq, f.afterSeq + 1n) : undefined,
          ),
        )
        .orderBy(f.ascending ? auditEvents.seq : desc(auditEvents.seq))
        .limit(f.limit + 1);
    },
  };
}
