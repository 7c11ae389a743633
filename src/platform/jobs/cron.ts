// The five-field cron syntax (minute hour day-of-month month day-of-week) for BACKUP_SCHEDULE,
// in the store's time zone. No cron library is installed, so this is the classic subset: `*`,
// numbers, ranges `a-b`, lists `a,b`, steps `*/n` and `a-b/n`, day-of-week 0–7 (0 and 7 are
// Sunday), and @hourly/@daily/@weekly/@monthly. As in Vixie cron, when both day fields are
// restricted a day matches if EITHER matches.
import { localDate, zonedInstant } from '../time/zone.ts';

export interface CronSchedule {
  source: string;
  minutes: number[];
  hours: number[];
  daysOfMonth: Set<number>;
  months: Set<number>;
  daysOfWeek: Set<number>;
  domRestricted: boolean;
  dowRestricted: boolean;
}

export class CronError extends Error {
  override name = 'CronError';
}

const ALIASES: Record<string, string> = { '@hourly': '0 * * * *', '@daily': '0 0 * * *', '@midnight': '0 0 * * *', '@weekly': '0 0 * * 0', '@monthly': '0 0 1 * *' };
const FIELDS = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12 },
  { name: 'day of week', min: 0, max: 7 },
] as const;

function parseField(text: string, field: (typeof FIELDS)[number]): number[] {
  const values = new Set<number>();
  for (const part of text.split(',')) {
    const m = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(part);
    if (!m) throw new CronError(`bad ${field.name} "${part}"`);
    const step = m[4] === undefined ? 1 : Number(m[4]);
    let from: number = field.min;
    let to: number = field.max;
    if (m[1] !== '*') {
      from = Number(m[2]);
      to = m[3] === undefined ? (m[4] === undefined ? from : field.max) : Number(m[3]);
    }
    if (step < 1 || from < field.min || to > field.max || from > to) throw new CronError(`${field.name} "${part}" is outside ${field.min}–${field.max}`);
    for (let v = from; v <= to; v += step) values.add(v);
  }
  return [...values].sort((a, b) => a - b);
}

export function parseCron(expression: string): CronSchedule {
  const source = expression.trim();
  const fields = (ALIASES[source] ?? source).split(/\s+/);
  if (fields.length !== 5) throw new CronError('needs five fields: minute hour day-of-month month day-of-week (e.g. "30 2 * * *")');
  const [min, hour, dom, month, dow] = fields.map((f, i) => parseField(f, FIELDS[i]!)) as [number[], number[], number[], number[], number[]];
  return {
    source,
    minutes: min,
    hours: hour,
    daysOfMonth: new Set(dom),
    months: new Set(month),
    daysOfWeek: new Set(dow.map((d) => d % 7)),
    domRestricted: fields[2] !== '*',
    dowRestricted: fields[4] !== '*',
  };
}

function dayMatches(s: CronSchedule, isoDate: string): boolean {
  const d = new Date(`${isoDate}T00:00:00Z`);
  if (!s.months.has(d.getUTCMonth() + 1)) return false;
  const dom = s.daysOfMonth.has(d.getUTCDate());
  const dow = s.daysOfWeek.has(d.getUTCDay());
  if (s.domRestricted && s.dowRestricted) return dom || dow;
  return dom && dow;
}

function addDays(isoDate: string, days: number): string {
  const d = new Date(`${isoDate}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

const pad = (n: number) => String(n).padStart(2, '0');

/** The latest scheduled instant at or before `now`; undefined if none within ~5 years. */
export function previousRun(s: CronSchedule, now: Date, timeZone: string): Date | undefined {
  let day = localDate(now, timeZone);
  for (let i = 0; i < 366 * 5; i++, day = addDays(day, -1)) {
    if (!dayMatches(s, day)) continue;
    for (const h of [...s.hours].reverse()) {
      for (const m of [...s.minutes].reverse()) {
        const at = zonedInstant(day, `${pad(h)}:${pad(m)}`, timeZone);
        if (at.getTime() <= now.getTime()) return at;
      }
    }
  }
  return undefined;
}

/** The first scheduled instant strictly after `now`; undefined if none within ~5 years. */
export function nextRun(s: CronSchedule, now: Date, timeZone: string): Date | undefined {
  let day = localDate(now, timeZone);
  for (let i = 0; i < 366 * 5; i++, day = addDays(day, 1)) {
    if (!dayMatches(s, day)) continue;
    for (const h of s.hours) {
      for (const m of s.minutes) {
        const at = zonedInstant(day, `${pad(h)}:${pad(m)}`, timeZone);
        if (at.getTime() > now.getTime()) return at;
      }
    }
  }
  return undefined;
}
