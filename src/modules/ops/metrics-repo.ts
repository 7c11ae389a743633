// The few reads /metrics needs that no service offers: small indexed aggregates over platform
// tables (audit alerts and events, master key versions).
import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import type { Queryable } from '../../platform/db/types.ts';
import { auditAlerts, auditEvents } from '../../platform/audit/tables.ts';
import { masterKeyVersions } from '../../platform/crypto/tables.ts';

export function createMetricsRepo(db: Queryable) {
  return {
    async openAlertsBySeverity(): Promise<{ severity: string; n: number }[]> {
      return db
        .select({ severity: auditAlerts.severity, n: sql<number>`count(*)::int` })
        .from(auditAlerts)
        .where(eq(auditAlerts.status, 'open'))
        .groupBy(auditAlerts.severity);
    },

    /** The newest chain verification any instance recorded (audit_events_action_at_idx). */
    async lastChainVerification(): Promise<{ at: Date; outcome: string } | undefined> {
      const [row] = await db
        .select({ at: auditEvents.at, outcome: auditEvents.outcome })
        .from(auditEvents)
        .where(eq(auditEvents.action, 'audit.chain.verify'))
        .orderBy(desc(auditEvents.at))
        .limit(1);
      return row;
    },

    async masterKeyCreatedAt(version: number): Promise<Date | undefined> {
      const [row] = await db
        .select({ at: masterKeyVersions.createdAt })
        .from(masterKeyVersions)
        .where(and(eq(masterKeyVersions.version, version), isNull(masterKeyVersions.retiredAt)));
      return row?.at;
    },
  };
}
