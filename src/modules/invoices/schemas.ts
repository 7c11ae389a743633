import { z } from 'zod';
import { decimalInput, decimalString, isoTimestamp, paginationQuery } from '../../platform/http/schemas.ts';
import { cuitMessages, parseCuit } from '../catalog/cuit.ts';

export const LETTERS = ['A', 'B', 'C'] as const;
export const STATUSES = ['draft', 'confirmed'] as const;
const VAT_RATES = ['0', '2.5', '5', '10.5', '21', '27'] as const;

const cuit = z.string().transform((value, ctx) => {
  const parsed = parseCuit(value);
  if (!parsed.ok) {
    ctx.addIssue({ code: 'custom', message: cuitMessages[parsed.problem] });
    return z.NEVER;
  }
  return parsed.formatted;
});
const money = decimalInput({ scale: 2, min: 'nonnegative' });
const vatRate = z
  .union([z.string(), z.number()])
  .transform((v) => String(v).trim().replace(',', '.'))
  .pipe(z.enum(VAT_RATES, { message: 'la alícuota debe ser 0, 2.5, 5, 10.5, 21 o 27' }));
const isoDate = z.iso.date({ message: 'fecha inválida (AAAA-MM-DD)' });

export const headerInput = z.strictObject({
  invoice_type: z.number().int().min(1).max(999).nullable().optional(),
  letter: z.enum(LETTERS).nullable().optional(),
  point_of_sale: z.number().int().min(1).max(99_999).nullable().optional(),
  number: z.number().int().min(1).max(99_999_999).nullable().optional(),
  issue_date: isoDate.nullable().optional(),
  issuer_cuit: cuit.nullable().optional(),
  issuer_name: z.string().trim().min(1).max(200).nullable().optional(),
  cae: z.string().regex(/^\d{14}$/, 'el CAE tiene 14 dígitos').nullable().optional(),
  net: money.nullable().optional(),
  vat: money.nullable().optional(),
  other_taxes: money.nullable().optional(),
  total: money.nullable().optional(),
  vat_breakdown: z
    .array(z.strictObject({ rate: vatRate, base: money.nullable().optional(), amount: money }))
    .max(10)
    .optional(),
});

export const lineInput = z.strictObject({
  description: z.string().trim().min(1).max(200),
  code: z.string().trim().min(1).max(30).nullable().optional(),
  quantity: decimalInput({ scale: 3, min: 'positive' }),
  unit_price: decimalInput({ scale: 6, min: 'nonnegative' }),
  discount_rate: decimalInput({ scale: 2, min: 'nonnegative', integerDigits: 2 }).nullable().optional(),
  amount: money.optional(),
  vat_rate: vatRate.nullable().optional(),
  unit_cost: money.nullable().optional(),
  product_id: z.uuid().nullable().optional(),
});

export type HeaderInput = z.infer<typeof headerInput>;
export type LineInput = z.infer<typeof lineInput>;

export const manualBody = z.strictObject({
  header: headerInput.optional(),
  lines: z.array(lineInput).max(500).optional(),
  supplier_id: z.uuid().nullable().optional(),
});
export type ManualBody = z.infer<typeof manualBody>;

export const patchBody = manualBody.refine((b) => Object.keys(b).length > 0, { message: 'no hay campos para modificar' });
export type PatchBody = z.infer<typeof patchBody>;

export const confirmBody = z
  .strictObject({ location_id: z.uuid().optional() })
  .nullish()
  .meta({ description: 'Depósito que recibe la mercadería (MAIN si se omite)' });

export const listQuery = z.object({ ...paginationQuery, status: z.enum(STATUSES).optional() });
export type ListQuery = z.infer<typeof listQuery>;

const confidence = z.number().min(0).max(1);
const warning = z.object({ code: z.string(), message: z.string(), path: z.string().nullable() });

export const headerDto = z.object({
  invoice_type: z.number().int().nullable(),
  kind: z.enum(['factura', 'nota_debito', 'nota_credito']).nullable(),
  letter: z.enum(LETTERS).nullable(),
  point_of_sale: z.number().int().nullable(),
  number: z.number().int().nullable(),
  issue_date: z.string().nullable(),
  issuer_cuit: z.string().nullable(),
  issuer_name: z.string().nullable(),
  cae: z.string().nullable(),
  net: decimalString.nullable(),
  vat: decimalString.nullable(),
  other_taxes: decimalString.nullable(),
  total: decimalString.nullable(),
  vat_breakdown: z.array(z.object({ rate: z.string(), base: decimalString.nullable(), amount: decimalString })),
  currency: z.string(),
});

export const lineDto = z.object({
  description: z.string(),
  code: z.string().nullable(),
  quantity: decimalString,
  unit_price: decimalString,
  discount_rate: decimalString.nullable(),
  amount: decimalString,
  vat_rate: z.string().nullable(),
  unit_cost: decimalString.nullable().meta({ description: 'Costo unitario sin IVA que se registrará al confirmar' }),
  unit_cost_source: z.enum(['computed', 'manual']),
  product_id: z.string().nullable(),
  match: z.object({
    method: z.enum(['supplier_code', 'barcode', 'sku', 'name', 'manual']).nullable(),
    confidence: confidence.nullable(),
    candidates: z.array(z.object({ product_id: z.string(), sku: z.string(), name: z.string(), score: confidence })),
  }),
  confidence: z.object({ description: confidence, quantity: confidence, unit_price: confidence, amount: confidence }),
  movement_id: z.string().nullable(),
});

export const invoiceDto = z.object({
  id: z.string(),
  status: z.enum(STATUSES),
  header: headerDto,
  supplier_id: z.string().nullable(),
  lines: z.array(lineDto),
  sources: z.object({ qr: z.boolean(), text: z.boolean(), ocr: z.boolean() }),
  confidence: z.record(z.string(), confidence).meta({ description: 'Confianza (0–1) de cada campo del encabezado' }),
  field_sources: z.record(z.string(), z.enum(['qr', 'text', 'ocr', 'manual'])),
  warnings: z.array(warning),
  file: z
    .object({ sha256: z.string(), type: z.enum(['pdf', 'png', 'jpeg']), size: z.number().int(), url: z.string() })
    .nullable(),
  created_by: z.string(),
  created_at: isoTimestamp,
  updated_at: isoTimestamp,
  confirmed_by: z.string().nullable(),
  confirmed_at: isoTimestamp.nullable(),
});
export type InvoiceDto = z.infer<typeof invoiceDto>;

export const invoiceSummaryDto = z.object({
  id: z.string(),
  status: z.enum(STATUSES),
  letter: z.enum(LETTERS).nullable(),
  point_of_sale: z.number().int().nullable(),
  number: z.number().int().nullable(),
  issue_date: z.string().nullable(),
  issuer_cuit: z.string().nullable(),
  issuer_name: z.string().nullable(),
  total: decimalString.nullable(),
  supplier_id: z.string().nullable(),
  lines_count: z.number().int(),
  warnings_count: z.number().int(),
  sources: z.object({ qr: z.boolean(), text: z.boolean(), ocr: z.boolean() }),
  created_at: isoTimestamp,
  confirmed_at: isoTimestamp.nullable(),
});
