// Accuracy measures (Hyndman & Koehler 2006). Both skip censored actuals: a stock-out day says
// nothing about demand, so it cannot be scored either.
import { WEEK, isObserved, type Series } from './types.ts';

/**
 * The MASE scale: the in-sample mean absolute error of the weekly seasonal naive forecast over
 * y[0, end). Falls back to the one-day naive when no weekday pair is observed; 0 when the series
 * never changes (MASE is then undefined).
 */
export function maseScale(y: Series, end: number, lag = WEEK): number {
  let sum = 0;
  let n = 0;
  for (let t = lag; t < end; t++) {
    const a = y[t]!;
    const b = y[t - lag]!;
    if (isObserved(a) && isObserved(b)) {
      sum += Math.abs(a - b);
      n++;
    }
  }
  if (n > 0) return sum / n;
  return lag > 1 ? maseScale(y, end, 1) : 0;
}

/** Running sums of absolute errors and actuals, for MASE and WAPE over many forecasts. */
export interface ErrorSums {
  absError: number;
  actual: number;
  count: number;
}

export function emptySums(): ErrorSums {
  return { absError: 0, actual: 0, count: 0 };
}

export function addError(sums: ErrorSums, actual: number, forecast: number): void {
  if (!isObserved(actual)) return;
  sums.absError += Math.abs(actual - forecast);
  sums.actual += Math.abs(actual);
  sums.count++;
}

/** Mean absolute error over the scale; null when undefined (no forecasts scored, or scale 0). */
export function mase(sums: ErrorSums, scale: number): number | null {
  if (sums.count === 0 || !(scale > 0)) return null;
  return sums.absError / sums.count / scale;
}

/** Σ|error| / Σ|actual|; null when nothing was sold in the scored days. */
export function wape(sums: ErrorSums): number | null {
  if (sums.count === 0 || !(sums.actual > 0)) return null;
  return sums.absError / sums.actual;
}
