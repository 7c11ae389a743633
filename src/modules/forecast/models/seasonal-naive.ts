// Weekly seasonal naive: tomorrow sells what the same weekday sold last time it was observed.
// The benchmark every other model has to beat (and the scale of MASE).
import { WEEK, isObserved, observedMean, type Model, type Series } from './types.ts';

interface State {
  /** Last observed value for each position in the week, by day index mod 7. */
  last: Float64Array;
  /** Index of the next day to be fed. */
  t: number;
  /** Used for a weekday never observed yet. */
  fallback: number;
}

export const seasonalNaive: Model<null, State> = {
  name: 'seasonal_naive',
  minObserved: WEEK,
  grid: () => [null],
  init(y: Series, end: number): State {
    const fallback = observedMean(y, 0, end);
    return { last: new Float64Array(WEEK).fill(Number.NaN), t: 0, fallback: Number.isNaN(fallback) ? 0 : fallback };
  },
  step(s, y) {
    if (isObserved(y)) s.last[s.t % WEEK] = y;
    s.t++;
  },
  forecast(s, h) {
    const v = s.last[(s.t + h - 1) % WEEK]!;
    return isObserved(v) ? v : s.fallback;
  },
  // Each further week ahead adds one more week's worth of error.
  varianceFactor: (h) => 1 + Math.floor((h - 1) / WEEK),
};
