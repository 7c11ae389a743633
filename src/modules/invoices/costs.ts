// The unit cost a confirmed line records, net of IVA like the catalog's cost_price (the pricing
// engine adds IVA on top). Letter A prints net prices; B prints prices with IVA included, so the
// line's rate (or the product's) is taken out; C issuers charge no IVA, so their price is the cost.
// Discounts are in the amount, so the cost is amount ÷ quantity.
import { Decimal } from 'decimal.js';
import type { DraftLine } from './draft.ts';

export function computedUnitCost(letter: string | null, line: Pick<DraftLine, 'quantity' | 'amount' | 'vat_rate'>): string | null {
  const q = new Decimal(line.quantity);
  if (!q.gt(0)) return null;
  let unit = new Decimal(line.amount).div(q);
  if (letter === 'B') {
    if (line.vat_rate === null) return null;
    unit = unit.div(new Decimal(1).plus(new Decimal(line.vat_rate).div(100)));
  }
  return unit.toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toFixed(2);
}

export function unitCostOf(letter: string | null, line: DraftLine): string | null {
  return line.unit_cost ?? computedUnitCost(letter, line);
}
