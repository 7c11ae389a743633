// Crítico: active products at or below their seasonal minimum for a day (today in the store's
// time zone unless another day is chosen), largest deficit first, printable as a sheet with its
// title, date and time zone.
import { useEffect, useState, type FormEvent } from 'react';
import { flushSync } from 'react-dom';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'wouter';
import { api } from '../../api/client.ts';
import type { CriticalItem } from '../../api/types.ts';
import { useSignedIn } from '../../auth/session.tsx';
import { Page, TableScroll } from '../../components/Page.tsx';
import { Field } from '../../components/form.tsx';
import { QueryView } from '../../components/states.tsx';
import { t } from '../../i18n/index.ts';
import { calendarDate, dateTime, quantity, todayInStore } from '../../lib/format.ts';
import { formatDayInput, parseDayInput } from '../../lib/dates.ts';
import { compareDecimal, isZero } from '../../lib/decimal.ts';
import './critical.css';

const s = t.critical;

type Item = CriticalItem & { unit?: string; category?: string };

interface CriticalList {
  date: string;
  season: string;
  items: Item[];
}

async function fetchCritical(date: string | null): Promise<CriticalList> {
  const items: Item[] = [];
  let cursor: string | null = null;
  let head: { date: string; season: string } | null = null;
  do {
    const page: CriticalList & { next_cursor: string | null } = await api.get('/stock/critical', { date, cursor, limit: 500 });
    head ??= { date: page.date, season: page.season };
    items.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor);
  items.sort((a, b) => compareDecimal(b.deficit, a.deficit) || a.name.localeCompare(b.name, 'es'));
  return { date: head?.date ?? date ?? '', season: head?.season ?? '', items };
}

const withUnit = (value: string, unit: string | undefined) => (unit && s.units[unit] ? `${quantity(value)} ${s.units[unit]}` : quantity(value));

export default function CriticalPage() {
  const { can, timezone } = useSignedIn();
  const [dateText, setDateText] = useState(() => formatDayInput(todayInStore()));
  const [dateError, setDateError] = useState<string | undefined>(undefined);
  // null: today in the store's zone, decided by the server.
  const [date, setDate] = useState<string | null>(null);
  const [printedAt, setPrintedAt] = useState<string | null>(null);
  const critical = useQuery({ queryKey: ['stock-critical', date ?? 'today'], queryFn: () => fetchCritical(date) });

  function apply(event: FormEvent) {
    event.preventDefault();
    const parsed = parseDayInput(dateText);
    if (!parsed) return setDateError(s.dateInvalid);
    setDateError(undefined);
    setDate(parsed === todayInStore() ? null : parsed);
  }

  function today() {
    setDateText(formatDayInput(todayInStore()));
    setDateError(undefined);
    setDate(null);
  }

  // The printout says when it was printed, whether from the button or the browser's menu.
  useEffect(() => {
    const stamp = () => flushSync(() => setPrintedAt(new Date().toISOString()));
    window.addEventListener('beforeprint', stamp);
    return () => window.removeEventListener('beforeprint', stamp);
  }, []);

  const season = critical.data ? (s.seasons[critical.data.season] ?? critical.data.season) : '';
  const mayReceive = can('stock:move');

  return (
    <Page
      title={s.title}
      actions={
        <button type="button" className="primary" onClick={() => window.print()}>
          {t.actions.print}
        </button>
      }
    >
      <header className="print-only critical-print-header">
        <h2>{s.printTitle}</h2>
        {critical.data && <p>{s.summary(calendarDate(critical.data.date), season, timezone)}</p>}
        {printedAt && <p className="small">{s.printed(dateTime(printedAt))}</p>}
      </header>
      <p className="no-print">{s.intro}</p>
      <form className="filters" onSubmit={apply} noValidate>
        <Field className="critical-date" label={s.date} value={dateText} onChange={(e) => setDateText(e.target.value)} inputMode="numeric" placeholder="DD/MM/AAAA" autoComplete="off" error={dateError} />
        <div className="filter-buttons">
          <button type="submit">{s.show}</button>
          <button type="button" onClick={today}>
            {s.today}
          </button>
        </div>
      </form>
      <p className="critical-summary no-print" aria-live="polite">
        {critical.data ? `${s.summary(calendarDate(critical.data.date), season, timezone)} · ${s.count(critical.data.items.length)}` : '\u00a0'}
      </p>
      <QueryView query={critical} isEmpty={(d) => d.items.length === 0} empty={s.empty}>
        {(data) => (
          <TableScroll label={s.tableLabel}>
            <table className="critical-table">
              <thead>
                <tr>
                  <th scope="col">{s.sku}</th>
                  <th scope="col">{s.product}</th>
                  <th scope="col" className="num">
                    {s.onHand}
                  </th>
                  <th scope="col" className="num">
                    {s.minStock}
                  </th>
                  <th scope="col">{s.season}</th>
                  <th scope="col" className="num">
                    {s.factor}
                  </th>
                  <th scope="col" className="num">
                    {s.adjustedMin}
                  </th>
                  <th scope="col" className="num">
                    {s.deficit}
                  </th>
                  {mayReceive && (
                    <th scope="col" className="no-print">
                      {s.actions}
                    </th>
                  )}
                </tr>
              </thead>
              <tbody>
                {data.items.map((item) => (
                  <tr key={item.product_id}>
                    <td className="mono">{item.sku}</td>
                    <td className="wrap">
                      {item.name}
                      {isZero(item.on_hand) && (
                        <>
                          {' '}
                          <span className="badge danger">{s.outOfStock}</span>
                        </>
                      )}
                    </td>
                    <td className="num">{withUnit(item.on_hand, item.unit)}</td>
                    <td className="num">{withUnit(item.min_stock, item.unit)}</td>
                    <td>{s.seasons[item.season] ?? item.season}</td>
                    <td className="num">×{quantity(item.season_factor)}</td>
                    <td className="num">{withUnit(item.adjusted_min, item.unit)}</td>
                    <td className="num deficit">{withUnit(item.deficit, item.unit)}</td>
                    {mayReceive && (
                      <td className="no-print">
                        <Link href={`/stock?tab=movimiento&tipo=in&producto=${encodeURIComponent(item.product_id)}`} aria-label={s.receiveFor(item.name)}>
                          {s.receive}
                        </Link>
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        )}
      </QueryView>
    </Page>
  );
}
