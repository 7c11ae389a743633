// The scheduled reprice's configuration: off unless days are given, and a bad value stops the
// start-up with one line naming the variable.
import { describe, expect, it } from 'vitest';
import { configFrom } from '../../config.ts';
import { startPricingJobs } from './jobs.ts';

describe('scheduled reprice configuration', () => {
  it('is off by default', () => {
    expect(configFrom({}).pricing.autoReprice).toBeUndefined();
  });

  it('reads the weekdays and the store-local time', () => {
    expect(configFrom({ PRICING_AUTO_REPRICE_DAYS: 'mon-fri' }).pricing.autoReprice).toEqual({ days: [1, 2, 3, 4, 5], at: '07:00' });
    expect(configFrom({ PRICING_AUTO_REPRICE_DAYS: 'mon,thu', PRICING_AUTO_REPRICE_AT: '06:30' }).pricing.autoReprice).toEqual({ days: [1, 4], at: '06:30' });
  });

  it.each([
    [{ PRICING_AUTO_REPRICE_DAYS: 'lunes' }, /^Invalid PRICING_AUTO_REPRICE_DAYS: /],
    [{ PRICING_AUTO_REPRICE_DAYS: 'fri-mon' }, /^Invalid PRICING_AUTO_REPRICE_DAYS: /],
    [{ PRICING_AUTO_REPRICE_DAYS: 'mon', PRICING_AUTO_REPRICE_AT: '25:00' }, /^Invalid PRICING_AUTO_REPRICE_AT: /],
    [{ PRICING_AUTO_REPRICE_DAYS: 'mon', PRICING_AUTO_REPRICE_AT: '7' }, /^Invalid PRICING_AUTO_REPRICE_AT: /],
  ])('refuses %j', (env, message) => {
    expect(() => configFrom(env)).toThrow(message);
  });

  it('starts no job when off', () => {
    const never = () => {
      throw new Error('must not be called');
    };
    const job = startPricingJobs({ runScheduled: never } as never, { database: never as never, logger: never as never, schedule: undefined });
    expect(() => job.stop()).not.toThrow();
  });
});
