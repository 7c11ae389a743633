// Compras sugeridas: what to order from each supplier according to the demand forecast
// (GET /forecast/reorder), grouped by supplier, with quantities the user can change before
// downloading an order as CSV or printing it; each product's forecast with its band on demand.
import { useEffect, useState } from 'react';
import { flushSync } from 'react-dom';
import { useQuery } from '@tanstack/react-query';
import { Page } from '../../components/Page.tsx';
import { QueryView } from '../../components/states.tsx';
import { t } from '../../i18n/index.ts';
import { calendarDate, dateTime } from '../../lib/format.ts';
import { downloadText } from '../../lib/csv.ts';
import { isZero } from '../../lib/decimal.ts';
import { fetchSuggestions, initialText, orderCsv, parseQuantity, slug, type ReorderItem, type SupplierGroup, type Suggestions } from './model.ts';
import { SupplierOrder, type QuantityState } from './SupplierOrder.tsx';
import { ForecastDialog } from './ForecastDialog.tsx';
import './purchasing.css';

const s = t.purchasing;
const ALL = '*';

function initialQuantities(data: Suggestions): Map<string, QuantityState> {
  const map = new Map<string, QuantityState>();
  for (const g of data.groups) for (const item of g.items) map.set(item.product_id, { text: initialText(item), value: item.suggested_qty });
  return map;
}

export default function PurchasingPage() {
  const suggestions = useQuery({ queryKey: ['forecast-reorder'], queryFn: fetchSuggestions });
  const [quantities, setQuantities] = useState<Map<string, QuantityState>>(new Map());
  const [loadedFrom, setLoadedFrom] = useState<Suggestions | undefined>(undefined);
  const [forecastOf, setForecastOf] = useState<ReorderItem | null>(null);
  const [printKey, setPrintKey] = useState<string | null>(null);
  const [printedAt, setPrintedAt] = useState<string | null>(null);
  const [notice, setNotice] = useState('');

  // New data (first load or a refetch) resets the quantities to the suggestions.
  if (suggestions.data && suggestions.data !== loadedFrom) {
    setLoadedFrom(suggestions.data);
    setQuantities(initialQuantities(suggestions.data));
  }

  useEffect(() => {
    const stamp = () => flushSync(() => setPrintedAt(dateTime(new Date().toISOString())));
    const done = () => setPrintKey(null);
    window.addEventListener('beforeprint', stamp);
    window.addEventListener('afterprint', done);
    return () => {
      window.removeEventListener('beforeprint', stamp);
      window.removeEventListener('afterprint', done);
    };
  }, []);

  function setQuantity(item: ReorderItem, text: string) {
    const parsed = parseQuantity(text, item.unit);
    setQuantities((prev) => new Map(prev).set(item.product_id, 'error' in parsed ? { text, error: parsed.error } : { text, value: parsed.value }));
  }

  function resetGroup(group: SupplierGroup) {
    setQuantities((prev) => {
      const next = new Map(prev);
      for (const item of group.items) next.set(item.product_id, { text: initialText(item), value: item.suggested_qty });
      return next;
    });
  }

  const valuesOf = (group: SupplierGroup) => {
    const values = new Map<string, string>();
    for (const item of group.items) values.set(item.product_id, quantities.get(item.product_id)?.value ?? '0');
    return values;
  };

  function download(group: SupplierGroup, date: string) {
    const { csv, lines } = orderCsv(group, valuesOf(group));
    downloadText(s.csv.filename(slug(group.name), date), csv);
    setNotice(`${s.downloadCsv}: ${group.name} · ${s.lines(lines)}`);
  }

  function print(key: string) {
    flushSync(() => setPrintKey(key));
    window.print();
  }

  return (
    <Page
      title={s.title}
      actions={
        <button type="button" className="primary" onClick={() => print(ALL)} disabled={!suggestions.data || suggestions.data.count === 0}>
          {s.printAll}
        </button>
      }
    >
      <div className={`purchasing${printKey && printKey !== ALL ? ' printing-one' : ''}`}>
        <p className="no-print">{s.intro}</p>
        <p className="purchasing-summary no-print" aria-live="polite">
          {suggestions.data ? s.summary(calendarDate(suggestions.data.date), suggestions.data.count, suggestions.data.groups.length) : '\u00a0'}
        </p>
        <p className="visually-hidden" aria-live="polite">
          {notice}
        </p>
        <QueryView query={suggestions} isEmpty={(d) => d.count === 0} empty={s.empty} rows={8}>
          {(data) =>
            data.groups.map((group) => {
              const lines = group.items.filter((i) => !isZero(quantities.get(i.product_id)?.value ?? '0')).length;
              return (
                <SupplierOrder
                  key={group.key || 'none'}
                  group={group}
                  date={data.date}
                  printedAt={printedAt}
                  quantities={quantities}
                  lines={lines}
                  onQuantity={setQuantity}
                  onForecast={setForecastOf}
                  onCsv={() => download(group, data.date)}
                  onPrint={() => print(group.key || 'none')}
                  onReset={() => resetGroup(group)}
                  printTarget={printKey === (group.key || 'none')}
                />
              );
            })
          }
        </QueryView>
      </div>
      <ForecastDialog item={forecastOf} onClose={() => setForecastOf(null)} />
    </Page>
  );
}
