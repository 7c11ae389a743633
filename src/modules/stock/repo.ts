import { Decimal } from 'decimal.js';
import { and, asc, desc, eq, gte, lt, lte, or, sql, type SQL } from 'drizzle-orm';
import { queryRows, type Queryable } from '../../platform/db/types.ts';
import { stockLevels, stockMovements } from './tables.ts';

export type MovementRow = typeof stockMovements.$inferSelect;
export type LevelRow = typeof stockLevels.$inferSelect;

export type DeltaResult = { ok: true; before: string; after: string } | { ok: false; onHand: string };

export interface MovementFilter {
  productId?: string | undefined;
  locationId?: string | undefined;
  type?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  before?: { createdAt: Date; id: string } | undefined;
  limit: number;
}

export function createStockRepo(db: Queryable) {
  return {
    /**
     * Adds delta to one location's level atomically. Increases upsert the row; decreases are a
     * conditional UPDATE (`on_hand + delta >= 0`), which takes the row lock and re-checks the
     * condition after any concurrent writer commits, so two sales of the last unit can never
     * both succeed. Never read-then-write.
     */
    async applyDelta(productId: string, locationId: string, delta: string): Promise<DeltaResult> {
      const positive = !delta.startsWith('-');
      const rows = positive
        ? await queryRows<{ after: string }>(
            db,
            sql`insert into stock_levels (product_id, location_id, on_hand) values (${productId}, ${locationId}, ${delta})
                on conflict (product_id, location_id)
                do update set on_hand = stock_levels.on_hand + excluded.on_hand, updated_at = now()
                returning on_hand::text as after`,
          )
        : await queryRows<{ after: string }>(
            db,
            sql`update stock_levels set on_hand = on_hand + ${delta}::numeric, updated_at = now()
                where product_id = ${productId} and location_id = ${locationId} and on_hand + ${delta}::numeric >= 0
                returning on_hand::text as after`,
          );
      const after = rows[0]?.after;
      if (after !== undefined) {
        return { ok: true, before: new Decimal(after).minus(delta).toFixed(), after };
      }
      const [current] = await queryRows<{ on_hand: string }>(
        db,
        sql`select on_hand::text as on_hand from stock_levels where product_id = ${productId} and location_id = ${locationId}`,
      );
      return { ok: false, onHand: current?.on_hand ?? '0' };
    },

    /** Locks a level row for a physical count, creating it at zero if it does not exist. */
    async lockLevel(productId: string, locationId: string): Promise<string> {
      await db.insert(stockLevels).values({ productId, locationId, onHand: '0' }).onConflictDoNothing();
      const [row] = await queryRows<{ on_hand: string }>(
        db,
        sql`select on_hand::text as on_hand from stock_levels
            where product_id = ${productId} and location_id = ${locationId} for update`,
      );
      return row!.on_hand;
    },

    async insertMovements(rows: (typeof stockMovements.$inferInsert)[]): Promise<MovementRow[]> {
      return db.insert(stockMovements).values(rows).returning();
    },

    listMovements(f: MovementFilter): Promise<MovementRow[]> {
      const conditions: (SQL | undefined)[] = [
        f.productId ? eq(stockMovements.productId, f.productId) : undefined,
        f.locationId ? eq(stockMovements.locationId, f.locationId) : undefined,
        f.type ? eq(stockMovements.type, f.type) : undefined,
        f.from ? gte(stockMovements.createdAt, f.from) : undefined,
        f.to ? lte(stockMovements.createdAt, f.to) : undefined,
        f.before
          ? or(
              lt(stockMovements.createdAt, f.before.createdAt),
              and(eq(stockMovements.createdAt, f.before.createdAt), lt(stockMovements.id, f.before.id)),
            )
          : undefined,
      ];
      return db
        .select()
        .from(stockMovements)
        .where(and(...conditions))
        .orderBy(desc(stockMovements.createdAt), desc(stockMovements.id))
        .limit(f.limit + 1);
    },

    listLevels(f: { productId?: string | undefined; locationId?: string | undefined; after?: [string, string] | undefined; limit: number }) {
      return db
        .select()
        .from(stockLevels)
        .where(
          and(
            f.productId ? eq(stockLevels.productId, f.productId) : undefined,
            f.locationId ? eq(stockLevels.locationId, f.locationId) : undefined,
            f.after ? sql`(${stockLevels.productId}, ${stockLevels.locationId}) > (${f.after[0]}::uuid, ${f.after[1]}::uuid)` : undefined,
          ),
        )
        .orderBy(asc(stockLevels.productId), asc(stockLevels.locationId))
        .limit(f.limit + 1);
    },

    /** Levels that disagree with the sum of their ledger, in either direction. */
    integrityMismatches() {
      return queryRows<{ product_id: string; location_id: string; level: string | null; ledger: string | null }>(
        db,
        sql`select coalesce(l.product_id, m.product_id) as product_id, coalesce(l.location_id, m.location_id) as location_id,
                   l.on_hand::text as level, m.total::text as ledger
            from stock_levels l
            full join (select product_id, location_id, sum(quantity) as total from stock_movements group by 1, 2) m
              on m.product_id = l.product_id and m.location_id = l.location_id
            where coalesce(l.on_hand, 0) <> coalesce(m.total, 0)
            order by 1, 2
            limit 1000`,
      );
    },

    async countCheckedProducts(): Promise<number> {
      const [row] = await queryRows<{ n: string }>(
        db,
        sql`select count(*)::text as n from (select product_id from stock_levels union select product_id from stock_movements) p`,
      );
      return Number(row?.n ?? 0);
    },
  };
}

export type StockRepo = ReturnType<typeof createStockRepo>;
