import { z } from 'zod';
import { decimalInput, decimalString, fixed, iso, isoTimestamp, paginationQuery, quantity, queryBoolean } from '../../platform/http/schemas.ts';
import { cuitMessages, parseCuit } from './cuit.ts';
import type { LocationRow, ProductRow, SupplierRow } from './repo.ts';

export const UNITS = ['unit', 'kg', 'l'] as const;
export const VAT_RATES = ['0', '10.5', '21', '27'] as const;

const sku = z
  .string()
  .transform((s) => s.trim().toUpperCase())
  .pipe(z.string().regex(/^[A-Z0-9_-]{1,50}$/, 'el SKU admite 1 a 50 caracteres A-Z, 0-9, _ y -'));
const barcode = z.string().trim().regex(/^[0-9A-Za-z-]{4,64}$/, 'código de barras inválido');
const name = z.string().trim().min(1).max(200);
const category = z.string().trim().toLowerCase().min(1).max(60);
const vatRate = z
  .union([z.string(), z.number()])
  .transform((v) => String(v).trim())
  .pipe(z.enum(VAT_RATES, { message: 'la alícuota de IVA debe ser 0, 10.5, 21 o 27' }));
const money = decimalInput({ scale: 2, min: 'nonnegative' });
const stockQty = decimalInput({ scale: 3, min: 'nonnegative' });

export const productCreateBody = z.strictObject({
  sku,
  name,
  category,
  unit: z.enum(UNITS).default('unit'),
  barcode: barcode.nullish(),
  supplier_id: z.uuid().nullish(),
  cost_price: money,
  sale_price: money.nullish(),
  vat_rate: vatRate.default('21'),
  min_stock: stockQty.default('0'),
  max_stock: stockQty.nullish(),
});

export const productUpdateBody = z
  .strictObject({
    name: name.optional(),
    category: category.optional(),
    unit: z.enum(UNITS).optional(),
    barcode: barcode.nullish(),
    supplier_id: z.uuid().nullish(),
    cost_price: money.optional(),
    sale_price: money.nullish(),
    vat_rate: vatRate.optional(),
    min_stock: stockQty.optional(),
    max_stock: stockQty.nullish(),
  })
  .refine((b) => Object.keys(b).length > 0, { message: 'no hay campos para modificar' });

export type ProductCreate = z.infer<typeof productCreateBody>;
export type ProductUpdate = z.infer<typeof productUpdateBody>;

export const productListQuery = z.object({
  ...paginationQuery,
  q: z.string().trim().max(200).optional(),
  sku: z.string().trim().max(50).optional(),
  barcode: z.string().trim().max(64).optional(),
  category: z.string().trim().max(60).optional(),
  supplier_id: z.uuid().optional(),
  below_min: queryBoolean.optional(),
  archived: queryBoolean.optional(),
});
export type ProductListQuery = z.infer<typeof productListQuery>;

export const productDto = z.object({
  id: z.string(),
  sku: z.string(),
  name: z.string(),
  category: z.string(),
  unit: z.enum(UNITS),
  barcode: z.string().nullable(),
  supplier_id: z.string().nullable(),
  cost_price: decimalString,
  sale_price: decimalString.nullable(),
  vat_rate: z.enum(VAT_RATES),
  min_stock: decimalString,
  max_stock: decimalString.nullable(),
  on_hand: decimalString,
  archived: z.boolean(),
  created_at: isoTimestamp,
  updated_at: isoTimestamp,
});

export function toProductDto(row: ProductRow & { onHand: string }): z.infer<typeof productDto> {
  return {
    id: row.id,
    sku: row.sku,
    name: row.name,
    category: row.category,
    unit: row.unit as (typeof UNITS)[number],
    barcode: row.barcode,
    supplier_id: row.supplierId,
    cost_price: fixed(row.costPrice, 2)!,
    sale_price: fixed(row.salePrice, 2),
    vat_rate: row.vatRate as (typeof VAT_RATES)[number],
    min_stock: quantity(row.minStock),
    max_stock: row.maxStock === null ? null : quantity(row.maxStock),
    on_hand: quantity(row.onHand),
    archived: row.archivedAt !== null,
    created_at: iso(row.createdAt),
    updated_at: iso(row.updatedAt),
  };
}

const cuit = z.string().transform((value, ctx) => {
  const parsed = parseCuit(value);
  if (!parsed.ok) {
    ctx.addIssue({ code: 'custom', message: cuitMessages[parsed.problem] });
    return z.NEVER;
  }
  return parsed.formatted;
});

const supplierFields = {
  name,
  cuit,
  email: z.email().max(254).nullish(),
  phone: z.string().trim().max(50).nullish(),
  address: z.string().trim().max(300).nullish(),
  vat_condition: z.string().trim().max(60).nullish(),
  lead_time_days: z.coerce.number().int().min(0).max(365).default(2),
};

export const supplierCreateBody = z.strictObject(supplierFields);
export const supplierUpdateBody = z
  .strictObject({
    ...supplierFields,
    name: name.optional(),
    cuit: cuit.optional(),
    lead_time_days: z.coerce.number().int().min(0).max(365).optional(),
  })
  .refine((b) => Object.keys(b).length > 0, { message: 'no hay campos para modificar' });
export type SupplierCreate = z.infer<typeof supplierCreateBody>;
export type SupplierUpdate = z.infer<typeof supplierUpdateBody>;

export const supplierListQuery = z.object({
  ...paginationQuery,
  q: z.string().trim().max(200).optional(),
  cuit: z.string().trim().max(20).optional(),
});

export const supplierDto = z.object({
  id: z.string(),
  name: z.string(),
  cuit: z.string(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  address: z.string().nullable(),
  vat_condition: z.string().nullable(),
  lead_time_days: z.number().int(),
  created_at: isoTimestamp,
  updated_at: isoTimestamp,
});

export function toSupplierDto(row: SupplierRow): z.infer<typeof supplierDto> {
  return {
    id: row.id,
    name: row.name,
    cuit: row.cuit,
    email: row.email,
    phone: row.phone,
    address: row.address,
    vat_condition: row.vatCondition,
    lead_time_days: row.leadTimeDays,
    created_at: iso(row.createdAt),
    updated_at: iso(row.updatedAt),
  };
}

export const locationCreateBody = z.strictObject({
  code: z
    .string()
    .transform((s) => s.trim().toUpperCase())
    .pipe(z.string().regex(/^[A-Z0-9_-]{1,30}$/, 'el código admite 1 a 30 caracteres A-Z, 0-9, _ y -')),
  name: name,
});

export const locationDto = z.object({ id: z.string(), code: z.string(), name: z.string(), created_at: isoTimestamp });

export function toLocationDto(row: LocationRow): z.infer<typeof locationDto> {
  return { id: row.id, code: row.code, name: row.name, created_at: iso(row.createdAt) };
}
