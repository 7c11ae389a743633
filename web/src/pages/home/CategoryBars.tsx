// Stock value by category as a list of labelled bars: readable on a phone, exact values in
// text, and the bar widths set through CSSOM (allowed by the CSP, unlike style attributes).
import { Empty } from '../../components/states.tsx';
import { t } from '../../i18n/index.ts';
import { money } from '../../lib/format.ts';

export function CategoryBars({ items }: { items: Array<{ category: string; value: string; products: number }> }) {
  if (items.length === 0) return <Empty>{t.home.noProducts}</Empty>;
  // Bar length is a drawing, not money: a float ratio is fine here.
  const max = Math.max(...items.map((i) => Number(i.value)), 1);
  return (
    <ul className="category-bars">
      {items.map((item) => (
        <li key={item.category}>
          <div className="category-line">
            <span className="category-name">{item.category}</span>
            <span className="category-value">{money(item.value)}</span>
          </div>
          <div className="bar-track" aria-hidden="true">
            <div className="bar-fill" style={{ width: `${Math.max(1, (Number(item.value) / max) * 100)}%` }} />
          </div>
          <span className="muted category-count">
            {item.products} {t.home.products.toLowerCase()}
          </span>
        </li>
      ))}
    </ul>
  );
}
