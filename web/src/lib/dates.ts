// Calendar days typed as DD/MM/AAAA and the instants where they begin and end in the store's
// time zone. The API filters movements by instant (RFC 3339); a day in Buenos Aires starts at
// 03:00Z, and in a zone with daylight saving the offset can change from one day to the next, so
// the offset is looked up for the day itself, never taken from the browser.

/** "05/03/2026" (also 5/3/2026, 05-03-2026, 05.03.2026) → "2026-03-05"; null when it is not a real day. */
export function parseDayInput(text: string): string | null {
  const m = /^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$/.exec(text);
  if (!m) return null;
  const day = Number(m[1]);
  const month = Number(m[2]);
  const year = Number(m[3]);
  if (month < 1 || month > 12 || day < 1 || year < 1900 || year > 2999) return null;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day > daysInMonth) return null;
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** "2026-03-05" → "05/03/2026". */
export function formatDayInput(ymd: string): string {
  const [y, m, d] = ymd.split('-');
  return `${d}/${m}/${y}`;
}

/** Milliseconds the zone is ahead of UTC at that instant (Buenos Aires: −3 h). */
function zoneOffsetMs(instant: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(instant));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/** The first instant of a calendar day (YYYY-MM-DD) in the zone, as an epoch in ms. */
export function startOfDayInZone(ymd: string, timeZone: string): number {
  const [y, m, d] = ymd.split('-').map(Number) as [number, number, number];
  const wall = Date.UTC(y, m - 1, d);
  // Two passes: the offset at the guessed instant, then at the corrected one (DST days).
  let instant = wall - zoneOffsetMs(wall, timeZone);
  instant = wall - zoneOffsetMs(instant, timeZone);
  return instant;
}

function nextDay(ymd: string): string {
  const [y, m, d] = ymd.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
}

/** `from` filter: the day's first instant in the store's zone, RFC 3339 in UTC. */
export function dayStartInstant(ymd: string, timeZone: string): string {
  return new Date(startOfDayInZone(ymd, timeZone)).toISOString();
}

/** `to` filter (inclusive on the server): the day's last millisecond in the store's zone. */
export function dayEndInstant(ymd: string, timeZone: string): string {
  return new Date(startOfDayInZone(nextDay(ymd), timeZone) - 1).toISOString();
}
