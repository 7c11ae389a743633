// Inicio: the shop at a glance — stock value, what is running short, today's activity, and
// (for admin/auditor) open security alerts; then 30 days of sales and receipts and the stock
// value by category. The root gets data-ready="home" once the numbers are on screen (the
// dashboard benchmark measures time to interactive up to that point).
import { lazy, Suspense } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'wouter';
import { api } from '../../api/client.ts';
import { Page, TableScroll } from '../../components/Page.tsx';
import { Loading, QueryView } from '../../components/states.tsx';
import { t } from '../../i18n/index.ts';
import { calendarDate, dateTime, money, quantity } from '../../lib/format.ts';
import { CategoryBars } from './CategoryBars.tsx';
import type { Summary } from './summary.ts';
import './home.css';

const DailyChart = lazy(() => import('./DailyChart.tsx'));
const DAYS = 30;

export default function HomePage() {
  const summary = useQuery({ queryKey: ['reports', 'summary', DAYS], queryFn: () => api.get<Summary>('/reports/summary', { days: DAYS }) });
  return (
    <Page title={t.home.title}>
      <QueryView query={summary} rows={4}>
        {(s) => (
          <div className="home" data-ready="home">
            <p className="muted as-of">{t.home.asOf(dateTime(s.as_of))}</p>
            <Stats summary={s} />
            <div className="home-charts">
              <section className="card" aria-labelledby="daily-title">
                <h2 id="daily-title">{t.home.dailyTitle(DAYS)}</h2>
                <Suspense fallback={<Loading rows={1} />}>
                  <DailyChart daily={s.daily} />
                </Suspense>
                <DailyTable summary={s} />
              </section>
              <section className="card" aria-labelledby="category-title">
                <h2 id="category-title">{t.home.byCategoryTitle}</h2>
                <CategoryBars items={s.value_by_category} />
              </section>
            </div>
          </div>
        )}
      </QueryView>
    </Page>
  );
}

function Stats({ summary: s }: { summary: Summary }) {
  return (
    <div className="stats">
      <div className="stat">
        <div className="label">{t.home.stockValue}</div>
        <div className="value">{money(s.stock_value)}</div>
        <div className="muted">{t.home.activeProducts(s.products_active)}</div>
      </div>
      <div className={`stat ${s.below_min_count > 0 ? 'attention' : ''}`}>
        <div className="label">{t.home.belowMin}</div>
        <div className="value">{s.below_min_count}</div>
        <Link href="/critico">{t.home.seeCritical}</Link>
      </div>
      <div className="stat">
        <div className="label">{t.home.movementsToday}</div>
        <div className="value">{s.movements_today}</div>
      </div>
      <div className="stat">
        <div className="label">{t.home.invoicesPending}</div>
        {s.invoices_pending === null ? (
          <div className="muted">{t.home.invoicesUnavailable}</div>
        ) : (
          <div className="value">{s.invoices_pending}</div>
        )}
      </div>
      {s.open_alerts !== null && (
        <div className={`stat ${s.open_alerts > 0 ? 'attention' : ''}`}>
          <div className="label">{t.home.openAlerts}</div>
          <div className="value">{s.open_alerts}</div>
          <Link href="/auditoria">{t.home.seeAlerts}</Link>
        </div>
      )}
    </div>
  );
}

/** The chart's numbers for keyboard and screen-reader users (and anyone who wants exact values). */
function DailyTable({ summary: s }: { summary: Summary }) {
  return (
    <details className="chart-table">
      <summary>{t.home.chartAsTable}</summary>
      <TableScroll label={t.home.dailyTitle(DAYS)}>
        <table>
          <thead>
            <tr>
              <th scope="col">{t.home.date}</th>
              <th scope="col" className="num">{t.home.salesQuantity}</th>
              <th scope="col" className="num">{t.home.salesValue}</th>
              <th scope="col" className="num">{t.home.receiptsQuantity}</th>
              <th scope="col" className="num">{t.home.receiptsValue}</th>
            </tr>
          </thead>
          <tbody>
            {[...s.daily].reverse().map((d) => (
              <tr key={d.date}>
                <td>{calendarDate(d.date)}</td>
                <td className="num">{quantity(d.sales_quantity)}</td>
                <td className="num">{money(d.sales_value)}</td>
                <td className="num">{quantity(d.receipts_quantity)}</td>
                <td className="num">{money(d.receipts_value)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
    </details>
  );
}
