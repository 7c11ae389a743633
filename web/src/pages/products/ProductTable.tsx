// The products table. On a phone it scrolls sideways inside TableScroll with the name column
// pinned on the left: one table for every width keeps the table semantics screen readers
// announce (row and column headers), keeps the numbers in aligned columns a shopkeeper scans
// top to bottom, and the pinned name says which product a cell belongs to while scrolling.
// A card list would have to repeat every label on every card and show far fewer products per
// screen. The stock figures come right after the name (before category and prices) because
// they are what the storeroom looks up; on a phone the SKU moves under the name, so name,
// stock and minimum fit on the first screen without scrolling.
import type { Product } from '../../api/types.ts';
import { TableScroll } from '../../components/Page.tsx';
import { t } from '../../i18n/index.ts';
import { money, quantity } from '../../lib/format.ts';
import { isBelowMin } from '../../lib/decimal.ts';

const s = t.products.table;

export function unitLabel(product: Pick<Product, 'unit'>): string {
  return t.products.units[product.unit] ?? product.unit;
}

export function ProductTable({
  items,
  canWrite,
  onEdit,
  onArchive,
  busy = false,
}: {
  busy?: boolean;
  items: Product[];
  canWrite: boolean;
  onEdit: (p: Product) => void;
  onArchive: (p: Product) => void;
}) {
  return (
    <TableScroll label={s.label}>
      <table className="products-table" aria-busy={busy || undefined}>
        <thead>
          <tr>
            <th scope="col" className="pin">
              {s.name}
            </th>
            <th scope="col" className="col-sku">
              {s.sku}
            </th>
            <th scope="col" className="num">
              {s.stock}
            </th>
            <th scope="col" className="num">
              {s.min}
            </th>
            <th scope="col">{s.category}</th>
            <th scope="col" className="num">
              {s.cost}
            </th>
            <th scope="col" className="num">
              {s.price}
            </th>
            {canWrite && <th scope="col">{s.actions}</th>}
          </tr>
        </thead>
        <tbody>
          {items.map((p) => (
            <tr key={p.id}>
              <th scope="row" className="pin product-name">
                {p.name}
                {p.archived && <span className="badge">{s.archived}</span>}
                <span className="sku-under mono">{p.sku}</span>
              </th>
              <td className="mono col-sku">{p.sku}</td>
              <td className="num">
                {quantity(p.on_hand)} {unitLabel(p)}
                {!p.archived && isBelowMin(p.on_hand, p.min_stock) && <span className="badge warn below-min">{s.belowMin}</span>}
              </td>
              <td className="num">{quantity(p.min_stock)}</td>
              <td>{p.category}</td>
              <td className="num">{money(p.cost_price)}</td>
              <td className="num">{money(p.sale_price)}</td>
              {canWrite && (
                <td>
                  {!p.archived && (
                    <div className="row-actions">
                      <button type="button" onClick={() => onEdit(p)} aria-label={t.products.editLabel(p.name)}>
                        {t.products.edit}
                      </button>
                      <button type="button" className="danger" onClick={() => onArchive(p)} aria-label={t.products.archiveLabel(p.name)}>
                        {t.products.archive}
                      </button>
                    </div>
                  )}
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}
