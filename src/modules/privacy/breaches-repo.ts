import { and, desc, eq, lt, or, sql, type SQL } from 'drizzle-orm';
import type { Queryable } from '../../platform/db/types.ts';
import { privacyBreaches } from './tables.ts';

export type BreachRow = typeof privacyBreaches.$inferSelect;
export type BreachInsert = typeof privacyBreaches.$inferInsert;

export function createBreachesRepo(db: Queryable) {
  return {
    async insert(row: BreachInsert): Promise<BreachRow> {
      const [created] = await db.insert(privacyBreaches).values(row).returning();
      return created!;
    },

    async find(id: string, forUpdate = false): Promise<BreachRow | undefined> {
      const query = db.select().from(privacyBreaches).where(eq(privacyBreaches.id, id));
      // Two PATCHes of the same breach (a status change and an edit) apply one after the other.
      const [row] = forUpdate ? await query.for('update') : await query;
      return row;
    },

    async update(id: string, values: Partial<BreachInsert>): Promise<BreachRow> {
      const [row] = await db.update(privacyBreaches).set(values).where(eq(privacyBreaches.id, id)).returning();
      return row!;
    },

    async countOverdue(hours: number): Promise<number> {
      const [row] = await db
        .select({ n: sql<number>`count(*)::int` })
        .from(privacyBreaches)
        .where(and(eq(privacyBreaches.status, 'open'), lt(privacyBreaches.detectedAt, sql`now() - make_interval(hours => ${hours})`)));
      return Number(row?.n ?? 0);
    },

    /** Newest detection first; `before` is the last row of the previous page. */
    list(filter: { status?: string; before?: { detectedAt: Date; id: string }; limit: number }): Promise<BreachRow[]> {
      const conditions: SQL[] = [];
      if (filter.status) conditions.push(eq(privacyBreaches.status, filter.status));
      if (filter.before) {
        const { detectedAt, id } = filter.before;
        conditions.push(or(lt(privacyBreaches.detectedAt, detectedAt), and(eq(privacyBreaches.detectedAt, detectedAt), lt(privacyBreaches.id, id)))!);
      }
      return db
        .select()
        .from(privacyBreaches)
        .where(conditions.length ? and(...conditions) : undefined)
        .orderBy(desc(privacyBreaches.detectedAt), desc(privacyBreaches.id))
        .limit(filter.limit + 1);
    },
  };
}
