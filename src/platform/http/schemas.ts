// Shared zod building blocks for the public API: exact decimals, ids, pagination.
import { Decimal } from 'decimal.js';
import { z } from 'zod';

Decimal.set({ precision: 40, rounding: Decimal.ROUND_HALF_UP });

export interface DecimalInputOptions {
  /** Maximum digits after the point. */
  scale: number;
  /** Maximum digits before the point. */
  integerDigits?: number;
  min?: 'positive' | 'nonnegative' | 'nonzero' | 'any';
}

/**
 * A decimal accepted as a JSON string or number and normalized to a plain string, so no
 * arithmetic ever happens in binary floating point.
 */
export function decimalInput(options: DecimalInputOptions) {
  const integerDigits = options.integerDigits ?? 11;
  return z
    .union([z.string(), z.number()])
    .transform((raw, ctx) => {
      const text = typeof raw === 'number' ? String(raw) : raw.trim();
      if (!/^-?\d+(\.\d+)?$/.test(text) && !(typeof raw === 'number' && Number.isFinite(raw))) {
        ctx.addIssue({ code: 'custom', message: 'debe ser un número decimal (por ejemplo "12.50")' });
        return z.NEVER;
      }
      let value: Decimal;
      try {
        value = new Decimal(text);
      } catch {
        ctx.addIssue({ code: 'custom', message: 'debe ser un número decimal' });
        return z.NEVER;
      }
      if (!value.isFinite()) {
        ctx.addIssue({ code: 'custom', message: 'debe ser un número finito' });
        return z.NEVER;
      }
      if (value.decimalPlaces() > options.scale) {
        ctx.addIssue({ code: 'custom', message: `admite como máximo ${options.scale} decimales` });
        return z.NEVER;
      }
      if (value.abs().truncated().toFixed(0).replace('-', '').length > integerDigits) {
        ctx.addIssue({ code: 'custom', message: 'el número es demasiado grande' });
        return z.NEVER;
      }
      const min = options.min ?? 'nonnegative';
      if (min === 'positive' && !value.gt(0)) ctx.addIssue({ code: 'custom', message: 'debe ser mayor que cero' });
      else if (min === 'nonnegative' && value.lt(0)) ctx.addIssue({ code: 'custom', message: 'no puede ser negativo' });
      else if (min === 'nonzero' && value.isZero()) ctx.addIssue({ code: 'custom', message: 'no puede ser cero' });
      return value.toFixed();
    })
    .meta({ description: 'Decimal exacto como string (también se acepta número JSON)', examples: ['12.50'] });
}

/** Exact decimals leave the API as strings. */
export const decimalString = z.string().meta({ description: 'Decimal exacto', examples: ['1234.50'] });

export const idParam = z.object({ id: z.uuid({ message: 'id inválido' }) });

export const isoTimestamp = z.string().meta({ description: 'RFC 3339 UTC', examples: ['2026-03-01T12:00:00.000Z'] });

export const paginationQuery = {
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(500).optional(),
};

export function page<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), next_cursor: z.string().nullable() });
}

/** Formats a numeric string from the database to a fixed number of decimals. */
export function fixed(value: string | null | undefined, scale: number): string | null {
  if (value === null || value === undefined) return null;
  return new Decimal(value).toFixed(scale);
}

/** Quantities: no trailing zeros (`"12"`, `"0.25"`). */
export function quantity(value: string): string {
  return new Decimal(value).toFixed();
}

export function iso(date: Date | string): string {
  return (date instanceof Date ? date : new Date(date)).toISOString();
}

/** A query-string boolean: only "true"/"false" (and 1/0) are accepted. */
export const queryBoolean = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
