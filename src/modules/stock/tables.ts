import { sql } from 'drizzle-orm';
import { check, index, numeric, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
// Foreign keys to the catalog are declared in SQL only through these table objects; the stock
// module never queries catalog tables directly (it asks the catalog service).
import { locations, products } from '../catalog/tables.ts';
import { customers } from '../customers/tables.ts';

export const stockLevels = pgTable(
  'stock_levels',
  {
    productId: uuid('product_id').notNull().references(() => products.id),
    locationId: uuid('location_id').notNull().references(() => locations.id),
    onHand: numeric('on_hand', { precision: 14, scale: 3 }).notNull().default('0'),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.productId, t.locationId], name: 'stock_levels_pkey' }),
    index('stock_levels_location_idx').on(t.locationId),
    // Last line of defence: even a buggy code path cannot take a location below zero.
    check('stock_levels_on_hand_nonnegative', sql`${t.onHand} >= 0`),
  ],
);

export const stockMovements = pgTable(
  'stock_movements',
  {
    id: uuid('id').primaryKey(),
    productId: uuid('product_id').notNull().references(() => products.id),
    locationId: uuid('location_id').notNull().references(() => locations.id),
    type: text('type').notNull(),
    quantity: numeric('quantity', { precision: 14, scale: 3 }).notNull(),
    onHandBefore: numeric('on_hand_before', { precision: 14, scale: 3 }).notNull(),
    onHandAfter: numeric('on_hand_after', { precision: 14, scale: 3 }).notNull(),
    unitCost: numeric('unit_cost', { precision: 14, scale: 2 }),
    reason: text('reason'),
    reference: text('reference'),
    toLocationId: uuid('to_location_id').references(() => locations.id),
    // Both legs of a transfer share this id.
    transferId: uuid('transfer_id'),
    actor: text('actor').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    // The customer a sale ("out") was made to, when known: what a data-subject export lists and
    // what keeps a fiscal legal hold. After erasure it points at the pseudonymised customer row.
    customerId: uuid('customer_id').references(() => customers.id),
  },
  (t) => [
    index('stock_movements_customer_idx').on(t.customerId, t.createdAt).where(sql`${t.customerId} is not null`),
    check('stock_movements_customer_check', sql`${t.customerId} is null or ${t.type} = 'out'`),
    index('stock_movements_product_created_idx').on(t.productId, t.createdAt),
    index('stock_movements_location_created_idx').on(t.locationId, t.createdAt),
    index('stock_movements_created_idx').on(t.createdAt, t.id),
    check('stock_movements_type_check', sql`${t.type} in ('in', 'out', 'adjust', 'transfer')`),
    check('stock_movements_quantity_nonzero', sql`${t.quantity} <> 0`),
    check('stock_movements_balance_check', sql`${t.onHandAfter} = ${t.onHandBefore} + ${t.quantity} and ${t.onHandAfter} >= 0`),
  ],
);
