// Numbers, money and dates the way an Argentine shop reads them ($ 1.234,56 and DD/MM/AAAA),
// dates in the store's time zone. Decimal strings from the API are formatted exactly: Intl
// accepts numeric strings without converting them to binary floating point.
import { locale } from '../i18n/index.ts';

let timeZone = 'America/Argentina/Buenos_Aires';

export function setStoreTimeZone(zone: string): void {
  timeZone = zone;
  dateFmt = makeDateFmt();
  dateTimeFmt = makeDateTimeFmt();
}

const moneyFmt = new Intl.NumberFormat(locale, { style: 'currency', currency: 'ARS', minimumFractionDigits: 2, maximumFractionDigits: 2 });
const quantityFmt = new Intl.NumberFormat(locale, { maximumFractionDigits: 3 });
const percentFmt = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 });
const makeDateFmt = () => new Intl.DateTimeFormat(locale, { timeZone, day: '2-digit', month: '2-digit', year: 'numeric' });
const makeDateTimeFmt = () =>
  new Intl.DateTimeFormat(locale, { timeZone, day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false });
let dateFmt = makeDateFmt();
let dateTimeFmt = makeDateTimeFmt();

type NumericString = `${number}`;
const asExact = (value: string | number) => value as unknown as number & NumericString;

/** `$ 1.234,56` (the narrow space Intl puts after `$` is kept: it does not wrap). */
export function money(value: string | number | null | undefined): string {
  if (value === null || value === undefined || value === '') return '—';
  return moneyFmt.format(asExact(value));
}

export function quantity(value: string | number | null | undefined): string {
  if (value === null || value === undefined || value === '') return '—';
  return quantityFmt.format(asExact(value));
}

export function percent(fraction: string | number): string {
  return percentFmt.format(asExact(fraction));
}

/** A timestamp (RFC 3339) as DD/MM/AAAA in the store's time zone. */
export function date(iso: string | null | undefined): string {
  return iso ? dateFmt.format(new Date(iso)) : '—';
}

/** A calendar date (YYYY-MM-DD) as DD/MM/AAAA, with no time-zone shift. */
export function calendarDate(ymd: string | null | undefined): string {
  if (!ymd) return '—';
  const [y, m, d] = ymd.split('-');
  return `${d}/${m}/${y}`;
}

export function dateTime(iso: string | null | undefined): string {
  return iso ? dateTimeFmt.format(new Date(iso)) : '—';
}

/** Today as YYYY-MM-DD in the store's time zone. */
export function todayInStore(): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
  return parts;
}

