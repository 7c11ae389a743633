// Generated demand series with known structure for the forecasting benchmark: weekly seasonal,
// trending (with a weekly pattern) and intermittent sellers, plus stock-outs (censored days).
// Deterministic: the same seed gives the same series.

export type SyntheticKind = 'seasonal' | 'trending' | 'intermittent';

export interface SyntheticSeries {
  id: string;
  kind: SyntheticKind;
  /** Daily sales, NaN on censored (stock-out) days. */
  values: Float64Array;
}

/** Mulberry32: small, fast, good enough for test data. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function poisson(next: () => number, mean: number): number {
  if (mean <= 0) return 0;
  if (mean > 50) return Math.max(0, Math.round(mean + Math.sqrt(mean) * gaussian(next)));
  const limit = Math.exp(-mean);
  let k = 0;
  let p = next();
  while (p > limit) {
    k++;
    p *= next();
  }
  return k;
}

function gaussian(next: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
}

// Sunday..Saturday, like a mini-market: quiet Sunday, busy Friday and Saturday.
const WEEKDAY = [0.55, 0.9, 0.9, 0.95, 1.0, 1.25, 1.45];

export function syntheticSeries(kind: SyntheticKind, days: number, seed: number, id = `${kind}-${seed}`): SyntheticSeries {
  const next = rng(seed);
  const values = new Float64Array(days);
  const base = kind === 'intermittent' ? 0.1 + next() * 0.4 : 2 + next() * 30;
  const slope = kind === 'trending' ? (next() < 0.5 ? -1 : 1) * (0.3 + next() * 0.9) / 365 : 0; // ±30–120 % a year
  const annual = kind === 'seasonal' ? 0.15 + next() * 0.25 : 0;
  const phase = next() * 365;
  const startDow = Math.floor(next() * 7);
  // Stock-outs: a few runs of 1–4 days.
  const stockOutRate = 0.01 + next() * 0.02;
  let outFor = 0;
  for (let t = 0; t < days; t++) {
    const weekday = kind === 'intermittent' ? 1 : WEEKDAY[(startDow + t) % 7]!;
    const trend = Math.max(0.05, 1 + slope * t);
    const season = 1 + annual * Math.cos((2 * Math.PI * (t - phase)) / 365);
    const mean = base * weekday * trend * season;
    let sold = kind === 'intermittent' ? intermittentDay(next, mean) : poisson(next, mean);
    if (outFor === 0 && next() < stockOutRate) outFor = 1 + Math.floor(next() * 4);
    if (outFor > 0) {
      outFor--;
      sold = Number.NaN;
    }
    values[t] = sold;
  }
  return { id, kind, values };
}

function intermittentDay(next: () => number, rate: number): number {
  // Occasions at `rate / 1.5` a day, 1 + Poisson(0.5) units each.
  const occasions = poisson(next, rate / 1.5);
  let units = 0;
  for (let i = 0; i < occasions; i++) units += 1 + poisson(next, 0.5);
  return units;
}

/** `count` series split evenly over the three kinds. */
export function syntheticSet(count: number, days: number, seed = 1): SyntheticSeries[] {
  const kinds: SyntheticKind[] = ['seasonal', 'trending', 'intermittent'];
  return Array.from({ length: count }, (_, i) => syntheticSeries(kinds[i % 3]!, days, seed * 100_003 + i));
}
