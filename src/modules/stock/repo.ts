import { Decimal } from 'decimal.js';
import { and, asc, desc, eq, getTableColumns, gte, lt, lte, or, sql, type SQL } from 'drizzle-orm';
import { queryRows, type Queryable } from '../../platform/db/types.ts';
import { placeholders, prepareStatement, statementBuilder } from '../../platform/db/prepared.ts';
import { stockLevels, stockMovements } from './tables.ts';

export type MovementRow = typeof stockMovements.$inferSelect;
export type LevelRow = typeof stockLevels.$inferSelect;

export interface DailyFlowRow {
  date: string;
  sales_quantity: string;
  sales_value: string;
  receipts_quantity: string;
  receipts_value: string;
}

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

const p = sql.placeholder;
type LevelKey = { productId: string; locationId: string; delta: string };

// The statements of every movement, rendered once (src/platform/db/prepared.ts).
const increaseLevel = prepareStatement<LevelKey, { after: string }>(
  sql`insert into stock_levels (product_id, location_id, on_hand) values (${p('productId')}, ${p('locationId')}, ${p('delta')})
      on conflict (product_id, location_id)
      do update set on_hand = stock_levels.on_hand + excluded.on_hand, updated_at = now()
      returning on_hand::text as after`,
);
const decreaseLevel = prepareStatement<LevelKey, { after: string }>(
  sql`update stock_levels set on_hand = on_hand + ${p('delta')}::numeric, updated_at = now()
      where product_id = ${p('productId')} and location_id = ${p('locationId')} and on_hand + ${p('delta')}::numeric >= 0
      returning on_hand::text as after`,
);
type MovementInsert = typeof stockMovements.$inferInsert;
/** One ledger row stamped by the database's clock: every movement but the seeder's backdated ones. */
type SingleMovement = Required<Omit<MovementInsert, 'createdAt' | 'toLocationId' | 'transferId'>>;
const SINGLE_MOVEMENT_KEYS = ['id', 'productId', 'locationId', 'type', 'quantity', 'onHandBefore', 'onHandAfter', 'unitCost', 'reason', 'reference', 'actor', 'customerId'] as const;
const insertSingleMovement = prepareStatement<SingleMovement, MovementRow>(
  statementBuilder
    .insert(stockMovements)
    .values(placeholders<MovementInsert>(SINGLE_MOVEMENT_KEYS))
    .returning(),
  getTableColumns(stockMovements),
);

function isSingleMovement(row: MovementInsert): row is SingleMovement {
  return (
    row.createdAt === undefined &&
    row.toLocationId === undefined &&
    row.transferId === undefined &&
    SINGLE_MOVEMENT_KEYS.every((k) => row[k] !== undefined)
  );
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
      const statement = delta.startsWith('-') ? decreaseLevel : increaseLevel;
      const rows = await statement.run(db, { productId, locationId, delta });
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

    async insertMovements(rows: MovementInsert[]): Promise<MovementRow[]> {
      const [only] = rows;
      if (rows.length === 1 && only && isSingleMovement(only)) return insertSingleMovement.run(db, only);
      return db.insert(stockMovements).values(rows).returning();
    },

    movementsOfCustomer(customerId: string): Promise<MovementRow[]> {
      return db
        .select()
        .from(stockMovements)
        .where(eq(stockMovements.customerId, customerId))
        .orderBy(asc(stockMovements.createdAt), asc(stockMovements.id));
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

    /**
     * Movements recorded on a calendar day of the store (`day` is YYYY-MM-DD in `timeZone`); the
     * bounds are computed in SQL so the created_at index serves the range.
     */
    async countMovementsOn(day: string, timeZone: string): Promise<number> {
      const [row] = await queryRows<{ n: number }>(
        db,
        sql`select count(*)::int as n from stock_movements
            where created_at >= (${day}::date)::timestamp at time zone ${timeZone}::text
              and created_at < (${day}::date + 1)::timestamp at time zone ${timeZone}::text`,
      );
      return row?.n ?? 0;
    },

    /**
     * Sales ('out') and receipts ('in') per store-calendar day, for the `days` days ending on
     * `lastDay`, every day present (zeros where nothing moved). Valued at the movement's unit cost
     * when it has one, else at the product's cost from `costs` (product id → cost, the catalog's,
     * passed in because the stock module does not read catalog tables). Sums are exact numeric,
     * unrounded. The costs are one jsonb object looked up by key rather than a joined record set:
     * with stale statistics (PGlite never auto-analyzes) the planner nested-looped that join: 1.3 s
     * for 90 days of the demo store, against ~60 ms this way (created_at index, one pass).
     */
    dailyFlows(f: { lastDay: string; days: number; timeZone: string; costs: Record<string, string> }) {
      const tz = sql`${f.timeZone}::text`;
      const cost = sql`coalesce(m.unit_cost, (p.costs ->> m.product_id::text)::numeric, 0)`;
      return queryRows<DailyFlowRow>(
        db,
        sql`with days as (
              select (${f.lastDay}::date - i) as day from generate_series(0, ${f.days - 1}::int) as i
            ),
            flows as (
              select (m.created_at at time zone ${tz})::date as day,
                     sum(-m.quantity) filter (where m.type = 'out') as sales_quantity,
                     sum(-m.quantity * ${cost}) filter (where m.type = 'out') as sales_value,
                     sum(m.quantity) filter (where m.type = 'in') as receipts_quantity,
                     sum(m.quantity * ${cost}) filter (where m.type = 'in') as receipts_value
              from stock_movements m
              cross join (select ${JSON.stringify(f.costs)}::jsonb as costs) p
              where m.type in ('in', 'out')
                and m.created_at >= (${f.lastDay}::date - ${f.days - 1}::int)::timestamp at time zone ${tz}
                and m.created_at < (${f.lastDay}::date + 1)::timestamp at time zone ${tz}
              group by 1
            )
            select to_char(d.day, 'YYYY-MM-DD') as date,
                   coalesce(f.sales_quantity, 0)::text as sales_quantity,
                   coalesce(f.sales_value, 0)::text as sales_value,
                   coalesce(f.receipts_quantity, 0)::text as receipts_quantity,
                   coalesce(f.receipts_value, 0)::text as receipts_value
            from days d left join flows f on f.day = d.day
            order by d.day`,
      );
    },

    /**
     * The latest `in` movement with a unit cost per product (all products, or some): when each
     * product's cost was last confirmed by a receipt. Served by the (product_id, created_at) index.
     */
    lastCostedReceipts(productIds?: string[]) {
      const only = productIds ? sql`and product_id in (${sql.join(productIds.map((id) => sql`${id}::uuid`), sql`, `)})` : sql``;
      return queryRows<{ product_id: string; at: Date | string; unit_cost: string }>(
        db,
        sql`select distinct on (product_id) product_id, created_at as at, unit_cost::text as unit_cost
            from stock_movements
            where type = 'in' and unit_cost is not null ${only}
            order by product_id, created_at desc, id desc`,
      );
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
