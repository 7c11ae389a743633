// One product's forecast: fit every candidate model, score each by rolling-origin backtest, keep
// the best (lowest MASE), and forecast the next days with a band. Pure and synchronous: the
// worker threads call it, and so do the unit tests and the benchmark.
//
// Rolling origin, cheaply: a model's parameters are fitted once on the days before the first
// origin; its state then runs through the whole series, and at each origin (every `step` days
// over the last `origins × step` days) it forecasts the next `horizon` days, which are scored
// against what was sold. No refit per origin, so the backtest costs one pass per model.
import { countObserved, isObserved, WEEK, type ForecastModelName, type Model, type ModelName, type Series } from './types.ts';
import { addError, emptySums, mase, maseScale, wape, type ErrorSums } from './metrics.ts';
import { normalQuantile } from './normal.ts';
import { seasonalNaive } from './seasonal-naive.ts';
import { ses } from './ses.ts';
import { holtWinters } from './holt-winters.ts';
import { crostonSba } from './croston.ts';

// Each model has its own parameter and state types; the engine only passes them back to it.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- heterogeneous model registry
type AnyModel = Model<any, any>;

export const MODELS: Record<ModelName, AnyModel> = {
  seasonal_naive: seasonalNaive,
  ses,
  holt_winters: holtWinters,
  croston_sba: crostonSba,
};

/** Preference when two models score the same (a flat zero series): the simpler first. */
const ORDER: ModelName[] = ['ses', 'seasonal_naive', 'croston_sba', 'holt_winters'];

export interface EngineOptions {
  /** Days of forecast to produce. */
  horizon: number;
  /** Backtest: days forecast from each origin, days between origins, how many origins. */
  backtestHorizon: number;
  backtestStep: number;
  backtestOrigins: number;
  /** Observed days needed before the first origin. */
  minTrain: number;
  /** Two-sided coverage of the band (0.95 → ±1.96σ). */
  bandLevel: number;
  models: readonly ModelName[];
}

export const DEFAULT_ENGINE_OPTIONS: EngineOptions = {
  horizon: 90,
  backtestHorizon: 7,
  backtestStep: 7,
  backtestOrigins: 8,
  minTrain: 28,
  bandLevel: 0.95,
  models: ['seasonal_naive', 'ses', 'holt_winters', 'croston_sba'],
};

export interface Evaluation {
  mase: number | null;
  wape: number | null;
  /** Mean absolute error per scored day: what the selection compares. */
  mae: number | null;
}

export interface ProductForecast {
  model: ForecastModelName;
  demand: number[];
  low: number[];
  high: number[];
  /** One-day-ahead error standard deviation of the chosen model. */
  sigma: number;
  backtest: Evaluation | null;
  candidates: Partial<Record<ModelName, Evaluation>>;
  observedDays: number;
  censoredDays: number;
}

interface Fit<P> {
  params: P;
  sigma: number;
}

/** Grid search: the parameters with the lowest one-day-ahead squared error over y[0, end). */
export function fitParams<P>(model: Model<P, unknown>, y: Series, end: number): Fit<P> {
  const warmup = Math.min(WEEK * 2, Math.floor(end / 2));
  let best: Fit<P> | undefined;
  let bestSse = Number.POSITIVE_INFINITY;
  for (const params of model.grid()) {
    const state = model.init(y, end, params);
    let sse = 0;
    let n = 0;
    for (let t = 0; t < end; t++) {
      const v = y[t]!;
      if (t >= warmup && isObserved(v)) {
        const e = v - model.forecast(state, 1, params);
        sse += e * e;
        n++;
      }
      model.step(state, v, params);
    }
    const mse = n > 0 ? sse / n : 0;
    if (!best || mse < bestSse - 1e-12) {
      best = { params, sigma: Math.sqrt(mse) };
      bestSse = mse;
    }
  }
  return best!;
}

/** Origins (indices of the first forecast day) for a series of length n, oldest first. */
export function backtestOrigins(y: Series, options: Pick<EngineOptions, 'backtestStep' | 'backtestOrigins' | 'backtestHorizon' | 'minTrain'>): number[] {
  const origins: number[] = [];
  for (let k = 1; k <= options.backtestOrigins; k++) {
    const origin = y.length - options.backtestHorizon - (k - 1) * options.backtestStep;
    if (origin <= 0 || countObserved(y, 0, origin) < options.minTrain) break;
    origins.unshift(origin);
  }
  return origins;
}

/**
 * Scores `model` with parameters fitted on y[0, origins[0]) over the given origins. Returns the
 * error sums; the caller divides by the MASE scale.
 */
export function rollingErrors<P>(model: Model<P, unknown>, y: Series, origins: number[], horizon: number, fitEnd = origins[0]!): ErrorSums {
  const sums = emptySums();
  const { params } = fitParams(model, y, fitEnd);
  const state = model.init(y, fitEnd, params);
  let next = 0;
  for (let t = 0; t <= y.length && next < origins.length; t++) {
    if (t === origins[next]) {
      for (let h = 1; h <= horizon && t + h - 1 < y.length; h++) {
        addError(sums, y[t + h - 1]!, Math.max(0, model.forecast(state, h, params)));
      }
      next++;
    }
    if (t < y.length) model.step(state, y[t]!, params);
  }
  return sums;
}

function evaluation(sums: ErrorSums, scale: number): Evaluation {
  return { mase: mase(sums, scale), wape: wape(sums), mae: sums.count > 0 ? sums.absError / sums.count : null };
}

/** The candidates' backtest, and which one wins. */
export function selectModel(y: Series, options: EngineOptions): { chosen: ModelName; candidates: Partial<Record<ModelName, Evaluation>>; backtest: Evaluation | null } {
  const observed = countObserved(y);
  const origins = backtestOrigins(y, options);
  const candidates: Partial<Record<ModelName, Evaluation>> = {};
  if (origins.length === 0) return { chosen: fallbackModel(y, observed), candidates, backtest: null };
  const scale = maseScale(y, origins[0]!);
  const trainObserved = countObserved(y, 0, origins[0]!);
  let chosen: ModelName | undefined;
  for (const name of ORDER) {
    const model = MODELS[name];
    if (!options.models.includes(name) || trainObserved < model.minObserved) continue;
    const result = evaluation(rollingErrors(model, y, origins, options.backtestHorizon), scale);
    candidates[name] = result;
    const best = chosen ? candidates[chosen]! : undefined;
    if (result.mae !== null && (!best || best.mae === null || result.mae < best.mae - 1e-9)) chosen = name;
  }
  if (!chosen) return { chosen: fallbackModel(y, observed), candidates, backtest: null };
  return { chosen, candidates, backtest: candidates[chosen]! };
}

/** Too little history to backtest: Croston for sparse sales, simple smoothing otherwise. */
function fallbackModel(y: Series, observed: number): ModelName {
  if (observed === 0) return 'ses';
  let nonZero = 0;
  for (const v of y) if (isObserved(v) && v > 0) nonZero++;
  // Syntetos–Boylan: an average inter-demand interval above 1.32 days is intermittent.
  return nonZero > 0 && observed / nonZero > 1.32 ? 'croston_sba' : 'ses';
}

/** Point forecasts and band for the next `horizon` days with the chosen model fitted on all of y. */
export function forecastWith(name: ModelName, y: Series, horizon: number, bandLevel: number) {
  const model = MODELS[name];
  const { params, sigma } = fitParams(model, y, y.length);
  const state = model.init(y, y.length, params);
  for (let t = 0; t < y.length; t++) model.step(state, y[t]!, params);
  const z = normalQuantile(0.5 + bandLevel / 2);
  const demand: number[] = [];
  const low: number[] = [];
  const high: number[] = [];
  for (let h = 1; h <= horizon; h++) {
    const f = Math.max(0, model.forecast(state, h, params));
    const half = z * sigma * Math.sqrt(model.varianceFactor(h, params));
    demand.push(f);
    low.push(Math.max(0, f - half));
    high.push(f + half);
  }
  return { demand, low, high, sigma };
}

export function forecastProduct(y: Series, options: EngineOptions = DEFAULT_ENGINE_OPTIONS): ProductForecast {
  const observedDays = countObserved(y);
  const censoredDays = y.length - observedDays;
  if (observedDays === 0) {
    const zeros = new Array<number>(options.horizon).fill(0);
    return { model: 'none', demand: zeros, low: zeros.slice(), high: zeros.slice(), sigma: 0, backtest: null, candidates: {}, observedDays, censoredDays };
  }
  const { chosen, candidates, backtest } = selectModel(y, options);
  const result = forecastWith(chosen, y, options.horizon, options.bandLevel);
  return { model: chosen, ...result, backtest, candidates, observedDays, censoredDays };
}
