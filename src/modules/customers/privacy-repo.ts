// SQL for the data-subject rights: consent and restriction histories, rectifications, legal
// holds, erasure receipts, and the audit events about one customer.
import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import { queryRows, type Queryable } from '../../platform/db/types.ts';
import {
  customerConsentEvents,
  customerErasures,
  customerLegalHolds,
  customerRectifications,
  customerRestrictionEvents,
} from './tables.ts';

export type ConsentEventRow = typeof customerConsentEvents.$inferSelect;
export type RestrictionEventRow = typeof customerRestrictionEvents.$inferSelect;
export type RectificationRow = typeof customerRectifications.$inferSelect;
export type LegalHoldRow = typeof customerLegalHolds.$inferSelect;
export type ErasureRow = typeof customerErasures.$inferSelect;

export interface SubjectAuditRow {
  seq: string;
  /** ISO 8601 text: raw rows come back as Date on one engine and text on the other. */
  at: string;
  actor: string;
  action: string;
  outcome: string;
  details: Record<string, unknown>;
}

export function createPrivacyRepo(db: Queryable) {
  return {
    async insertConsent(row: typeof customerConsentEvents.$inferInsert): Promise<ConsentEventRow> {
      const [created] = await db.insert(customerConsentEvents).values(row).returning();
      return created!;
    },
    listConsent(customerId: string): Promise<ConsentEventRow[]> {
      return db.select().from(customerConsentEvents).where(eq(customerConsentEvents.customerId, customerId)).orderBy(asc(customerConsentEvents.at), asc(customerConsentEvents.id));
    },

    async insertRestriction(row: typeof customerRestrictionEvents.$inferInsert): Promise<void> {
      await db.insert(customerRestrictionEvents).values(row);
    },
    listRestriction(customerId: string): Promise<RestrictionEventRow[]> {
      return db
        .select()
        .from(customerRestrictionEvents)
        .where(eq(customerRestrictionEvents.customerId, customerId))
        .orderBy(asc(customerRestrictionEvents.at), asc(customerRestrictionEvents.id));
    },

    async insertRectification(row: typeof customerRectifications.$inferInsert): Promise<void> {
      await db.insert(customerRectifications).values(row);
    },
    listRectifications(customerId: string): Promise<RectificationRow[]> {
      return db
        .select()
        .from(customerRectifications)
        .where(eq(customerRectifications.customerId, customerId))
        .orderBy(asc(customerRectifications.at), asc(customerRectifications.id));
    },
    /** Erasure: the sealed old values are unreadable once the key goes; the rows go too. */
    async deleteRectifications(customerId: string): Promise<number> {
      const rows = await db.delete(customerRectifications).where(eq(customerRectifications.customerId, customerId)).returning({ id: customerRectifications.id });
      return rows.length;
    },

    async insertHold(row: typeof customerLegalHolds.$inferInsert): Promise<LegalHoldRow> {
      const [created] = await db.insert(customerLegalHolds).values(row).returning();
      return created!;
    },
    listHolds(customerId: string): Promise<LegalHoldRow[]> {
      return db.select().from(customerLegalHolds).where(eq(customerLegalHolds.customerId, customerId)).orderBy(asc(customerLegalHolds.createdAt), asc(customerLegalHolds.id));
    },
    async releaseHold(customerId: string, holdId: string, actor: string): Promise<LegalHoldRow | undefined> {
      const [row] = await db
        .update(customerLegalHolds)
        .set({ releasedAt: sql`now()`, releasedBy: actor, note: null })
        .where(and(eq(customerLegalHolds.id, holdId), eq(customerLegalHolds.customerId, customerId), isNull(customerLegalHolds.releasedAt)))
        .returning();
      return row;
    },
    /** Erasure: notes of holds that no longer apply are personal data without a purpose. */
    async clearNotes(customerId: string, keepIds: string[]): Promise<void> {
      await db
        .update(customerLegalHolds)
        .set({ note: null })
        .where(and(eq(customerLegalHolds.customerId, customerId), keepIds.length ? sql`${customerLegalHolds.id} not in (${sql.join(keepIds.map((id) => sql`${id}::uuid`), sql`, `)})` : undefined));
    },

    async insertErasure(row: typeof customerErasures.$inferInsert): Promise<ErasureRow> {
      const [created] = await db.insert(customerErasures).values(row).returning();
      return created!;
    },
    async hasErasure(receiptId: string): Promise<boolean> {
      const rows = await db.select({ id: customerErasures.id }).from(customerErasures).where(eq(customerErasures.id, receiptId));
      return rows.length > 0;
    },
    listErasures(customerId?: string): Promise<ErasureRow[]> {
      return db
        .select()
        .from(customerErasures)
        .where(customerId ? eq(customerErasures.customerId, customerId) : undefined)
        .orderBy(asc(customerErasures.at), asc(customerErasures.id));
    },

    /**
     * Audit events about one customer: its resource, a sale's details.customer_id, or a list
     * that showed it (details.customer_ids). A rare admin query: a scan of the trail is fine.
     */
    auditEventsAbout(customerId: string): Promise<SubjectAuditRow[]> {
      const resource = `customer:${customerId}`;
      return queryRows<SubjectAuditRow>(
        db,
        sql`select seq::text as seq, to_json(at) #>> '{}' as at, actor, action, outcome, details from audit_events
            where resource = ${resource}
               or details->>'customer_id' = ${customerId}
               or details->'customer_ids' @> ${JSON.stringify([customerId])}::jsonb
            order by seq`,
      );
    },
  };
}
