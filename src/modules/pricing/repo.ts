import { and, desc, eq, gte, lt, or, type SQL } from 'drizzle-orm';
import type { Queryable } from '../../platform/db/types.ts';
import { priceChanges, pricingRuns } from './tables.ts';

export type PriceChangeRow = typeof priceChanges.$inferSelect;
export type PricingRunRow = typeof pricingRuns.$inferSelect;

export interface ChangeFilter {
  productId?: string | undefined;
  runId?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  before?: { createdAt: Date; id: string } | undefined;
  limit: number;
}

/** Newest first, keyset-paginated on (created_at, id). */
function before(table: typeof priceChanges | typeof pricingRuns, at: { createdAt: Date; id: string } | undefined): SQL | undefined {
  if (!at) return undefined;
  return or(lt(table.createdAt, at.createdAt), and(eq(table.createdAt, at.createdAt), lt(table.id, at.id)));
}

export function createPricingRepo(db: Queryable) {
  return {
    async insertRun(row: typeof pricingRuns.$inferInsert): Promise<PricingRunRow> {
      const [created] = await db.insert(pricingRuns).values(row).returning();
      return created!;
    },

    async insertChanges(rows: (typeof priceChanges.$inferInsert)[]): Promise<void> {
      // Chunked: one statement per 500 rows stays far below PostgreSQL's bind-parameter limit.
      for (let i = 0; i < rows.length; i += 500) await db.insert(priceChanges).values(rows.slice(i, i + 500));
    },

    listChanges(f: ChangeFilter): Promise<PriceChangeRow[]> {
      return db
        .select()
        .from(priceChanges)
        .where(
          and(
            f.productId ? eq(priceChanges.productId, f.productId) : undefined,
            f.runId ? eq(priceChanges.runId, f.runId) : undefined,
            f.from ? gte(priceChanges.createdAt, f.from) : undefined,
            f.to ? lt(priceChanges.createdAt, f.to) : undefined,
            before(priceChanges, f.before),
          ),
        )
        .orderBy(desc(priceChanges.createdAt), desc(priceChanges.id))
        .limit(f.limit + 1);
    },

    listRuns(f: { before?: { createdAt: Date; id: string } | undefined; limit: number }): Promise<PricingRunRow[]> {
      return db
        .select()
        .from(pricingRuns)
        .where(before(pricingRuns, f.before))
        .orderBy(desc(pricingRuns.createdAt), desc(pricingRuns.id))
        .limit(f.limit + 1);
    },

    async findRun(id: string): Promise<PricingRunRow | undefined> {
      const [row] = await db.select().from(pricingRuns).where(eq(pricingRuns.id, id));
      return row;
    },

    async scheduledRunFor(day: string): Promise<PricingRunRow | undefined> {
      const [row] = await db.select().from(pricingRuns).where(eq(pricingRuns.scheduledFor, day));
      return row;
    },
  };
}

export type PricingRepo = ReturnType<typeof createPricingRepo>;
