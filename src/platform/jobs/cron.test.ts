import { describe, expect, it } from 'vitest';
import { CronError, nextRun, parseCron, previousRun } from './cron.ts';
import { configFrom, ConfigError } from '../../config.ts';

const BA = 'America/Argentina/Buenos_Aires'; // UTC−3, no DST

describe('BACKUP_SCHEDULE cron expressions', () => {
  it('finds the latest and the next run in the store time zone', () => {
    const daily = parseCron('30 2 * * *');
    const now = new Date('2026-11-28T12:00:00Z'); // 09:00 in Buenos Aires
    expect(previousRun(daily, now, BA)!.toISOString()).toBe('2026-11-28T05:30:00.000Z');
    expect(nextRun(daily, now, BA)!.toISOString()).toBe('2026-11-29T05:30:00.000Z');
    expect(previousRun(daily, new Date('2026-11-28T05:30:00Z'), BA)!.toISOString()).toBe('2026-11-28T05:30:00.000Z');
  });

  it('handles steps, ranges, lists, Sunday as 0 or 7 and the either-day rule', () => {
    const s = parseCron('*/15 8-20/6 * * 1-5');
    expect(s.minutes).toEqual([0, 15, 30, 45]);
    expect(s.hours).toEqual([8, 14, 20]);
    const sunday = parseCron('0 3 * * 7');
    // 2026-11-29 is a Sunday.
    expect(nextRun(sunday, new Date('2026-11-28T12:00:00Z'), 'UTC')!.toISOString()).toBe('2026-11-29T03:00:00.000Z');
    // Day 1 of the month OR any Monday (2026-11-30 is a Monday, before 2026-12-01).
    expect(nextRun(parseCron('0 0 1 * 1'), new Date('2026-11-28T12:00:00Z'), 'UTC')!.toISOString()).toBe('2026-11-30T00:00:00.000Z');
    expect(parseCron('@daily').hours).toEqual([0]);
  });

  it('refuses malformed expressions, and config names the variable in one line', () => {
    for (const bad of ['* * * *', '60 * * * *', '0 24 * * *', '0 0 0 * *', '0 0 * 13 *', '*/0 * * * *', '5-1 * * * *', 'a b c d e']) {
      expect(() => parseCron(bad), bad).toThrow(CronError);
    }
    expect(() => configFrom({ BACKUP_SCHEDULE: '61 * * * *' })).toThrow(ConfigError);
    expect(() => configFrom({ BACKUP_SCHEDULE: '61 * * * *' })).toThrow(/^Invalid BACKUP_SCHEDULE: must be a cron expression/);
    expect(configFrom({ BACKUP_SCHEDULE: '30 2 * * *', BACKUP_COPY_DIR: '/mnt/copia' }).backup).toMatchObject({ schedule: '30 2 * * *', retention: { daily: 7, weekly: 4, monthly: 12 } });
  });
});
