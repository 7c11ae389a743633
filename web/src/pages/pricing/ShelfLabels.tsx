// The printable shelf labels of changed prices: one per product, name, final price (IVA
// included, as consumer prices are shown in Argentina) with the IVA it contains, per-kg or
// per-litre for goods sold by weight or volume, codes and the date the price applies from.
// On paper only the labels print (see pricing.css), three to a row, cut along dotted lines.
import { t } from '../../i18n/index.ts';
import { money } from '../../lib/format.ts';
import { vatInside, type ShelfLabel } from './model.ts';

const s = t.pricing.labels;

export function ShelfLabels({ labels, onClose }: { labels: ShelfLabel[]; onClose: () => void }) {
  return (
    <section className="shelf-labels card" aria-labelledby="shelf-labels-title">
      <div className="section-header no-print">
        <h2 id="shelf-labels-title">{s.title}</h2>
        <div className="filter-buttons">
          <button type="button" className="primary" onClick={() => window.print()} disabled={labels.length === 0}>
            {s.print}
          </button>
          <button type="button" onClick={onClose}>
            {s.close}
          </button>
        </div>
      </div>
      <p className="no-print section-intro">{labels.length === 0 ? s.empty : s.intro(labels.length)}</p>
      <ul className="label-sheet">
        {labels.map((label) => (
          <li key={label.key} className="shelf-label">
            <span className="label-name">{label.name}</span>
            <span className="label-price">
              <span className="visually-hidden">{s.finalPrice}: </span>
              {money(label.price)}
              {s.perUnit[label.unit] ? <span className="label-per"> {s.perUnit[label.unit]}</span> : null}
            </span>
            <span className="label-vat">{s.vatIncluded(label.vatRate.replace('.', ','), money(vatInside(label.price, label.vatRate)))}</span>
            <span className="label-codes mono">
              {label.sku}
              {label.barcode ? ` · ${label.barcode}` : ''}
            </span>
            <span className="label-since">{s.since(label.since)}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
