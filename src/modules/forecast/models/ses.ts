// Simple exponential smoothing: a level that follows the series at rate alpha, flat forecast.
// Suits steady sellers with no clear weekly pattern.
import { isObserved, observedMean, type Model, type Series } from './types.ts';

interface State {
  level: number;
}
export interface SesParams {
  alpha: number;
}

const GRID: readonly SesParams[] = [0.03, 0.06, 0.1, 0.15, 0.2, 0.3, 0.5].map((alpha) => ({ alpha }));

export const ses: Model<SesParams, State> = {
  name: 'ses',
  minObserved: 3,
  grid: () => GRID,
  init(y: Series, end: number): State {
    const first = observedMean(y, 0, Math.min(end, 14));
    return { level: Number.isNaN(first) ? 0 : first };
  },
  step(s, y, p) {
    if (isObserved(y)) s.level += p.alpha * (y - s.level);
  },
  forecast: (s) => s.level,
  varianceFactor: (h, p) => 1 + (h - 1) * p.alpha * p.alpha,
};
