// A small pool of worker threads for the forecasting engine (FORECAST_WORKERS, 2 by default:
// this kind of machine has two cores). Workers start on first use, are unref'd so an idle pool
// never keeps a CLI process alive, and are replaced if one dies. With 0 workers the engine runs
// inline (tests of the engine itself, or a machine where threads are unwanted).
import { Worker } from 'node:worker_threads';
import { forecastProduct, type EngineOptions, type ProductForecast } from './models/engine.ts';
import type { WorkerRequest, WorkerResponse } from './worker.ts';

export interface SeriesJob {
  key: string;
  values: Float64Array;
}
export type ForecastResults = Map<string, ProductForecast>;

interface Slot {
  worker: Worker;
  busy: boolean;
}

interface Pending {
  request: WorkerRequest;
  urgent: boolean;
  resolve: (results: NonNullable<WorkerResponse['results']>) => void;
  reject: (err: Error) => void;
}

/** Source checkouts run .ts through tsx; a build (dist/) runs the compiled worker.js directly. */
function spawn(): Worker {
  const entry = new URL(import.meta.url.endsWith('.ts') ? './worker.ts' : './worker.js', import.meta.url);
  if (!entry.pathname.endsWith('.ts')) return new Worker(entry);
  const tsx = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(entry.href)}); })`;
  return new Worker(boot, { eval: true });
}

export function createForecastPool(options: { size: number; batchSize?: number }) {
  const size = Math.max(0, Math.floor(options.size));
  const batchSize = options.batchSize ?? 25;
  const slots: Slot[] = [];
  const queue: Pending[] = [];
  const inFlight = new Map<number, { slot: Slot; pending: Pending }>();
  let nextId = 1;
  let closed = false;

  function addSlot(): Slot {
    const slot: Slot = { worker: spawn(), busy: false };
    slot.worker.unref();
    slot.worker.on('message', (msg: WorkerResponse) => {
      const job = inFlight.get(msg.id);
      if (!job) return;
      inFlight.delete(msg.id);
      slot.busy = false;
      slot.worker.unref();
      if (msg.error !== undefined || !msg.results) job.pending.reject(new Error(`forecast worker: ${msg.error ?? 'no result'}`));
      else job.pending.resolve(msg.results);
      dispatch();
    });
    const fail = (err: Error) => {
      // The thread is gone: fail what it held, replace it, keep serving the queue.
      for (const [id, job] of inFlight) {
        if (job.slot !== slot) continue;
        inFlight.delete(id);
        job.pending.reject(err);
      }
      const index = slots.indexOf(slot);
      if (index >= 0) slots.splice(index, 1);
      if (!closed) dispatch();
    };
    slot.worker.on('error', fail);
    slot.worker.on('exit', (code) => {
      if (slots.includes(slot)) fail(new Error(`forecast worker exited with code ${code}`));
    });
    slots.push(slot);
    return slot;
  }

  function dispatch(): void {
    while (queue.length > 0 && !closed) {
      let slot = slots.find((s) => !s.busy);
      if (!slot && slots.length < size) slot = addSlot();
      if (!slot) return;
      const pending = queue.shift()!;
      slot.busy = true;
      // Keep the process alive only while a batch is running.
      slot.worker.ref();
      inFlight.set(pending.request.id, { slot, pending });
      slot.worker.postMessage(pending.request);
    }
  }

  function runBatch(items: SeriesJob[], engine: EngineOptions, urgent: boolean): Promise<NonNullable<WorkerResponse['results']>> {
    return new Promise((resolve, reject) => {
      const pending: Pending = { request: { id: nextId++, options: engine, items }, urgent, resolve, reject };
      // Urgent batches go ahead of the queued non-urgent ones, in their own order.
      const at = urgent ? queue.findIndex((p) => !p.urgent) : -1;
      if (at >= 0) queue.splice(at, 0, pending);
      else queue.push(pending);
      dispatch();
    });
  }

  return {
    size,
    /**
     * Forecasts every series; batches spread over the workers. `urgent` batches (a request
     * waiting for a few products) jump the queue of a whole-store refresh running meanwhile.
     */
    async run(jobs: SeriesJob[], engine: EngineOptions, options: { urgent?: boolean } = {}): Promise<ForecastResults> {
      const results: ForecastResults = new Map();
      if (closed) throw new Error('forecast pool is closed');
      if (size === 0) {
        for (const job of jobs) results.set(job.key, forecastProduct(job.values, engine));
        return results;
      }
      const batches: Promise<void>[] = [];
      for (let i = 0; i < jobs.length; i += batchSize) {
        batches.push(
          runBatch(jobs.slice(i, i + batchSize), engine, options.urgent ?? false).then((rows) => {
            for (const row of rows) results.set(row.key, row.forecast);
          }),
        );
      }
      await Promise.all(batches);
      return results;
    },
    async close(): Promise<void> {
      closed = true;
      const error = new Error('forecast pool closed');
      for (const pending of queue.splice(0)) pending.reject(error);
      // Batches already running would otherwise never settle: their workers' exit handlers see
      // the slots gone and stay silent.
      for (const { pending } of inFlight.values()) pending.reject(error);
      inFlight.clear();
      await Promise.all(slots.splice(0).map((s) => s.worker.terminate()));
    },
  };
}

export type ForecastPool = ReturnType<typeof createForecastPool>;
