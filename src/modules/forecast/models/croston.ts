// Croston's method with the Syntetos–Boylan correction (SBA) for intermittent demand: smooth the
// size of the non-zero sales and the interval between them separately; the rate is size/interval
// times (1 − alpha/2), which removes Croston's known upward bias. Censored days are skipped:
// they count neither as a zero nor towards the interval.
import { isObserved, type Model, type Series } from './types.ts';

interface State {
  size: number;
  interval: number;
  /** Observed days since the last non-zero sale. */
  since: number;
}
export interface CrostonParams {
  alpha: number;
}

const GRID: readonly CrostonParams[] = [0.05, 0.1, 0.15, 0.2, 0.3].map((alpha) => ({ alpha }));

export const crostonSba: Model<CrostonParams, State> = {
  name: 'croston_sba',
  minObserved: 7,
  grid: () => GRID,
  init(y: Series, end: number): State {
    // Start from the averages of the first (up to) 28 observed days.
    let sum = 0;
    let nonZero = 0;
    let observed = 0;
    for (let t = 0; t < end && observed < 28; t++) {
      const v = y[t]!;
      if (!isObserved(v)) continue;
      observed++;
      if (v > 0) {
        sum += v;
        nonZero++;
      }
    }
    if (nonZero === 0) return { size: 0, interval: Math.max(1, observed), since: 0 };
    return { size: sum / nonZero, interval: observed / nonZero, since: 0 };
  },
  step(s, y, p) {
    if (!isObserved(y)) return;
    s.since++;
    if (y > 0) {
      s.size += p.alpha * (y - s.size);
      s.interval += p.alpha * (s.since - s.interval);
      s.since = 0;
    }
  },
  forecast: (s, _h, p) => (s.interval > 0 ? ((1 - p.alpha / 2) * s.size) / s.interval : 0),
  varianceFactor: (h, p) => 1 + (h - 1) * p.alpha * p.alpha,
};
