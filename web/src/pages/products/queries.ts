// Data for the products page: the filters (kept in the address bar, so reload, back and a shared
// link keep them), the paged list, and the reference lists the filters and the form need.
import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'wouter';
import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { api, fetchAll, type Page } from '../../api/client.ts';
import type { Product, Supplier } from '../../api/types.ts';

export interface ProductFilters {
  q: string;
  category: string;
  supplier_id: string;
  below_min: boolean;
  archived: boolean;
}

const PAGE_SIZE = 50;

export function useProductFilters(): [ProductFilters, (patch: Partial<ProductFilters>) => void] {
  const [params, setParams] = useSearchParams();
  const filters = useMemo<ProductFilters>(
    () => ({
      q: params.get('q') ?? '',
      category: params.get('categoria') ?? '',
      supplier_id: params.get('proveedor') ?? '',
      below_min: params.get('bajo_minimo') === '1',
      archived: params.get('archivados') === '1',
    }),
    [params],
  );
  const update = useCallback(
    (patch: Partial<ProductFilters>) => {
      const next = { ...filters, ...patch };
      const out = new URLSearchParams();
      if (next.q.trim()) out.set('q', next.q.trim());
      if (next.category) out.set('categoria', next.category);
      if (next.supplier_id) out.set('proveedor', next.supplier_id);
      if (next.below_min) out.set('bajo_minimo', '1');
      if (next.archived) out.set('archivados', '1');
      setParams(out, { replace: true });
    },
    [filters, setParams],
  );
  return [filters, update];
}

/** The filters as the API's query parameters. */
export function apiQuery(f: ProductFilters) {
  return {
    q: f.q.trim() || undefined,
    category: f.category || undefined,
    supplier_id: f.supplier_id || undefined,
    below_min: f.below_min ? 'true' : undefined,
    archived: f.archived ? 'true' : undefined,
  };
}

export function useProductPages(filters: ProductFilters) {
  const query = apiQuery(filters);
  return useInfiniteQuery({
    queryKey: ['products', 'list', query],
    queryFn: ({ pageParam, signal }) => api.get<Page<Product>>('/products', { ...query, limit: PAGE_SIZE, cursor: pageParam }, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor,
    // A new filter keeps the current rows on screen until its answer arrives (no flash).
    placeholderData: keepPreviousData,
  });
}

export const suppliersQuery = {
  queryKey: ['suppliers', 'all'],
  queryFn: () => fetchAll<Supplier>('/suppliers'),
  staleTime: 60_000,
};

export function useSupplierOptions() {
  return useQuery(suppliersQuery);
}

/** The categories in use (there is no categories endpoint; a shop has a few hundred products). */
export function useCategories() {
  return useQuery({
    queryKey: ['products', 'categories'],
    queryFn: async () => {
      const all = await fetchAll<Product>('/products');
      return [...new Set(all.map((p) => p.category))].sort((a, b) => a.localeCompare(b, 'es'));
    },
    staleTime: 60_000,
  });
}
