// The reprice preview: one row per price that would change, with the arithmetic behind it (last
// cost, days since, replacement cost) and what the old and the new price leave as margin. A
// negative margin (the old price no longer pays for restocking) is flagged.
import { useEffect, useRef } from 'react';
import { TableScroll } from '../../components/Page.tsx';
import { t } from '../../i18n/index.ts';
import { calendarDate, money } from '../../lib/format.ts';
import { isNegativeFraction, plainPercent, signedPercent, type PriceChange } from './model.ts';

const s = t.pricing.reprice;

export function PreviewTable({
  changes,
  selected,
  onToggle,
  onToggleAll,
}: {
  changes: PriceChange[];
  selected: (id: string) => boolean;
  onToggle: (id: string) => void;
  onToggleAll: (on: boolean) => void;
}) {
  const all = changes.length > 0 && changes.every((c) => selected(c.product_id));
  const some = changes.some((c) => selected(c.product_id));
  const header = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (header.current) header.current.indeterminate = some && !all;
  }, [some, all]);

  return (
    <TableScroll label={s.tableLabel}>
      <table className="pricing-table">
        <thead>
          <tr>
            <th scope="col" className="check">
              <label className="check-target">
                <input ref={header} type="checkbox" checked={all} onChange={(e) => onToggleAll(e.target.checked)} aria-label={s.selectAll} />
              </label>
            </th>
            <th scope="col">{s.product}</th>
            <th scope="col" className="wide-only">
              {s.categoryCol}
            </th>
            <th scope="col" className="num">
              {s.oldPrice}
            </th>
            <th scope="col" className="num">
              {s.newPrice}
            </th>
            <th scope="col" className="num">
              {s.change}
            </th>
            <th scope="col" className="num">
              {s.cost}
            </th>
            <th scope="col">{s.lastCost}</th>
            <th scope="col" className="num">
              {s.days}
            </th>
            <th scope="col" className="num">
              {s.replacement}
            </th>
            <th scope="col" className="num">
              <abbr title={s.marginHint}>{s.oldMargin}</abbr>
            </th>
            <th scope="col" className="num">
              <abbr title={s.marginHint}>{s.newMargin}</abbr>
            </th>
          </tr>
        </thead>
        <tbody>
          {changes.map((c) => (
            <tr key={c.product_id} className={selected(c.product_id) ? undefined : 'deselected'}>
              <td className="check">
                <label className="check-target">
                  <input type="checkbox" checked={selected(c.product_id)} onChange={() => onToggle(c.product_id)} aria-label={s.selectOne(c.name)} />
                </label>
              </td>
              <td className="wrap">
                {c.name}
                <span className="row-meta mono">{c.sku}</span>
                <span className="row-meta phone-only">
                  {c.old_price === null ? s.noPrice : money(c.old_price)} → <strong>{money(c.new_price)}</strong>
                </span>
              </td>
              <td className="wide-only">{c.category}</td>
              <td className="num">{c.old_price === null ? <span className="muted">{s.noPrice}</span> : money(c.old_price)}</td>
              <td className="num new-price">{money(c.new_price)}</td>
              <td className="num">{signedPercent(c.change_pct)}</td>
              <td className="num">{money(c.cost_price)}</td>
              <td>{calendarDate(c.last_cost_date)}</td>
              <td className="num">{c.days}</td>
              <td className="num">{money(c.replacement_cost)}</td>
              <td className={`num${isNegativeFraction(c.old_margin) ? ' negative' : ''}`}>{plainPercent(c.old_margin)}</td>
              <td className="num">{plainPercent(c.new_margin)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}
