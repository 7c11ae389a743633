// Exact decimals on the client, with decimal.js (the server's library): what people type in
// Argentina ("1.234,50", "1,5", "2") becomes the API's decimal string, and comparisons or
// differences never pass through binary floating point.
import { Decimal } from 'decimal.js';

/**
 * Typed text → the API's decimal string ("1.234,5" → "1234.5"), or null when it is not a number
 * within `maxDecimals` (and non-negative unless `signed`). With a comma, the comma is the decimal
 * separator and dots group thousands; without one, a dot is the decimal separator ("1.5").
 * Empty input gives "".
 */
export function parseDecimalInput(input: string, { maxDecimals = 6, signed = false }: { maxDecimals?: number; signed?: boolean } = {}): string | null {
  let text = input.trim().replace(/\s+/g, '').replace(/^\$/, '');
  if (text === '') return '';
  if (text.includes(',')) text = text.replace(/\./g, '').replace(',', '.');
  const pattern = new RegExp(`^${signed ? '[+-]?' : ''}\\d+(\\.\\d{1,${maxDecimals}})?$`);
  if (!pattern.test(text)) return null;
  return new Decimal(text).toFixed();
}

/** The API's decimal string → how it is shown in an input ("1234.50" → "1234,50"). */
export function toInputDecimal(value: string | null | undefined): string {
  return value ? value.replace('.', ',') : '';
}

/** The API's decimal string with a decimal comma and no grouping (CSV cells Excel reads as numbers). */
export const toCsvDecimal = toInputDecimal;

export function compareDecimal(a: string, b: string): number {
  return new Decimal(a).comparedTo(b);
}

export function subtract(a: string, b: string): string {
  return new Decimal(a).minus(b).toFixed();
}

export function isWhole(value: string): boolean {
  return new Decimal(value).isInteger();
}

export function isZero(value: string): boolean {
  return new Decimal(value).isZero();
}

export function isNegative(value: string): boolean {
  return new Decimal(value).isNegative() && !new Decimal(value).isZero();
}

/** Below its minimum, by the same rule as the API's `below_min` filter. */
export function isBelowMin(onHand: string, minStock: string): boolean {
  return compareDecimal(minStock, '0') > 0 && compareDecimal(onHand, minStock) <= 0;
}
