// Amounts as printed on Argentine invoices: `1.234,56`, `1234.56`, `$ 18.150,00`, `-15,00`.
import { Decimal } from 'decimal.js';

const AMOUNT_TOKEN = /^-?\$?\s?-?\d{1,3}(?:[.,\s]\d{3})*(?:[.,]\d+)?$|^-?\$?\s?-?\d+(?:[.,]\d+)?$/;

/**
 * The rightmost separator followed by exactly 2 digits is the decimal one (DOMAIN.md); every
 * other separator groups thousands. A lone separator followed by 1 or 4+ digits is decimal too
 * (`0,5`, `1,2500`); one followed by exactly 3 digits groups thousands (`1.234`) unless the
 * integer part is 0 (`0,250`). Returns an exact decimal string, or null if it is not a number.
 */
export function parseAmount(raw: string): string | null {
  let text = raw.trim().replace(/\u00a0/g, ' ');
  if (!AMOUNT_TOKEN.test(text)) return null;
  const negative = text.includes('-');
  text = text.replace(/[-$\s]/g, '');
  if (text === '') return null;
  const last = Math.max(text.lastIndexOf(','), text.lastIndexOf('.'));
  let intPart = text;
  let fraction = '';
  if (last >= 0) {
    const after = text.slice(last + 1);
    const before = text.slice(0, last);
    const separators = (text.match(/[.,]/g) ?? []).length;
    const decimal =
      after.length === 2 ||
      (separators === 1 && after.length !== 3) ||
      (separators === 1 && after.length === 3 && /^0+$/.test(before)) ||
      // `1.234.567,5`: a different separator on the right is decimal whatever its length.
      (separators > 1 && text[last] !== text[text.search(/[.,]/)] && after.length !== 3);
    if (decimal) {
      intPart = before;
      fraction = after;
    }
  }
  intPart = intPart.replace(/[.,]/g, '');
  if (!/^\d+$/.test(intPart) || !/^\d*$/.test(fraction)) return null;
  const value = new Decimal(`${intPart}${fraction ? `.${fraction}` : ''}`);
  return (negative ? value.neg() : value).toFixed();
}

/** Money with 2 decimals, half-up. */
export function money(value: Decimal.Value): string {
  return new Decimal(value).toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toFixed(2);
}

/** Quantities with at most 3 decimals, no trailing zeros. */
export function qty(value: Decimal.Value): string {
  return new Decimal(value).toDecimalPlaces(3, Decimal.ROUND_HALF_UP).toFixed();
}
