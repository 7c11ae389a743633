// The forecast of one product: model, backtest error, chart with the band, and the numbers.
import { lazy, Suspense } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Dialog } from '../../components/Dialog.tsx';
import { TableScroll } from '../../components/Page.tsx';
import { Loading, QueryView } from '../../components/states.tsx';
import { t } from '../../i18n/index.ts';
import { calendarDate, quantity } from '../../lib/format.ts';
import { fetchForecast, type ReorderItem } from './model.ts';

const ForecastChart = lazy(() => import('./ForecastChart.tsx'));
const s = t.purchasing;
const DAYS = 30;
const ratio = (x: number) => new Intl.NumberFormat('es-AR', { maximumFractionDigits: 2, minimumFractionDigits: 2 }).format(x);

export function ForecastDialog({ item, onClose }: { item: ReorderItem | null; onClose: () => void }) {
  const forecast = useQuery({ queryKey: ['forecast', item?.product_id], queryFn: () => fetchForecast(item!.product_id, DAYS), enabled: item !== null });
  const unit = item ? (s.units[item.unit] ?? item.unit) : '';
  return (
    <Dialog title={item ? s.chart.title(item.name) : ''} open={item !== null} onClose={onClose}>
      {item && (
        <QueryView query={forecast} rows={6}>
          {(f) => (
            <div className="forecast-detail" aria-live="polite">
              <p>
                {s.chart.modelLine(s.models[f.model] ?? f.model)}
                {f.censored_days > 0 && ` · ${s.chart.censored(f.censored_days)}`}
              </p>
              <p className="small">{f.backtest.mase !== null && f.backtest.wape !== null ? s.chart.backtest(ratio(f.backtest.mase), ratio(f.backtest.wape)) : s.chart.noBacktest}</p>
              <Suspense fallback={<Loading rows={4} />}>
                <ForecastChart name={item.name} points={f.points} />
              </Suspense>
              <TableScroll label={s.chart.tableLabel}>
                <table>
                  <thead>
                    <tr>
                      <th scope="col">{s.chart.date}</th>
                      <th scope="col" className="num">{`${s.chart.demand} (${unit})`}</th>
                      <th scope="col" className="num">
                        {s.chart.low}
                      </th>
                      <th scope="col" className="num">
                        {s.chart.high}
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {f.points.map((p) => (
                      <tr key={p.date}>
                        <td>{calendarDate(p.date)}</td>
                        <td className="num">{quantity(p.demand)}</td>
                        <td className="num">{quantity(p.low)}</td>
                        <td className="num">{quantity(p.high)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableScroll>
            </div>
          )}
        </QueryView>
      )}
    </Dialog>
  );
}
