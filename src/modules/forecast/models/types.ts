// The shape every forecasting model shares. A series is one value per store day, oldest first;
// NaN marks a censored day (the product was out of stock, so its demand is unknown, not zero).
// Models are small state machines: `init` from the first observations, `step` one day at a time,
// `forecast` h days ahead of the current state. The engine (engine.ts) fits their parameters,
// runs the rolling-origin backtest and builds the bands from `varianceFactor`.

export type Series = Float64Array;

export interface Model<P, S> {
  readonly name: ModelName;
  /** Observed (non-censored) days needed before the model is worth trying. */
  readonly minObserved: number;
  /** Candidate parameter sets; the engine keeps the one with the lowest one-step squared error. */
  grid(): readonly P[];
  init(y: Series, end: number, params: P): S;
  /** Feeds day y (NaN when censored) and advances the state by one day. */
  step(state: S, y: number, params: P): void;
  /** Point forecast h ≥ 1 days after the last day fed. */
  forecast(state: S, h: number, params: P): number;
  /** σ²_h / σ²_1: how the one-day-ahead error variance grows with the horizon. */
  varianceFactor(h: number, params: P): number;
}

export const MODEL_NAMES = ['seasonal_naive', 'ses', 'holt_winters', 'croston_sba'] as const;
export type ModelName = (typeof MODEL_NAMES)[number];
/** What a product with no observed day at all gets: a zero forecast. */
export type ForecastModelName = ModelName | 'none';

export const WEEK = 7;

export function isObserved(v: number): boolean {
  return !Number.isNaN(v);
}

/** Mean of the observed values in y[from, to); NaN when there are none. */
export function observedMean(y: Series, from: number, to: number): number {
  let sum = 0;
  let n = 0;
  for (let t = Math.max(0, from); t < Math.min(to, y.length); t++) {
    const v = y[t]!;
    if (isObserved(v)) {
      sum += v;
      n++;
    }
  }
  return n > 0 ? sum / n : Number.NaN;
}

export function countObserved(y: Series, from = 0, to = y.length): number {
  let n = 0;
  for (let t = from; t < to; t++) if (isObserved(y[t]!)) n++;
  return n;
}
