// One supplier's suggested order: editable quantities, CSV download and a printable sheet.
import { t } from '../../i18n/index.ts';
import { TableScroll } from '../../components/Page.tsx';
import { calendarDate, quantity } from '../../lib/format.ts';
import type { ReorderItem, SupplierGroup } from './model.ts';

const s = t.purchasing;

export interface QuantityState {
  text: string;
  /** The parsed decimal string; undefined while the text is invalid. */
  value?: string | undefined;
  error?: string | undefined;
}

interface Props {
  group: SupplierGroup;
  date: string;
  printedAt: string | null;
  quantities: Map<string, QuantityState>;
  lines: number;
  onQuantity: (item: ReorderItem, text: string) => void;
  onForecast: (item: ReorderItem) => void;
  onCsv: () => void;
  onPrint: () => void;
  onReset: () => void;
  printTarget: boolean;
}

const withUnit = (value: string, unit: string) => `${quantity(value)} ${s.units[unit] ?? unit}`;

export function SupplierOrder({ group, date, printedAt, quantities, lines, onQuantity, onForecast, onCsv, onPrint, onReset, printTarget }: Props) {
  const headingId = `order-${group.key || 'none'}`;
  return (
    <section className={`card supplier-order${printTarget ? ' print-target' : ''}`} aria-labelledby={headingId}>
      <header className="supplier-order-header">
        <h2 id={headingId}>
          <span className="no-print">{group.name}</span>
          <span className="print-only">{s.printTitle(group.name)}</span>
        </h2>
        <p className="small">
          {group.supplier && `${s.cuit(group.supplier.cuit)} · `}
          {s.leadTime(group.leadTimeDays)} · {s.lines(lines)}
          <span className="print-only">
            {' · '}
            {calendarDate(date)}
            {printedAt && ` · ${s.printed(printedAt)}`}
          </span>
        </p>
      </header>
      <TableScroll label={s.tableLabel(group.name)}>
        <table className="order-table">
          <thead>
            <tr>
              <th scope="col">{s.sku}</th>
              <th scope="col">{s.product}</th>
              <th scope="col" className="num">
                {s.onHand}
              </th>
              <th scope="col" className="num no-print">
                {s.dailyDemand}
              </th>
              <th scope="col" className="num no-print">
                {s.reorderPoint}
              </th>
              <th scope="col" className="num no-print">
                {s.suggested}
              </th>
              <th scope="col" className="num">
                {s.quantity}
              </th>
              <th scope="col" className="no-print">
                {s.model}
              </th>
              <th scope="col" className="no-print">
                <span className="visually-hidden">{s.forecast}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {group.items.map((item) => {
              const q = quantities.get(item.product_id);
              const errorId = `qty-error-${item.product_id}`;
              return (
                <tr key={item.product_id}>
                  <td className="mono">{item.sku}</td>
                  <td className="wrap">
                    {item.name}
                    {item.below_reorder_point && (
                      <>
                        {' '}
                        <span className="badge warn">{s.orderNow}</span>
                      </>
                    )}
                  </td>
                  <td className="num">{withUnit(item.on_hand, item.unit)}</td>
                  <td className="num no-print">{quantity(item.daily_demand)}</td>
                  <td className="num no-print">{quantity(item.reorder_point)}</td>
                  <td className="num no-print">{quantity(item.suggested_qty)}</td>
                  <td className="num">
                    <input
                      className="qty-input no-print"
                      inputMode="decimal"
                      autoComplete="off"
                      aria-label={s.quantityFor(item.name)}
                      aria-invalid={q?.error ? true : undefined}
                      aria-describedby={q?.error ? errorId : undefined}
                      value={q?.text ?? ''}
                      onChange={(e) => onQuantity(item, e.target.value)}
                    />
                    {q?.error && (
                      <small id={errorId} className="field-error no-print">
                        {q.error}
                      </small>
                    )}
                    <span className="print-only">{q?.value !== undefined ? withUnit(q.value, item.unit) : ''}</span>
                  </td>
                  <td className="no-print">{s.models[item.model] ?? item.model}</td>
                  <td className="no-print">
                    <button type="button" className="link" onClick={() => onForecast(item)}>
                      {s.showForecast}
                      <span className="visually-hidden">{s.forecastOf(item.name)}</span>
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </TableScroll>
      <div className="form-actions no-print">
        <button type="button" className="primary" onClick={onCsv} disabled={lines === 0}>
          {s.downloadCsv}
        </button>
        <button type="button" onClick={onPrint} disabled={lines === 0}>
          {s.printOrder}
        </button>
        <button type="button" onClick={onReset}>
          {s.reset}
        </button>
      </div>
    </section>
  );
}
