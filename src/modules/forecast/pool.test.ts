// The worker pool at shutdown: nothing a caller awaits may be left hanging.
import { describe, expect, it } from 'vitest';
import { DEFAULT_ENGINE_OPTIONS } from './models/engine.ts';
import { createForecastPool } from './pool.ts';

function series(days: number, seed: number): Float64Array {
  return Float64Array.from({ length: days }, (_, i) => 5 + ((i * 7 + seed) % 11) + (i % 7 === 5 ? 6 : 0));
}

describe('forecast pool', () => {
  it('forecasts in worker threads, and close() rejects batches still running instead of leaving them pending', async () => {
    // One batch: at close() it is running in the worker, not waiting in the queue.
    const pool = createForecastPool({ size: 1, batchSize: 10_000 });
    const engine = { ...DEFAULT_ENGINE_OPTIONS, horizon: 30 };
    const small = await pool.run([{ key: 'a', values: series(200, 1) }], engine);
    expect(small.get('a')?.demand.length).toBe(30);

    const jobs = Array.from({ length: 400 }, (_, i) => ({ key: `p${i}`, values: series(365, i) }));
    const running = pool.run(jobs, engine);
    const settled = running.then(
      () => 'resolved',
      (err: Error) => `rejected: ${err.message}`,
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    await pool.close();
    const outcome = await Promise.race([settled, new Promise((resolve) => setTimeout(() => resolve('still pending'), 5000))]);
    expect(outcome).toBe('rejected: forecast pool closed');
    await expect(pool.run([{ key: 'b', values: series(100, 2) }], engine)).rejects.toThrow('closed');
  }, 30_000);

  it('runs an urgent batch ahead of a whole-store run already queued', async () => {
    const pool = createForecastPool({ size: 1, batchSize: 5 });
    try {
      const engine = { ...DEFAULT_ENGINE_OPTIONS, horizon: 30 };
      const order: string[] = [];
      const bulk = pool.run(Array.from({ length: 200 }, (_, i) => ({ key: `p${i}`, values: series(365, i) })), engine).then(() => order.push('bulk'));
      const urgent = pool.run([{ key: 'new', values: series(365, 99) }], engine, { urgent: true }).then((r) => {
        order.push('urgent');
        return r;
      });
      expect((await urgent).get('new')?.demand.length).toBe(30);
      await bulk;
      expect(order).toEqual(['urgent', 'bulk']);
    } finally {
      await pool.close();
    }
  }, 30_000);
});
