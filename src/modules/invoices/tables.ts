import { sql } from 'drizzle-orm';
import { check, date, index, integer, jsonb, numeric, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
// Foreign keys only; the invoices module reads products and suppliers through the catalog service.
import { products, suppliers } from '../catalog/tables.ts';

/**
 * Supplier invoices: a draft made from an uploaded file (or typed by hand), reviewed, then
 * confirmed into stock. The header's identity fields are columns (the duplicate rule and the
 * list filter need them); the lines, the per-field confidence and the warnings are the draft's
 * working document and live in jsonb, replaced as a whole on every edit.
 */
export const invoices = pgTable(
  'invoices',
  {
    id: uuid('id').primaryKey(),
    status: text('status').notNull().default('draft'),
    // AFIP comprobante type (1 = Factura A, 6 = B, 11 = C, …) when known.
    invoiceType: integer('invoice_type'),
    letter: text('letter'),
    pointOfSale: integer('point_of_sale'),
    number: integer('number'),
    issueDate: date('issue_date', { mode: 'string' }),
    issuerCuit: text('issuer_cuit'),
    issuerName: text('issuer_name'),
    cae: text('cae'),
    net: numeric('net', { precision: 14, scale: 2 }),
    vat: numeric('vat', { precision: 14, scale: 2 }),
    otherTaxes: numeric('other_taxes', { precision: 14, scale: 2 }),
    total: numeric('total', { precision: 14, scale: 2 }),
    supplierId: uuid('supplier_id').references(() => suppliers.id),
    /** `{ rate, base, amount }[]` as exact decimal strings. */
    vatBreakdown: jsonb('vat_breakdown').notNull().default([]),
    lines: jsonb('lines').notNull().default([]),
    sources: jsonb('sources').notNull(),
    confidence: jsonb('confidence').notNull().default({}),
    warnings: jsonb('warnings').notNull().default([]),
    /** The decoded AFIP QR payload, kept verbatim for the reviewer and for audits. */
    qrPayload: jsonb('qr_payload'),
    // The stored file (content-addressed under the data dir), absent for manual entry.
    fileSha256: text('file_sha256'),
    fileType: text('file_type'),
    fileSize: integer('file_size'),
    createdBy: text('created_by').notNull(),
    confirmedBy: text('confirmed_by'),
    confirmedAt: timestamp('confirmed_at', { withTimezone: true, mode: 'date' }),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    index('invoices_status_created_idx').on(t.status, t.createdAt, t.id),
    index('invoices_created_idx').on(t.createdAt, t.id),
    index('invoices_file_idx').on(t.fileSha256),
    // One confirmed invoice per identity: the race that passes the service's check stops here.
    uniqueIndex('invoices_confirmed_identity_key')
      .on(t.issuerCuit, t.letter, t.pointOfSale, t.number)
      .where(sql`${t.status} = 'confirmed'`),
    check('invoices_status_check', sql`${t.status} in ('draft', 'confirmed')`),
    check('invoices_letter_check', sql`${t.letter} is null or ${t.letter} in ('A', 'B', 'C')`),
    check('invoices_file_type_check', sql`${t.fileType} is null or ${t.fileType} in ('pdf', 'png', 'jpeg')`),
    check(
      'invoices_confirmed_identity_check',
      sql`${t.status} <> 'confirmed' or (${t.issuerCuit} is not null and ${t.letter} is not null and ${t.pointOfSale} is not null and ${t.number} is not null)`,
    ),
  ],
);

/**
 * What a supplier calls a product: learned when an invoice line with an article code is
 * confirmed against a product, and used to match that supplier's next invoices.
 */
export const invoiceSupplierCodes = pgTable(
  'invoice_supplier_codes',
  {
    issuerCuit: text('issuer_cuit').notNull(),
    code: text('code').notNull(),
    productId: uuid('product_id')
      .notNull()
      .references(() => products.id),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.issuerCuit, t.code], name: 'invoice_supplier_codes_pkey' })],
);
