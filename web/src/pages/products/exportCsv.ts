// The CSV export of the current filter: every page (fetchAll), not only the rows on screen.
import { fetchAll } from '../../api/client.ts';
import type { Product, Supplier } from '../../api/types.ts';
import { t } from '../../i18n/index.ts';
import { todayInStore } from '../../lib/format.ts';
import { buildCsv, downloadText, type CsvCell } from '../../lib/csv.ts';
import { toCsvDecimal } from '../../lib/decimal.ts';
import { apiQuery, type ProductFilters } from './queries.ts';
import { unitLabel } from './ProductTable.tsx';

export function productRows(products: Product[], suppliers: Supplier[]): CsvCell[][] {
  const supplierName = new Map(suppliers.map((s) => [s.id, s.name]));
  const num = (value: string | null) => ({ number: toCsvDecimal(value) });
  return products.map((p) => [
    p.sku,
    p.name,
    p.category,
    unitLabel(p),
    p.barcode ?? '',
    p.supplier_id ? (supplierName.get(p.supplier_id) ?? '') : '',
    num(p.on_hand),
    num(p.min_stock),
    num(p.max_stock),
    num(p.cost_price),
    num(p.sale_price),
    num(p.vat_rate),
    p.archived ? t.actions.yes : t.actions.no,
  ]);
}

/** Downloads the file and returns how many products it holds. */
export async function exportProducts(filters: ProductFilters, loadSuppliers: () => Promise<Supplier[]>): Promise<number> {
  const [products, suppliers] = await Promise.all([fetchAll<Product>('/products', apiQuery(filters)), loadSuppliers()]);
  const csv = buildCsv(t.products.export.headers, productRows(products, suppliers));
  downloadText(t.products.export.filename(todayInStore()), csv);
  return products.length;
}
