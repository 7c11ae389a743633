// Reference data shared by the stock tabs: locations, the product catalogue (to put names on
// levels and movements, which carry only ids) and the error sentence for a failed write.
import { useQuery } from '@tanstack/react-query';
import { ApiError, fetchAll } from '../../api/client.ts';
import type { Location, Product } from '../../api/types.ts';
import { errorMessage } from '../../components/states.tsx';
import { t } from '../../i18n/index.ts';
import { quantity } from '../../lib/format.ts';

export const stockKeys = {
  locations: ['locations'] as const,
  products: ['products', 'stock-index'] as const,
  levels: (filter: Record<string, string | undefined>) => ['stock-levels', filter] as const,
  movements: (filter: Record<string, string | undefined>) => ['stock-movements', filter] as const,
};

/** Query keys to refresh after anything was recorded. */
export const AFTER_WRITE = [['stock-levels'], ['stock-movements'], ['products'], ['stock-critical'], ['reports']] as const;

export function useLocations() {
  return useQuery({ queryKey: stockKeys.locations, queryFn: () => fetchAll<Location>('/locations') });
}

export interface ProductIndex {
  list: Product[];
  byId: Map<string, Product>;
}

/** Active and archived products: movements of archived products still need a name. */
export function useProductIndex() {
  return useQuery({
    queryKey: stockKeys.products,
    queryFn: async (): Promise<ProductIndex> => {
      const [active, archived] = await Promise.all([fetchAll<Product>('/products'), fetchAll<Product>('/products', { archived: true })]);
      const list = [...active, ...archived];
      return { list, byId: new Map(list.map((p) => [p.id, p])) };
    },
  });
}

export function locationName(locations: Location[] | undefined, id: string | null | undefined): string {
  if (!id) return '—';
  const l = locations?.find((x) => x.id === id);
  return l ? t.stock.locationLabel(l.code, l.name) : id.slice(0, 8);
}

export function mainLocation(locations: Location[] | undefined): Location | undefined {
  return locations?.find((l) => l.code === 'MAIN') ?? locations?.[0];
}

/** "3 u.", "1,5 kg". */
export function qtyWithUnit(value: string, unit: string | undefined): string {
  const suffix = unit ? t.stock.unitsShort[unit] : undefined;
  return suffix ? `${quantity(value)} ${suffix}` : quantity(value);
}

/** A signed quantity for the ledger: "+5", "−3" (a real minus sign). */
export function signedQuantity(value: string): string {
  if (value.startsWith('-')) return `−${quantity(value.slice(1))}`;
  return value === '0' ? quantity(value) : `+${quantity(value)}`;
}

/** Case- and accent-insensitive text for client-side search. */
export function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{Diacritic}/gu, '').toLowerCase();
}

export function productMatches(p: Product, query: string): boolean {
  const q = fold(query.trim());
  if (!q) return true;
  return fold(p.name).includes(q) || p.sku.toLowerCase().includes(q) || (p.barcode ?? '').toLowerCase().includes(q);
}

/** The sentence for a failed stock write: this page's own codes first, then the shared ones. */
export function stockErrorMessage(error: unknown): string {
  if (error instanceof ApiError && t.stock.errors[error.code]) return t.stock.errors[error.code]!;
  return errorMessage(error);
}
