// The models on series whose right answer is known.
import { describe, expect, it } from 'vitest';
import { seasonalNaive } from './seasonal-naive.ts';
import { ses } from './ses.ts';
import { holtWinters } from './holt-winters.ts';
import { crostonSba } from './croston.ts';
import { backtestOrigins, DEFAULT_ENGINE_OPTIONS, fitParams, forecastProduct, forecastWith, rollingErrors, selectModel } from './engine.ts';
import { addError, emptySums, mase, maseScale, wape } from './metrics.ts';
import { normalQuantile } from './normal.ts';
import type { Model, Series } from './types.ts';

const NaN_ = Number.NaN;
const series = (values: number[]): Series => Float64Array.from(values);
const repeat = (pattern: number[], weeks: number) => series(Array.from({ length: pattern.length * weeks }, (_, i) => pattern[i % pattern.length]!));

/** Runs a model with given parameters over y and forecasts h days. */
function run<P, S>(model: Model<P, S>, y: Series, params: P, h: number): number[] {
  const state = model.init(y, y.length, params);
  for (const v of y) model.step(state, v, params);
  return Array.from({ length: h }, (_, i) => model.forecast(state, i + 1, params));
}

const WEEK_PATTERN = [2, 5, 5, 6, 6, 10, 14];

describe('seasonal naive (weekly)', () => {
  it('repeats the last observed week', () => {
    const y = series([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
    expect(run(seasonalNaive, y, null, 9)).toEqual([8, 9, 10, 11, 12, 13, 14, 8, 9]);
  });

  it('uses the last observed value of a weekday when the latest one is censored', () => {
    const y = series([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, NaN_, 13, 14]);
    expect(run(seasonalNaive, y, null, 7)[4]).toBe(5);
  });

  it('grows its variance by one week of error per week ahead', () => {
    expect([1, 7, 8, 14, 15].map((h) => seasonalNaive.varianceFactor(h, null))).toEqual([1, 1, 2, 2, 3]);
  });
});

describe('simple exponential smoothing', () => {
  it('forecasts a constant series exactly, flat', () => {
    expect(run(ses, series(new Array(30).fill(4)), { alpha: 0.3 }, 3)).toEqual([4, 4, 4]);
  });

  it('moves alpha of the way towards each observation and skips censored days', () => {
    // Level starts at the mean of the first 14 observed days: (10 + 20) / 2 = 15.
    const y = series([10, NaN_, 20]);
    const state = ses.init(y, y.length, { alpha: 0.5 });
    expect(state.level).toBe(15);
    for (const v of y) ses.step(state, v, { alpha: 0.5 });
    // 15 → 12.5 (saw 10) → 12.5 (censored) → 16.25 (saw 20)
    expect(ses.forecast(state, 1, { alpha: 0.5 })).toBe(16.25);
  });
});

describe('Holt-Winters (damped trend, weekly season)', () => {
  it('reproduces an exact weekly pattern', () => {
    const f = run(holtWinters, repeat(WEEK_PATTERN, 8), { alpha: 0.2, beta: 0, gamma: 0.1, phi: 1 }, 14);
    f.forEach((v, i) => expect(v).toBeCloseTo(WEEK_PATTERN[i % 7]!, 6));
  });

  it('follows a linear trend on top of the pattern', () => {
    const y = series(Array.from({ length: 84 }, (_, t) => 20 + 0.5 * t + WEEK_PATTERN[t % 7]!));
    const { params } = fitParams(holtWinters, y, y.length);
    const f = run(holtWinters, y, params, 7);
    f.forEach((v, i) => expect(Math.abs(v - (20 + 0.5 * (84 + i) + WEEK_PATTERN[(84 + i) % 7]!))).toBeLessThan(2));
    expect(params.beta).toBeGreaterThan(0);
  });

  it('carries its state across censored days instead of reading them as zeros', () => {
    const y = repeat(WEEK_PATTERN, 8);
    for (const t of [50, 51, 52]) y[t] = NaN_;
    const f = run(holtWinters, y, { alpha: 0.2, beta: 0, gamma: 0.1, phi: 1 }, 7);
    f.forEach((v, i) => expect(v).toBeCloseTo(WEEK_PATTERN[i % 7]!, 6));
  });

  it('computes the ETS variance factor', () => {
    const p = { alpha: 0.2, beta: 0, gamma: 0.1, phi: 1 };
    expect(holtWinters.varianceFactor(1, p)).toBe(1);
    expect(holtWinters.varianceFactor(3, p)).toBeCloseTo(1 + 2 * 0.04, 12);
    // At j = 7 the seasonal term joins: c = α + γ.
    expect(holtWinters.varianceFactor(8, p)).toBeCloseTo(1 + 6 * 0.04 + 0.09, 12);
  });
});

describe('Croston / SBA', () => {
  it('forecasts size / interval × (1 − α/2) for a regular intermittent series', () => {
    // 3 units every 4th day: rate 0.75 a day, SBA-corrected by (1 − 0.1/2).
    const y = series(Array.from({ length: 80 }, (_, t) => (t % 4 === 3 ? 3 : 0)));
    const [f] = run(crostonSba, y, { alpha: 0.1 }, 1);
    expect(f).toBeCloseTo(0.75 * 0.95, 6);
  });

  it('ignores censored days in the interval', () => {
    // Demand every 2nd observed day; the censored days between do not stretch the interval.
    const values: number[] = [];
    for (let i = 0; i < 40; i++) values.push(0, NaN_, 2);
    const [f] = run(crostonSba, series(values), { alpha: 0.2 }, 1);
    expect(f).toBeCloseTo((2 / 2) * 0.9, 6);
  });

  it('forecasts zero when nothing ever sold', () => {
    expect(run(crostonSba, series(new Array(30).fill(0)), { alpha: 0.1 }, 1)).toEqual([0]);
  });
});

describe('accuracy measures', () => {
  it('scales MASE by the in-sample seasonal naive error', () => {
    // |y_t − y_{t−7}| = 7 for each of the 7 pairs.
    const y = series([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
    expect(maseScale(y, 14)).toBe(7);
    const sums = emptySums();
    addError(sums, 10, 13);
    addError(sums, 10, 7);
    addError(sums, NaN_, 100);
    expect(mase(sums, 7)).toBeCloseTo(3 / 7, 12);
    expect(wape(sums)).toBeCloseTo(6 / 20, 12);
  });

  it('is undefined (null) rather than infinite', () => {
    expect(mase(emptySums(), 1)).toBeNull();
    const sums = emptySums();
    addError(sums, 0, 1);
    expect(mase(sums, 0)).toBeNull();
    expect(wape(sums)).toBeNull();
  });

  it('gives the normal quantiles used for bands and safety stock', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5);
    expect(normalQuantile(0.95)).toBeCloseTo(1.644854, 5);
    expect(normalQuantile(0.5)).toBeCloseTo(0, 12);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232, 5);
  });
});

describe('engine: rolling-origin backtest and selection', () => {
  it('places weekly origins over the last weeks, each after enough training days', () => {
    const opts = { backtestStep: 7, backtestOrigins: 8, backtestHorizon: 7, minTrain: 28 };
    expect(backtestOrigins(new Float64Array(100), opts)).toEqual([44, 51, 58, 65, 72, 79, 86, 93]);
    expect(backtestOrigins(new Float64Array(40), opts)).toEqual([33]);
    expect(backtestOrigins(new Float64Array(34), opts)).toEqual([]);
  });

  it('scores only the forecast days, with parameters from before the first origin', () => {
    const y = repeat(WEEK_PATTERN, 10);
    const sums = rollingErrors(seasonalNaive, y, [56, 63], 7);
    expect(sums.count).toBe(14);
    expect(sums.absError).toBe(0);
  });

  it('chooses a weekly model for weekly data and Croston or smoothing for intermittent data', () => {
    const weekly = series(Array.from({ length: 120 }, (_, t) => WEEK_PATTERN[t % 7]! * 3 + ((t * 7) % 5) - 2));
    expect(['holt_winters', 'seasonal_naive']).toContain(selectModel(weekly, DEFAULT_ENGINE_OPTIONS).chosen);
    const sparse = series(Array.from({ length: 120 }, (_, t) => (t % 9 === 0 ? 2 : t % 13 === 0 ? 1 : 0)));
    const chosen = selectModel(sparse, DEFAULT_ENGINE_OPTIONS).chosen;
    expect(['croston_sba', 'ses']).toContain(chosen);
  });

  it('falls back without a backtest on short histories', () => {
    const short = forecastProduct(series([3, 4, 3, 5, 4, 3, 4, 4, 3, 5]));
    expect(short.model).toBe('ses');
    expect(short.backtest).toBeNull();
    const sparse = forecastProduct(series([0, 0, 2, 0, 0, 0, 1, 0, 0, 0]));
    expect(sparse.model).toBe('croston_sba');
    expect(forecastProduct(series([NaN_, NaN_])).model).toBe('none');
    expect(forecastProduct(series([])).demand).toHaveLength(90);
  });

  it('builds a band that contains the forecast, never below zero, widening with the horizon', () => {
    const y = series(Array.from({ length: 90 }, (_, t) => 5 + ((t * 7) % 5) - 2));
    const f = forecastWith('ses', y, 30, 0.95);
    for (let h = 0; h < 30; h++) {
      expect(f.low[h]!).toBeGreaterThanOrEqual(0);
      expect(f.low[h]!).toBeLessThanOrEqual(f.demand[h]!);
      expect(f.high[h]!).toBeGreaterThanOrEqual(f.demand[h]!);
    }
    expect(f.high[29]! - f.low[29]!).toBeGreaterThanOrEqual(f.high[0]! - f.low[0]!);
    expect(f.sigma).toBeGreaterThan(0);
  });
});
