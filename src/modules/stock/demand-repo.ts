// SQL behind the demand history (demand.ts): sales and stock-outs per product and store day.
import { sql } from 'drizzle-orm';
import { queryRows, type Queryable } from '../../platform/db/types.ts';

/**
 * `out` movements whose reason names something other than a sale (shrinkage, breakage, expiry,
 * theft, internal use, a return to the supplier…) are not demand. Anything else — no reason, or
 * "venta", or a ticket number — is a sale. Matched case-insensitively as a POSIX regex.
 */
export const NON_SALE_REASON = 'merma|rotur|roto|rota|vencid|vencim|robo|hurto|p[ée]rdida|devoluci|devuelt|consumo interno|uso interno|donaci|degustaci|shrink|breakage|expired|theft|return';

export interface DemandDayRow {
  product_id: string;
  /** Days since the window's first day. */
  day: number;
  sales: string;
  net: string;
  sold_out: boolean;
}

export interface OpeningRow {
  product_id: string;
  on_hand: string;
}

const ids = (productIds: string[] | undefined) => (productIds ? sql`and m.product_id = any(${`{${productIds.join(',')}}`}::uuid[])` : sql``);

export function createDemandRepo(db: Queryable) {
  return {
    /**
     * Per product and store day in [from, through]: units sold, the net change of its stock over
     * all locations, and whether an `out` left some location at zero. The day bounds are computed
     * in SQL so the created_at index serves the range.
     */
    days(f: { from: string; through: string; timeZone: string; productIds?: string[] | undefined }) {
      const tz = sql`${f.timeZone}::text`;
      return queryRows<DemandDayRow>(
        db,
        sql`select m.product_id::text as product_id,
                   ((m.created_at at time zone ${tz})::date - ${f.from}::date) as day,
                   coalesce(sum(-m.quantity) filter (where m.type = 'out' and coalesce(m.reason, '') !~* ${NON_SALE_REASON}), 0)::text as sales,
                   sum(m.quantity)::text as net,
                   coalesce(bool_or(m.type = 'out' and m.on_hand_after = 0), false) as sold_out
            from stock_movements m
            where m.created_at >= (${f.from}::date)::timestamp at time zone ${tz}
              and m.created_at < (${f.through}::date + 1)::timestamp at time zone ${tz}
              ${ids(f.productIds)}
            group by 1, 2`,
      );
    },

    /** Each product's stock over all locations when the store day `from` opened (products with earlier movements only). */
    opening(f: { from: string; timeZone: string; productIds?: string[] | undefined }) {
      return queryRows<OpeningRow>(
        db,
        sql`select m.product_id::text as product_id, sum(m.quantity)::text as on_hand
            from stock_movements m
            where m.created_at < (${f.from}::date)::timestamp at time zone ${f.timeZone}::text
              ${ids(f.productIds)}
            group by 1`,
      );
    },

    /**
     * Products with a movement whose id is above `sinceId` (ids are UUIDv7: the primary key index
     * serves this as a range) and that is dated before `before`, with the newest such id.
     */
    changedSince(f: { sinceId: string; before: Date }) {
      return queryRows<{ product_id: string; max_id: string }>(
        db,
        sql`select product_id::text as product_id, max(id::text) as max_id
            from stock_movements
            where id > ${f.sinceId}::uuid and created_at < ${f.before.toISOString()}::timestamptz
            group by 1`,
      );
    },
  };
}
