// Honest accuracy for the forecasting benchmark: each series is cut into a training part and a
// 28-day test. The model is chosen by the engine's own rolling-origin backtest on the training
// part only; then every model (and the chosen one) forecasts the test weeks from four weekly
// origins with parameters fitted on the training part, and is scored against what sold.
import { MODELS, rollingErrors, selectModel, type EngineOptions } from '../../src/modules/forecast/models/engine.ts';
import { maseScale, type ErrorSums } from '../../src/modules/forecast/models/metrics.ts';
import { countObserved, MODEL_NAMES, type ModelName, type Series } from '../../src/modules/forecast/models/types.ts';

export const TEST_DAYS = 28;
export const CHOSEN = 'chosen' as const;
export type Scored = ModelName | typeof CHOSEN;

export interface SeriesScore {
  chosen: ModelName;
  scale: number;
  sums: Record<Scored, ErrorSums>;
}

export function scoreSeries(y: Series, options: EngineOptions): SeriesScore | null {
  const trainEnd = y.length - TEST_DAYS;
  if (trainEnd <= 0 || countObserved(y, 0, trainEnd) < options.minTrain + options.backtestHorizon) return null;
  const scale = maseScale(y, trainEnd);
  if (!(scale > 0)) return null;
  const { chosen } = selectModel(y.subarray(0, trainEnd), options);
  const origins = [0, 7, 14, 21].map((d) => trainEnd + d);
  const sums = {} as Record<Scored, ErrorSums>;
  for (const name of MODEL_NAMES) sums[name] = rollingErrors(MODELS[name], y, origins, 7, trainEnd);
  if (sums[chosen].count === 0) return null;
  sums[CHOSEN] = sums[chosen];
  return { chosen, scale, sums };
}

export interface Aggregate {
  series: number;
  /** Mean over series of each series' MASE. */
  mase: number;
  /** Σ|error| / Σ actual over every scored day of every series. */
  wape: number;
}

export function aggregate(scores: SeriesScore[], model: Scored): Aggregate {
  let maseSum = 0;
  let abs = 0;
  let actual = 0;
  for (const s of scores) {
    const sums = s.sums[model];
    maseSum += sums.absError / sums.count / s.scale;
    abs += sums.absError;
    actual += sums.actual;
  }
  return { series: scores.length, mase: scores.length ? maseSum / scores.length : Number.NaN, wape: actual > 0 ? abs / actual : Number.NaN };
}

export function chosenCounts(scores: SeriesScore[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const s of scores) counts[s.chosen] = (counts[s.chosen] ?? 0) + 1;
  return counts;
}
