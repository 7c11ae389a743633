import { Decimal } from 'decimal.js';
import { z } from 'zod';
import { decimalInput, decimalString, isoTimestamp, paginationQuery } from '../../platform/http/schemas.ts';
import { ROUNDING_STEPS } from './engine.ts';

const category = z.string().trim().toLowerCase().min(1).max(60);
const atMost = (max: string) => (v: string) => new Decimal(v).lte(max);

/** 0 ≤ rate ≤ 1 (100 % a month), up to 6 decimals. */
const monthlyRate = decimalInput({ scale: 6, integerDigits: 1, min: 'nonnegative' }).refine(atMost('1'), {
  message: 'la inflación mensual va de 0 a 1 (0 % a 100 %); por ejemplo 0.045 para 4,5 %',
});
/** 0 ≤ markup ≤ 10 (1000 %), up to 4 decimals. */
const markup = decimalInput({ scale: 4, integerDigits: 2, min: 'nonnegative' }).refine(atMost('10'), {
  message: 'el margen va de 0 a 10 (0 % a 1000 %); por ejemplo 0.35 para 35 %',
});
const rounding = z
  .union([z.string(), z.number()])
  .transform((v) => String(v).trim())
  .pipe(z.enum(ROUNDING_STEPS, { message: 'el redondeo debe ser 1, 10, 50 o 100' }));

export const pricingSettingsBody = z.strictObject({
  monthly_inflation_rate: monthlyRate,
  markup_by_category: z
    .record(category, markup)
    .refine((r) => Object.keys(r).length <= 500, { message: 'como máximo 500 categorías' }),
  default_markup: markup,
  rounding,
});

export const pricingSettingsDto = z.object({
  monthly_inflation_rate: decimalString,
  markup_by_category: z.record(z.string(), decimalString),
  default_markup: decimalString,
  rounding: z.enum(ROUNDING_STEPS),
});

export const quoteQuery = z.object({ date: z.iso.date({ message: 'fecha inválida; use AAAA-MM-DD' }).optional() });

export const quoteDto = z.object({
  product_id: z.string(),
  date: z.string().meta({ description: 'Día del cálculo (AAAA-MM-DD, zona horaria del comercio)' }),
  cost_price: decimalString,
  last_cost_date: z.string(),
  last_cost_source: z.enum(['receipt', 'cost_update']).meta({
    description: 'receipt: último ingreso con costo unitario; cost_update: alta o edición del costo del producto',
  }),
  days: z.number().int(),
  monthly_inflation_rate: decimalString,
  inflation_factor: decimalString,
  replacement_cost: decimalString,
  markup: decimalString,
  vat_rate: z.string(),
  suggested_price: decimalString,
  suggested_net_price: decimalString,
  suggested_vat: decimalString,
  current_price: decimalString.nullable(),
  current_margin: decimalString.nullable(),
  suggested_margin: decimalString.nullable(),
  rounding: z.enum(ROUNDING_STEPS),
});

export const repriceBody = z
  .strictObject({
    category: category.optional(),
    dry_run: z.boolean().default(true),
    product_ids: z.array(z.uuid()).min(1).max(10_000).optional(),
    note: z.string().trim().min(1).max(200).optional(),
  })
  // No body at all (Fastify hands over null) is a dry run of the whole store.
  .nullish()
  .transform((body) => body ?? { dry_run: true });
export type RepriceBody = z.infer<typeof repriceBody>;

export const changeDto = z.object({
  product_id: z.string(),
  sku: z.string(),
  name: z.string(),
  category: z.string(),
  unit: z.string(),
  barcode: z.string().nullable(),
  old_price: decimalString.nullable(),
  new_price: decimalString,
  change_pct: decimalString.nullable(),
  cost_price: decimalString,
  last_cost_date: z.string(),
  days: z.number().int(),
  inflation_factor: decimalString,
  replacement_cost: decimalString,
  markup: decimalString,
  vat_rate: z.string(),
  old_margin: decimalString.nullable(),
  new_margin: decimalString.nullable(),
});
export type ChangeDto = z.infer<typeof changeDto>;

export const repriceResponse = z.object({
  dry_run: z.boolean(),
  date: z.string(),
  run_id: z.string().nullable(),
  category: z.string().nullable(),
  settings: pricingSettingsDto,
  changes: z.array(changeDto),
  unchanged: z.number().int(),
  skipped: z.array(z.object({ product_id: z.string(), sku: z.string(), name: z.string(), reason: z.enum(['no_cost']) })),
});

export const PRICE_CHANGE_REASONS = ['reprice', 'scheduled_reprice', 'product_create', 'product_edit'] as const;

export const historyItemDto = z.object({
  id: z.string(),
  product_id: z.string(),
  old_price: decimalString.nullable(),
  new_price: decimalString.nullable(),
  reason: z.enum(PRICE_CHANGE_REASONS),
  note: z.string().nullable(),
  run_id: z.string().nullable(),
  actor: z.string(),
  created_at: isoTimestamp,
  details: z.record(z.string(), z.unknown()),
});

export const labelledChangeDto = historyItemDto.extend({
  sku: z.string(),
  name: z.string(),
  category: z.string(),
  unit: z.string(),
  barcode: z.string().nullable(),
  vat_rate: z.string(),
});

export const historyQuery = z.object({ ...paginationQuery });

/** `from`/`to`: a date (that whole day in the store's zone) or an instant. */
const instant = z.union([z.iso.datetime({ offset: true }), z.iso.date()]);
export const changesQuery = z.object({
  ...paginationQuery,
  limit: paginationQuery.limit.default(100),
  run_id: z.uuid().optional(),
  from: instant.optional(),
  to: instant.optional(),
});
export type ChangesQuery = z.infer<typeof changesQuery>;

export const runDto = z.object({
  id: z.string(),
  trigger: z.enum(['manual', 'scheduled']),
  scheduled_for: z.string().nullable(),
  category: z.string().nullable(),
  note: z.string().nullable(),
  actor: z.string(),
  changed: z.number().int(),
  settings: pricingSettingsDto,
  created_at: isoTimestamp,
});
