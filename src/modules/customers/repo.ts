import { and, asc, eq, gt, inArray, isNull } from 'drizzle-orm';
import type { PgUpdateSetSource } from 'drizzle-orm/pg-core';
import type { Queryable } from '../../platform/db/types.ts';
import { customers } from './tables.ts';

export type CustomerRow = typeof customers.$inferSelect;

export function createCustomerRepo(db: Queryable) {
  return {
    async insert(row: typeof customers.$inferInsert): Promise<CustomerRow> {
      const [created] = await db.insert(customers).values(row).returning();
      return created!;
    },

    async find(id: string): Promise<CustomerRow | undefined> {
      const [row] = await db.select().from(customers).where(eq(customers.id, id));
      return row;
    },

    /** Exact lookup through blind indexes; erased customers are gone from lookups. */
    findByDocIndexes(indexes: string[], afterId: string | undefined, limit: number): Promise<CustomerRow[]> {
      return db
        .select()
        .from(customers)
        .where(and(inArray(customers.docIndex, indexes), isNull(customers.erasedAt), afterId ? gt(customers.id, afterId) : undefined))
        .orderBy(asc(customers.id))
        .limit(limit + 1);
    },

    findByEmailIndex(index: string, afterId: string | undefined, limit: number): Promise<CustomerRow[]> {
      return db
        .select()
        .from(customers)
        .where(and(eq(customers.emailIndex, index), isNull(customers.erasedAt), afterId ? gt(customers.id, afterId) : undefined))
        .orderBy(asc(customers.id))
        .limit(limit + 1);
    },

    /**
     * Locks the row: FOR UPDATE before a change (rectification, erasure, consent), FOR SHARE
     * while a sale refers to it, so an erasure waits for the sale and the sale for the erasure.
     */
    async lock(id: string, mode: 'update' | 'share'): Promise<CustomerRow | undefined> {
      const [row] = await db.select().from(customers).where(eq(customers.id, id)).for(mode);
      return row;
    },

    async update(id: string, set: PgUpdateSetSource<typeof customers>): Promise<CustomerRow> {
      const [row] = await db.update(customers).set(set).where(eq(customers.id, id)).returning();
      return row!;
    },

    /** Customers whose current data key is one of `keyIds` (erasure replay). */
    async usingDataKeys(keyIds: string[]): Promise<string[]> {
      if (keyIds.length === 0) return [];
      const rows = await db.select({ id: customers.id }).from(customers).where(inArray(customers.dataKeyId, keyIds));
      return rows.map((r) => r.id);
    },

    /** Who may receive marketing: consented, not restricted, not erased. */
    marketingAudience(afterId: string | undefined, limit: number): Promise<CustomerRow[]> {
      return db
        .select()
        .from(customers)
        .where(
          and(
            eq(customers.marketingConsent, true),
            isNull(customers.restrictedAt),
            isNull(customers.erasedAt),
            afterId ? gt(customers.id, afterId) : undefined,
          ),
        )
        .orderBy(asc(customers.id))
        .limit(limit + 1);
    },

    /** The unfiltered list reads only what a masked name needs. */
    listNames(afterId: string | undefined, limit: number) {
      return db
        .select({ id: customers.id, dataKeyId: customers.dataKeyId, nameSealed: customers.nameSealed })
        .from(customers)
        .where(and(isNull(customers.erasedAt), afterId ? gt(customers.id, afterId) : undefined))
        .orderBy(asc(customers.id))
        .limit(limit + 1);
    },
  };
}
