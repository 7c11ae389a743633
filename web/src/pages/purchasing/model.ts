// Data of the Compras sugeridas page: the reorder list grouped by supplier, the quantities the
// user edits (typed text, validated with exact decimals), and each supplier's order as CSV.
import { api } from '../../api/client.ts';
import type { Supplier } from '../../api/types.ts';
import { fetchAll } from '../../api/client.ts';
import { t } from '../../i18n/index.ts';
import { isWhole, isZero, parseDecimalInput, toCsvDecimal, toInputDecimal } from '../../lib/decimal.ts';
import { buildCsv, type CsvCell } from '../../lib/csv.ts';

const s = t.purchasing;

export interface ReorderItem {
  product_id: string;
  sku: string;
  name: string;
  unit: string;
  supplier_id: string | null;
  on_hand: string;
  daily_demand: string;
  lead_time_days: number;
  adjusted_min: string;
  safety_stock: string;
  reorder_point: string;
  suggested_qty: string;
  below_reorder_point: boolean;
  model: string;
}

export interface ForecastPoint {
  date: string;
  demand: string;
  low: string;
  high: string;
}

export interface ProductForecast {
  model: string;
  points: ForecastPoint[];
  backtest: { mase: number | null; wape: number | null };
  censored_days: number;
}

export interface SupplierGroup {
  /** '' for products without a supplier. */
  key: string;
  supplier: Supplier | null;
  name: string;
  leadTimeDays: number;
  items: ReorderItem[];
}

export interface Suggestions {
  date: string;
  groups: SupplierGroup[];
  count: number;
}

interface ReorderPage {
  date: string;
  items: ReorderItem[];
  next_cursor: string | null;
}

export async function fetchSuggestions(): Promise<Suggestions> {
  const items: ReorderItem[] = [];
  let cursor: string | null = null;
  let date: string | undefined;
  do {
    const page: ReorderPage = await api.get<ReorderPage>('/forecast/reorder', { limit: 500, cursor });
    date = page.date;
    items.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor);
  const suppliers = items.some((i) => i.supplier_id) ? await fetchAll<Supplier>('/suppliers') : [];
  return { date: date ?? '', groups: groupBySupplier(items, suppliers), count: items.length };
}

/** Suppliers by name (products without one last); inside each, the API's order (most urgent first). */
export function groupBySupplier(items: ReorderItem[], suppliers: Supplier[]): SupplierGroup[] {
  const byId = new Map(suppliers.map((x) => [x.id, x]));
  const groups = new Map<string, SupplierGroup>();
  for (const item of items) {
    const key = item.supplier_id ?? '';
    let group = groups.get(key);
    if (!group) {
      const supplier = item.supplier_id ? (byId.get(item.supplier_id) ?? null) : null;
      group = { key, supplier, name: supplier?.name ?? s.noSupplier, leadTimeDays: item.lead_time_days, items: [] };
      groups.set(key, group);
    }
    group.items.push(item);
  }
  return [...groups.values()].sort((a, b) => (a.key === '' ? 1 : 0) - (b.key === '' ? 1 : 0) || a.name.localeCompare(b.name, 'es'));
}

export const fetchForecast = (productId: string, days: number) => api.get<ProductForecast>(`/products/${productId}/forecast`, { days });

/** What the quantity input starts with: the suggestion, with a decimal comma. */
export const initialText = (item: ReorderItem) => toInputDecimal(item.suggested_qty);

/** Typed quantity → decimal string, or an error message. Empty means 0 (leave the line out). */
export function parseQuantity(text: string, unit: string): { value: string } | { error: string } {
  const value = parseDecimalInput(text, { maxDecimals: 3 });
  if (value === null) return { error: s.quantityInvalid };
  if (unit === 'unit' && value !== '' && !isWhole(value)) return { error: s.quantityWhole };
  return { value: value === '' ? '0' : value };
}

/** The order for one supplier: the lines with a quantity above zero, as the CSV file. */
export function orderCsv(group: SupplierGroup, quantities: Map<string, string>): { csv: string; lines: number } {
  const rows: CsvCell[][] = [];
  for (const item of group.items) {
    const q = quantities.get(item.product_id) ?? item.suggested_qty;
    if (isZero(q)) continue;
    rows.push([
      item.sku,
      item.name,
      s.units[item.unit] ?? item.unit,
      { number: toCsvDecimal(q) },
      { number: toCsvDecimal(item.on_hand) },
      { number: toCsvDecimal(item.daily_demand) },
      { number: toCsvDecimal(item.reorder_point) },
      { number: toCsvDecimal(item.suggested_qty) },
    ]);
  }
  return { csv: buildCsv(s.csv.headers, rows), lines: rows.length };
}

/** A file-name-safe slug of the supplier's name. */
export function slug(name: string): string {
  return (
    name
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'proveedor'
  );
}
