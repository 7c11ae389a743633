// The unit cost a confirmed line records, net of IVA like the catalog's cost_price (the pricing
// engine adds IVA on top). Letter A prints net prices; B prints prices with IVA included, so the
// line's rate (or the product's) is taken out; C issuers charge no IVA, so their price is the cost.
// Discounts are in the amount, so the cost is amount ÷ quantity.
import { Decimal } from 'decimal.js';
import type { DraftLine } from './draft.ts';

/** The line's amount net of IVA (what the units cost in all); null for a B line without a rate. */
function netAmount(letter: string | null, line: Pick<DraftLine, 'amount' | 'vat_rate'>): Decimal | null {
  const amount = new Decimal(line.amount);
  if (letter !== 'B') return amount;
  if (line.vat_rate === null) return null;
  return amount.div(new Decimal(1).plus(new Decimal(line.vat_rate).div(100)));
}

export function computedUnitCost(letter: string | null, line: Pick<DraftLine, 'quantity' | 'amount' | 'vat_rate'>): string | null {
  const q = new Decimal(line.quantity);
  if (!q.gt(0)) return null;
  const net = netAmount(letter, line);
  if (net === null) return null;
  return net.div(q).toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toFixed(2);
}

export function unitCostOf(letter: string | null, line: DraftLine): string | null {
  return line.unit_cost ?? computedUnitCost(letter, line);
}

/**
 * One cost per product for a confirmed invoice: what its lines cost in all ÷ all their units, free
 * units (a bonificación, cost 0) included, to 2 decimals like cost_price. Null for a product whose
 * units were all free: its cost is left as it was (a gift says nothing about what it costs).
 * Lines whose cost cannot be computed are left out (confirmation refuses them anyway).
 */
export function weightedCosts(letter: string | null, lines: (Pick<DraftLine, 'quantity' | 'amount' | 'vat_rate' | 'unit_cost'> & { product_id: string })[]): Map<string, string | null> {
  const sums = new Map<string, { paid: Decimal; units: Decimal }>();
  for (const line of lines) {
    const paid = line.unit_cost !== null ? new Decimal(line.unit_cost).times(line.quantity) : netAmount(letter, line);
    if (paid === null) continue;
    const sum = sums.get(line.product_id) ?? { paid: new Decimal(0), units: new Decimal(0) };
    sums.set(line.product_id, { paid: sum.paid.plus(paid), units: sum.units.plus(line.quantity) });
  }
  const out = new Map<string, string | null>();
  for (const [productId, { paid, units }] of sums) {
    out.set(productId, paid.gt(0) && units.gt(0) ? paid.div(units).toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toFixed(2) : null);
  }
  return out;
}
