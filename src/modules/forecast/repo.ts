import { inArray, sql } from 'drizzle-orm';
import type { Queryable } from '../../platform/db/types.ts';
import { forecastResults } from './tables.ts';

export type ForecastRow = typeof forecastResults.$inferSelect;
export type ForecastInsert = typeof forecastResults.$inferInsert;
export interface StoredPoints {
  demand: number[];
  low: number[];
  high: number[];
}

export function createForecastRepo(db: Queryable) {
  return {
    /** The version stamp of every cached forecast: enough to decide which ones are stale. */
    stamps() {
      return db
        .select({ productId: forecastResults.productId, historyThrough: forecastResults.historyThrough, sourceMark: forecastResults.sourceMark })
        .from(forecastResults);
    },

    async find(productId: string): Promise<ForecastRow | undefined> {
      const [row] = await db.select().from(forecastResults).where(sql`${forecastResults.productId} = ${productId}`);
      return row;
    },

    /** What the reorder list needs, without the bands. */
    forReorder(productIds: string[]) {
      if (productIds.length === 0) return Promise.resolve([]);
      return db
        .select({
          productId: forecastResults.productId,
          model: forecastResults.model,
          historyThrough: forecastResults.historyThrough,
          demand: sql<number[]>`${forecastResults.points} -> 'demand'`,
          sigma: forecastResults.sigma,
        })
        .from(forecastResults)
        .where(inArray(forecastResults.productId, productIds));
    },

    async upsert(rows: ForecastInsert[]): Promise<void> {
      if (rows.length === 0) return;
      await db
        .insert(forecastResults)
        .values(rows)
        .onConflictDoUpdate({
          target: forecastResults.productId,
          set: {
            model: sql`excluded.model`,
            historyThrough: sql`excluded.history_through`,
            sourceMark: sql`excluded.source_mark`,
            points: sql`excluded.points`,
            sigma: sql`excluded.sigma`,
            backtestMase: sql`excluded.backtest_mase`,
            backtestWape: sql`excluded.backtest_wape`,
            candidates: sql`excluded.candidates`,
            observedDays: sql`excluded.observed_days`,
            censoredDays: sql`excluded.censored_days`,
            computedAt: sql`excluded.computed_at`,
          },
        });
    },
  };
}
