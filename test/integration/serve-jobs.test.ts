// `inventario serve` starts its scheduled jobs through startServeJobs (src/cli/serve.ts). Started
// here against a real database with a short first delay, they must do their work unasked: the
// forecast refresh fills the forecast cache for a product nobody asked about, and the scheduled
// reprice (PRICING_AUTO_REPRICE_DAYS) records today's run.
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { startServeJobs } from '../../src/cli/serve.ts';
import { queryRows } from '../../src/platform/db/types.ts';
import { createLogger } from '../../src/platform/observability/logger.ts';
import { localDate } from '../../src/platform/time/zone.ts';
import { addDays } from '../../src/modules/forecast/demand-series.ts';
import { testEngines } from '../helpers/engines.ts';
import { createProduct, move } from '../helpers/fixtures.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { waitFor } from '../process/helpers.ts';

describe.each(testEngines())('the jobs serve starts, on %s', (engine) => {
  let t: TestApp;
  beforeAll(async () => {
    // Every day of the week from midnight: the reprice is due whenever the test runs.
    t = await createTestApp(engine, { PRICING_AUTO_REPRICE_DAYS: 'mon-sun', PRICING_AUTO_REPRICE_AT: '00:00', FORECAST_REFRESH_SECONDS: '1' });
  });
  afterAll(async () => t?.close());

  it('refreshes the forecast cache and runs the scheduled reprice without any request', async () => {
    const product = await createProduct(t, {});
    expect((await move(t, { product_id: product.id, type: 'in', quantity: 10 })).statusCode).toBe(201);
    const lines: string[] = [];
    const logger = createLogger({
      level: 'info',
      destination: new Writable({
        write(chunk, _enc, cb) {
          lines.push(...String(chunk).split('\n').filter(Boolean));
          cb();
        },
      }),
    });
    const jobs = startServeJobs(t.services, { config: t.config, database: t.db.database, logger }, { firstDelayMs: 50 });
    try {
      const today = localDate(new Date(), t.config.timezone);
      const cached = await waitFor(
        'the forecast refresh',
        async () => {
          const [row] = await queryRows<{ history_through: string }>(
            t.db.database.db,
            sql`select history_through::text as history_through from forecast_results where product_id = ${product.id}`,
          );
          return row;
        },
        20_000,
        100,
      );
      expect(cached.history_through).toBe(addDays(today, -1));

      const run = await waitFor(
        'the scheduled reprice',
        async () => {
          const res = await t.call('GET', '/api/v1/pricing/runs');
          expect(res.statusCode, res.body).toBe(200);
          return (res.json().items as { trigger: string; scheduled_for: string | null }[]).find((r) => r.trigger === 'scheduled');
        },
        20_000,
        100,
      );
      expect(run.scheduled_for).toBe(today);
      expect(lines.some((l) => l.includes('"job":"pricing.reprice"') && l.includes('scheduled reprice enabled'))).toBe(true);
    } finally {
      for (const job of jobs) job.stop();
      await t.services.forecast.idle();
    }
  }, 60_000);
});
