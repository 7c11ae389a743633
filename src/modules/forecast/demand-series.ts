// Daily demand per product from the ledger's day rows (DOMAIN.md, Forecasting and reorder):
// units sold by `out` sale movements per store day; a day on which the shelf ran empty is
// censored (NaN) — nothing to sell is not zero demand. Censored when the stock over all
// locations closed the day at zero, or when an `out` emptied a location during the day (a
// sell-out at noon, even if a delivery came later). A product's series starts on its first day
// with a movement, or at the window's start if it already had movements before.
import type { DemandHistory } from '../stock/demand.ts';

/** Quantities as integer thousandths: exact for the ledger's numeric(14,3). */
function milli(text: string): number {
  return Math.round(Number(text) * 1000);
}

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

export function addDays(isoDate: string, days: number): string {
  const d = new Date(Date.parse(`${isoDate}T00:00:00Z`) + days * 86_400_000);
  return d.toISOString().slice(0, 10);
}

export interface DemandSeries {
  /** The store day of values[0]. */
  start: string;
  values: Float64Array;
}

export function buildDemandSeries(history: Pick<DemandHistory, 'from' | 'through' | 'opening' | 'days'>, productIds: readonly string[]): Map<string, DemandSeries> {
  const length = daysBetween(history.from, history.through) + 1;
  const byProduct = new Map<string, { sales: Float64Array; net: Float64Array; soldOut: Uint8Array; first: number }>();
  const wanted = new Set(productIds);
  for (const row of history.days) {
    if (!wanted.has(row.product_id) || row.day < 0 || row.day >= length) continue;
    let entry = byProduct.get(row.product_id);
    if (!entry) {
      entry = { sales: new Float64Array(length), net: new Float64Array(length), soldOut: new Uint8Array(length), first: length };
      byProduct.set(row.product_id, entry);
    }
    entry.sales[row.day] = milli(row.sales);
    entry.net[row.day] = milli(row.net);
    if (row.sold_out) entry.soldOut[row.day] = 1;
    entry.first = Math.min(entry.first, row.day);
  }

  const result = new Map<string, DemandSeries>();
  for (const id of productIds) {
    const opening = history.opening.get(id);
    const entry = byProduct.get(id);
    if (!entry) {
      // No movement in the window: a product that had stock before it sold nothing every day;
      // one that never moved has no history at all.
      if (opening === undefined) result.set(id, { start: history.through, values: new Float64Array(0) });
      else result.set(id, { start: history.from, values: new Float64Array(length).fill(milli(opening) > 0 ? 0 : Number.NaN) });
      continue;
    }
    const start = opening === undefined ? entry.first : 0;
    const values = new Float64Array(length - start);
    let stock = opening === undefined ? 0 : milli(opening);
    for (let d = start; d < length; d++) {
      stock += entry.net[d]!;
      const censored = stock <= 0 || entry.soldOut[d] === 1;
      values[d - start] = censored ? Number.NaN : entry.sales[d]! / 1000;
    }
    result.set(id, { start: addDays(history.from, start), values });
  }
  return result;
}
