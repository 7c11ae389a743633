import { z } from 'zod';
import { decimalInput, decimalString, fixed, iso, isoTimestamp, paginationQuery, quantity } from '../../platform/http/schemas.ts';
import type { MovementRow } from './repo.ts';
import { SEASONS } from './seasons.ts';

export const MOVEMENT_TYPES = ['in', 'out', 'adjust', 'transfer'] as const;
export type MovementType = (typeof MOVEMENT_TYPES)[number];

const text = (max: number) => z.string().trim().min(1).max(max);

export const movementBody = z
  .strictObject({
    product_id: z.uuid(),
    type: z.enum(MOVEMENT_TYPES),
    quantity: decimalInput({ scale: 3, min: 'any' }),
    location_id: z.uuid().optional(),
    to_location_id: z.uuid().optional(),
    unit_cost: decimalInput({ scale: 2, min: 'nonnegative' }).optional(),
    reason: text(200).optional(),
    reference: text(200).optional(),
    customer_id: z.uuid({ message: 'id de cliente inválido' }).optional().meta({ description: 'Cliente de una venta (solo salidas).' }),
  })
  .superRefine((b, ctx) => {
    const negative = b.quantity.startsWith('-');
    const zero = /^-?0(\.0+)?$/.test(b.quantity);
    if (b.type === 'adjust' ? zero : negative || zero) {
      ctx.addIssue({
        code: 'custom',
        path: ['quantity'],
        message: b.type === 'adjust' ? 'el ajuste no puede ser cero' : 'la cantidad debe ser mayor que cero',
      });
    }
    if (b.type === 'transfer' && !b.to_location_id) {
      ctx.addIssue({ code: 'custom', path: ['to_location_id'], message: 'la transferencia necesita un depósito de destino' });
    }
    if (b.type !== 'transfer' && b.to_location_id) {
      ctx.addIssue({ code: 'custom', path: ['to_location_id'], message: 'solo las transferencias tienen destino' });
    }
    if (b.type !== 'in' && b.unit_cost !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['unit_cost'], message: 'el costo unitario solo se informa en ingresos' });
    }
    if (b.type !== 'out' && b.customer_id !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['customer_id'], message: 'el cliente solo se informa en ventas (salidas)' });
    }
  });
export type MovementBody = z.infer<typeof movementBody>;

export const movementDto = z.object({
  id: z.string(),
  product_id: z.string(),
  location_id: z.string(),
  type: z.enum(MOVEMENT_TYPES),
  quantity: decimalString,
  on_hand_before: decimalString,
  on_hand_after: decimalString,
  unit_cost: decimalString.nullable(),
  reason: z.string().nullable(),
  reference: z.string().nullable(),
  to_location_id: z.string().nullable(),
  customer_id: z.string().nullable(),
  actor: z.string(),
  created_at: isoTimestamp,
});
export type MovementDto = z.infer<typeof movementDto>;

export const movementResponse = z.object({ movement: movementDto, counterpart: movementDto.optional() });

export function toMovementDto(row: MovementRow): MovementDto {
  return {
    id: row.id,
    product_id: row.productId,
    location_id: row.locationId,
    type: row.type as MovementType,
    quantity: quantity(row.quantity),
    on_hand_before: quantity(row.onHandBefore),
    on_hand_after: quantity(row.onHandAfter),
    unit_cost: fixed(row.unitCost, 2),
    reason: row.reason,
    reference: row.reference,
    to_location_id: row.toLocationId,
    customer_id: row.customerId,
    actor: row.actor,
    created_at: iso(row.createdAt),
  };
}

/** `from`/`to` accept a date (whole day in the store's zone is the caller's job) or an instant. */
const instant = z.union([z.iso.datetime({ offset: true }), z.iso.date()]);

export const movementListQuery = z.object({
  ...paginationQuery,
  product_id: z.uuid().optional(),
  location_id: z.uuid().optional(),
  type: z.enum(MOVEMENT_TYPES).optional(),
  from: instant.optional(),
  to: instant.optional(),
});
export type MovementListQuery = z.infer<typeof movementListQuery>;

export const levelListQuery = z.object({
  ...paginationQuery,
  product_id: z.uuid().optional(),
  location_id: z.uuid().optional(),
});

export const levelDto = z.object({
  product_id: z.string(),
  location_id: z.string(),
  on_hand: decimalString,
  updated_at: isoTimestamp,
});

export const criticalQuery = z.object({ ...paginationQuery, limit: paginationQuery.limit.default(500), date: z.iso.date().optional() });

export const criticalItem = z.object({
  product_id: z.string(),
  sku: z.string(),
  name: z.string(),
  category: z.string(),
  unit: z.string(),
  on_hand: decimalString,
  min_stock: decimalString,
  season: z.enum(SEASONS),
  season_factor: decimalString,
  adjusted_min: decimalString,
  deficit: decimalString,
});
export const criticalResponse = z.object({
  date: z.string(),
  season: z.enum(SEASONS),
  items: z.array(criticalItem),
  next_cursor: z.string().nullable(),
});

export const countBody = z.strictObject({
  location_id: z.uuid().optional(),
  reason: text(200).optional(),
  lines: z
    .array(z.strictObject({ product_id: z.uuid(), counted: decimalInput({ scale: 3, min: 'nonnegative' }) }))
    .min(1)
    .max(2000)
    .superRefine((lines, ctx) => {
      const seen = new Set<string>();
      lines.forEach((l, i) => {
        if (seen.has(l.product_id)) {
          ctx.addIssue({ code: 'custom', path: [i, 'product_id'], message: 'producto repetido en el conteo' });
        }
        seen.add(l.product_id);
      });
    }),
});
export type CountBody = z.infer<typeof countBody>;

export const countResponse = z.object({
  location_id: z.string(),
  lines_counted: z.number().int(),
  unchanged: z.number().int(),
  movements: z.array(movementDto),
});

export const integrityResponse = z.object({
  ok: z.boolean(),
  products_checked: z.number().int(),
  mismatches: z.array(
    z.object({ product_id: z.string(), location_id: z.string(), level: decimalString, ledger: decimalString }),
  ),
});

const factor = z
  .union([z.string(), z.number()])
  .transform((v) => String(v))
  .pipe(z.string().regex(/^\d{1,2}(\.\d{1,3})?$/, 'factor decimal entre 0 y 99.999'));
const factors = z.strictObject({ verano: factor, otono: factor, invierno: factor, primavera: factor });

export const seasonSettingsSchema = z.strictObject({
  default: factors,
  by_category: z.record(z.string().trim().toLowerCase().min(1).max(60), factors.partial()).default({}),
});

// Responses are encoded by their schema, and a transform cannot be encoded: the output has its own.
const factorsDto = z.object({ verano: decimalString, otono: decimalString, invierno: decimalString, primavera: decimalString });
export const seasonSettingsDto = z.object({ default: factorsDto, by_category: z.record(z.string(), factorsDto.partial()) });
