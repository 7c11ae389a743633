import { sql } from 'drizzle-orm';
import { check, date, index, integer, jsonb, numeric, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
// The foreign key to the catalog is declared through its table object; the pricing module reads
// and writes products only through the catalog service.
import { products } from '../catalog/tables.ts';

/**
 * One applied reprice (from the dashboard or the API, or the scheduled job): the settings it used
 * and how many prices it changed. Dry runs leave no row. A scheduled run carries the store-calendar
 * day it ran for, unique, so two instances can never both reprice the same day.
 */
export const pricingRuns = pgTable(
  'pricing_runs',
  {
    id: uuid('id').primaryKey(),
    trigger: text('trigger').notNull(),
    scheduledFor: date('scheduled_for', { mode: 'string' }),
    category: text('category'),
    note: text('note'),
    actor: text('actor').notNull(),
    settings: jsonb('settings').notNull(),
    changed: integer('changed').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('pricing_runs_scheduled_for_key').on(t.scheduledFor).where(sql`${t.scheduledFor} is not null`),
    index('pricing_runs_created_idx').on(t.createdAt, t.id),
    check('pricing_runs_trigger_check', sql`${t.trigger} in ('manual', 'scheduled')`),
  ],
);

/**
 * Price history: every change of a product's sale price, who made it and why — a reprice run
 * (with the quote that produced the new price in `details`) or an edit of the product. Written in
 * the same transaction as the change itself; never updated.
 */
export const priceChanges = pgTable(
  'price_changes',
  {
    id: uuid('id').primaryKey(),
    productId: uuid('product_id')
      .notNull()
      .references(() => products.id),
    oldPrice: numeric('old_price', { precision: 14, scale: 2 }),
    newPrice: numeric('new_price', { precision: 14, scale: 2 }),
    // reprice | scheduled_reprice | product_create | product_edit
    reason: text('reason').notNull(),
    note: text('note'),
    runId: uuid('run_id').references(() => pricingRuns.id),
    details: jsonb('details').notNull().default({}),
    actor: text('actor').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    index('price_changes_product_created_idx').on(t.productId, t.createdAt, t.id),
    index('price_changes_created_idx').on(t.createdAt, t.id),
    index('price_changes_run_idx').on(t.runId),
  ],
);
