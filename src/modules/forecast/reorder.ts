// Reorder point and suggested quantity (DOMAIN.md, Forecasting and reorder), in exact decimals
// from the forecast's daily points:
//   reorder_point = demand over the lead time + z·σ·√lead_time, rounded up to the unit's
//                   precision, never below the seasonal adjusted minimum;
//   suggested_qty = max(0, reorder_point + demand over the review period − on_hand − on_order),
//                   rounded up to whole units (a kilo or a litre for weighed goods).
import { Decimal } from 'decimal.js';

export interface ReorderInput {
  unit: string;
  onHand: string;
  onOrder: string;
  leadTimeDays: number;
  reviewDays: number;
  /** Forecast per day, starting today. */
  demand: readonly number[];
  /** One-day-ahead forecast error standard deviation. */
  sigma: number;
  /** Standard normal quantile of the service level (1.645 for 95 %). */
  z: number;
  /** The critical list's seasonal minimum for today. */
  adjustedMin: string;
}

export interface ReorderResult {
  dailyDemand: Decimal;
  leadTimeDemand: Decimal;
  safetyStock: Decimal;
  reorderPoint: Decimal;
  suggestedQty: Decimal;
}

function sum(values: readonly number[], from: number, to: number): Decimal {
  let total = new Decimal(0);
  for (let i = from; i < to; i++) total = total.plus(new Decimal(values[Math.min(i, values.length - 1)] ?? 0).toDecimalPlaces(6));
  return total;
}

function roundUpToUnit(value: Decimal, unit: string): Decimal {
  return unit === 'unit' ? value.toDecimalPlaces(0, Decimal.ROUND_CEIL) : value.toDecimalPlaces(3, Decimal.ROUND_CEIL);
}

export function reorderFor(input: ReorderInput): ReorderResult {
  const lead = Math.max(0, Math.floor(input.leadTimeDays));
  const review = Math.max(0, Math.floor(input.reviewDays));
  const leadTimeDemand = sum(input.demand, 0, lead);
  const reviewDemand = sum(input.demand, lead, lead + review);
  const span = Math.max(1, lead + review);
  const dailyDemand = sum(input.demand, 0, span).div(span).toDecimalPlaces(3, Decimal.ROUND_HALF_UP);
  const safetyStock = new Decimal(input.z).mul(new Decimal(input.sigma).toDecimalPlaces(6)).mul(new Decimal(lead).sqrt());
  const reorderPoint = Decimal.max(roundUpToUnit(leadTimeDemand.plus(safetyStock), input.unit), new Decimal(input.adjustedMin));
  const need = reorderPoint.plus(reviewDemand).minus(input.onHand).minus(input.onOrder);
  const suggestedQty = Decimal.max(0, need.toDecimalPlaces(0, Decimal.ROUND_CEIL));
  return { dailyDemand, leadTimeDemand, safetyStock, reorderPoint, suggestedQty };
}
