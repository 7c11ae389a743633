// Holt-Winters exponential smoothing with a damped additive trend and additive weekly seasonality,
// in error-correction form (ETS(A,Ad,A)):
//   ŷ = l + φb + s[t mod 7];  e = y − ŷ
//   l ← l + φb + αe;  b ← φb + βe;  s[t mod 7] ← s[t mod 7] + γe
// A censored day feeds its own forecast (e = 0): the state carries on unchanged in shape.
// β = 0 is in the grid, so "level + weekly season" (no trend) is one of its candidates.
import { WEEK, isObserved, observedMean, type Model, type Series } from './types.ts';

interface State {
  level: number;
  trend: number;
  season: Float64Array;
  t: number;
}
export interface HoltWintersParams {
  alpha: number;
  beta: number;
  gamma: number;
  phi: number;
}

function buildGrid(): HoltWintersParams[] {
  const grid: HoltWintersParams[] = [];
  for (const alpha of [0.03, 0.08, 0.15, 0.3, 0.5]) {
    for (const gamma of [0.01, 0.05, 0.1, 0.2]) {
      if (gamma > 1 - alpha) continue;
      grid.push({ alpha, beta: 0, gamma, phi: 1 });
      for (const beta of [0.005, 0.02]) {
        if (beta > alpha) continue;
        for (const phi of [0.9, 0.98]) grid.push({ alpha, beta, gamma, phi });
      }
    }
  }
  return grid;
}
const GRID = buildGrid();

/** φ + φ² + … + φ^h. */
function dampSum(phi: number, h: number): number {
  if (phi === 1) return h;
  return (phi * (1 - Math.pow(phi, h))) / (1 - phi);
}

export const holtWinters: Model<HoltWintersParams, State> = {
  name: 'holt_winters',
  minObserved: 2 * WEEK,
  grid: () => GRID,
  init(y: Series, end: number): State {
    // Level: mean of the first two weeks (or what there is); season: each weekday's mean
    // deviation from it over the first four weeks, centred so the seven sum to zero.
    const span = Math.min(end, 4 * WEEK);
    let level = observedMean(y, 0, Math.min(end, 2 * WEEK));
    if (Number.isNaN(level)) level = observedMean(y, 0, end);
    if (Number.isNaN(level)) level = 0;
    const season = new Float64Array(WEEK);
    const sums = new Float64Array(WEEK);
    const counts = new Float64Array(WEEK);
    for (let t = 0; t < span; t++) {
      const v = y[t]!;
      if (!isObserved(v)) continue;
      sums[t % WEEK]! += v - level;
      counts[t % WEEK]!++;
    }
    let total = 0;
    for (let i = 0; i < WEEK; i++) {
      season[i] = counts[i]! > 0 ? sums[i]! / counts[i]! : 0;
      total += season[i]!;
    }
    for (let i = 0; i < WEEK; i++) season[i]! -= total / WEEK;
    return { level, trend: 0, season, t: 0 };
  },
  step(s, y, p) {
    const slot = s.t % WEEK;
    const predicted = s.level + p.phi * s.trend + s.season[slot]!;
    const e = isObserved(y) ? y - predicted : 0;
    s.level = s.level + p.phi * s.trend + p.alpha * e;
    s.trend = p.phi * s.trend + p.beta * e;
    s.season[slot] = s.season[slot]! + p.gamma * e;
    s.t++;
  },
  forecast: (s, h, p) => s.level + dampSum(p.phi, h) * s.trend + s.season[(s.t + h - 1) % WEEK]!,
  varianceFactor(h, p) {
    // Hyndman et al., class 1 ETS: σ²_h = σ²(1 + Σ_{j<h} c_j²), c_j = α + β·(φ+…+φ^j) + γ·[j ≡ 0 mod 7].
    let sum = 1;
    for (let j = 1; j < h; j++) {
      const c = p.alpha + p.beta * dampSum(p.phi, j) + (j % WEEK === 0 ? p.gamma : 0);
      sum += c * c;
    }
    return sum;
  },
};
