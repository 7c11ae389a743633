import { sql } from 'drizzle-orm';
import { check, index, integer, numeric, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

const timestamps = {
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
};

export const locations = pgTable('locations', {
  id: uuid('id').primaryKey(),
  code: text('code').notNull().unique('locations_code_key'),
  name: text('name').notNull(),
  createdAt: timestamps.createdAt,
});

export const suppliers = pgTable(
  'suppliers',
  {
    id: uuid('id').primaryKey(),
    name: text('name').notNull(),
    cuit: text('cuit').notNull(),
    email: text('email'),
    phone: text('phone'),
    address: text('address'),
    vatCondition: text('vat_condition'),
    leadTimeDays: integer('lead_time_days').notNull().default(2),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('suppliers_cuit_key').on(t.cuit),
    check('suppliers_lead_time_days_check', sql`${t.leadTimeDays} >= 0 and ${t.leadTimeDays} <= 365`),
  ],
);

export const products = pgTable(
  'products',
  {
    id: uuid('id').primaryKey(),
    sku: text('sku').notNull(),
    name: text('name').notNull(),
    category: text('category').notNull(),
    unit: text('unit').notNull(),
    barcode: text('barcode'),
    supplierId: uuid('supplier_id').references(() => suppliers.id),
    costPrice: numeric('cost_price', { precision: 14, scale: 2 }).notNull(),
    salePrice: numeric('sale_price', { precision: 14, scale: 2 }),
    vatRate: text('vat_rate').notNull().default('21'),
    minStock: numeric('min_stock', { precision: 14, scale: 3 }).notNull().default('0'),
    maxStock: numeric('max_stock', { precision: 14, scale: 3 }),
    // When cost_price last changed; the pricing engine's fallback for "days since last cost".
    costUpdatedAt: timestamp('cost_updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    archivedAt: timestamp('archived_at', { withTimezone: true, mode: 'date' }),
    ...timestamps,
  },
  (t) => [
    // SKUs and barcodes are unique among active products; an archived product frees them.
    uniqueIndex('products_sku_active_key').on(t.sku).where(sql`${t.archivedAt} is null`),
    uniqueIndex('products_barcode_active_key').on(t.barcode).where(sql`${t.archivedAt} is null and ${t.barcode} is not null`),
    index('products_category_idx').on(t.category),
    index('products_supplier_idx').on(t.supplierId),
    check('products_unit_check', sql`${t.unit} in ('unit', 'kg', 'l')`),
    check('products_vat_rate_check', sql`${t.vatRate} in ('0', '10.5', '21', '27')`),
    check('products_prices_check', sql`${t.costPrice} >= 0 and (${t.salePrice} is null or ${t.salePrice} >= 0)`),
    check('products_stock_bounds_check', sql`${t.minStock} >= 0 and (${t.maxStock} is null or ${t.maxStock} >= ${t.minStock})`),
  ],
);
