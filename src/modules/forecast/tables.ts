import { sql } from 'drizzle-orm';
import { check, date, doublePrecision, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { products } from '../catalog/tables.ts';
import type { ForecastModelName } from './models/types.ts';

/**
 * The forecast cache: one row per product, the result of the last computation (chosen model, the
 * next FORECAST_MAX_DAYS days with their band, the backtest). A table rather than process memory:
 * every instance reads what the scheduler's instance computed, and a restart does not start cold.
 * `history_through` (the last complete store day used) and `source_mark` (the moment the history
 * was read, as a UUIDv7 floor comparable with movement ids) are the version stamp that tells
 * whether a row is stale (freshness.ts).
 */
export const forecastResults = pgTable(
  'forecast_results',
  {
    productId: uuid('product_id')
      .primaryKey()
      .references(() => products.id),
    model: text('model').$type<ForecastModelName>().notNull(),
    historyThrough: date('history_through', { mode: 'string' }).notNull(),
    sourceMark: uuid('source_mark'),
    /** { demand: number[], low: number[], high: number[] } for the days after history_through. */
    points: jsonb('points').notNull(),
    /** Standard deviation of the chosen model's one-day-ahead error (units per day). */
    sigma: doublePrecision('sigma').notNull(),
    backtestMase: doublePrecision('backtest_mase'),
    backtestWape: doublePrecision('backtest_wape'),
    /** Every candidate model's backtest: { model: { mase, wape } }. */
    candidates: jsonb('candidates').notNull().default(sql`'{}'::jsonb`),
    observedDays: integer('observed_days').notNull(),
    censoredDays: integer('censored_days').notNull(),
    computedAt: timestamp('computed_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [check('forecast_results_days_check', sql`${t.observedDays} >= 0 and ${t.censoredDays} >= 0`)],
);
