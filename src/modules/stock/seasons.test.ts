import { describe, expect, it } from 'vitest';
import { adjustedMinimum, DEFAULT_SEASON_SETTINGS, seasonFactor, seasonOfDate } from './seasons.ts';
import { localDate, zonedDayBounds } from '../../platform/time/zone.ts';

const factorOn = (date: string, category = 'almacén') =>
  seasonFactor(DEFAULT_SEASON_SETTINGS, seasonOfDate(date), category);

describe('seasonal minimum stock', () => {
  it('maps months to southern-hemisphere seasons', () => {
    expect(seasonOfDate('2026-12-01')).toBe('verano');
    expect(seasonOfDate('2026-02-28')).toBe('verano');
    expect(seasonOfDate('2026-03-01')).toBe('otono');
    expect(seasonOfDate('2026-06-15')).toBe('invierno');
    expect(seasonOfDate('2026-09-30')).toBe('primavera');
  });

  it('min 10 in January is 13', () => {
    expect(adjustedMinimum('10', factorOn('2026-01-15'), 'unit').toFixed()).toBe('13');
  });

  it('min 10 in July is 8', () => {
    expect(adjustedMinimum('10', factorOn('2026-07-15'), 'unit').toFixed()).toBe('8');
  });

  it('min 7 units in January is 9.1 rounded up to 10', () => {
    expect(adjustedMinimum('7', factorOn('2026-01-15'), 'unit').toFixed()).toBe('10');
  });

  it('weighed goods round up to the gram', () => {
    expect(adjustedMinimum('2.345', factorOn('2026-01-15'), 'kg').toFixed()).toBe('3.049');
  });

  it('uses a category override when one is set', () => {
    const settings = { ...DEFAULT_SEASON_SETTINGS, by_category: { bebidas: { verano: '1.6' } } };
    expect(seasonFactor(settings, 'verano', 'bebidas')).toBe('1.6');
    expect(seasonFactor(settings, 'invierno', 'bebidas')).toBe('0.8');
  });

  it('takes the date in the store time zone, not UTC', () => {
    // 02:00 UTC on 1 March is still 28 February (23:00) in Buenos Aires: summer.
    const instant = new Date('2026-03-01T02:00:00Z');
    expect(localDate(instant, 'America/Argentina/Buenos_Aires')).toBe('2026-02-28');
    expect(seasonOfDate(localDate(instant, 'America/Argentina/Buenos_Aires'))).toBe('verano');
  });

  it('bounds a local day in the store time zone', () => {
    const { start, end } = zonedDayBounds('2026-07-10', 'America/Argentina/Buenos_Aires');
    expect(start.toISOString()).toBe('2026-07-10T03:00:00.000Z');
    expect(end.toISOString()).toBe('2026-07-11T03:00:00.000Z');
  });
});
