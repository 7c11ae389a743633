// Worker-thread entry: runs the forecasting engine on batches of series so the event loop that
// serves the API never spends seconds in model fitting.
import { parentPort } from 'node:worker_threads';
import { forecastProduct, type EngineOptions, type ProductForecast } from './models/engine.ts';

export interface WorkerRequest {
  id: number;
  options: EngineOptions;
  items: { key: string; values: Float64Array }[];
}

export interface WorkerResponse {
  id: number;
  results?: { key: string; forecast: ProductForecast }[];
  error?: string;
}

parentPort?.on('message', (request: WorkerRequest) => {
  try {
    const results = request.items.map((item) => ({ key: item.key, forecast: forecastProduct(item.values, request.options) }));
    parentPort!.postMessage({ id: request.id, results } satisfies WorkerResponse);
  } catch (err) {
    parentPort!.postMessage({ id: request.id, error: err instanceof Error ? err.message : String(err) } satisfies WorkerResponse);
  }
});
