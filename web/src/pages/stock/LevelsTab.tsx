// Niveles: on hand per product and location, joined on the client with the catalogue's names,
// filtered by location (server) and by a product search (client).
import { useMemo, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { fetchAll } from '../../api/client.ts';
import type { StockLevel } from '../../api/types.ts';
import { TableScroll } from '../../components/Page.tsx';
import { Field, SelectField } from '../../components/form.tsx';
import { QueryView } from '../../components/states.tsx';
import { t } from '../../i18n/index.ts';
import { isBelowMin } from '../../lib/decimal.ts';
import { fold, locationName, productMatches, qtyWithUnit, stockKeys, useLocations, useProductIndex } from './reference.ts';

const s = t.stock.levels;
const PAGE = 100;

export function LevelsTab() {
  const locations = useLocations();
  const products = useProductIndex();
  const [locationId, setLocationId] = useState('');
  const [search, setSearch] = useState('');
  const [shown, setShown] = useState(PAGE);
  const levels = useQuery({
    queryKey: stockKeys.levels({ location_id: locationId || undefined }),
    queryFn: () => fetchAll<StockLevel>('/stock/levels', { location_id: locationId || undefined }),
  });

  // One query view for both: the table needs the levels and the names.
  const joined = useMemo(() => {
    if (!levels.data || !products.data) return undefined;
    const byId = products.data.byId;
    return levels.data
      .map((level) => ({ level, product: byId.get(level.product_id) }))
      .sort((a, b) => fold(a.product?.name ?? '').localeCompare(fold(b.product?.name ?? '')) || a.level.location_id.localeCompare(b.level.location_id));
  }, [levels.data, products.data]);
  const rows = joined?.filter((r) => (r.product ? productMatches(r.product, search) : !search.trim()));

  const view = {
    data: rows,
    error: levels.error ?? products.error,
    isPending: levels.isPending || products.isPending,
    refetch: () => {
      void levels.refetch();
      void products.refetch();
    },
  };

  return (
    <section className="stack" aria-labelledby="levels-title">
      <h2 id="levels-title">{s.heading}</h2>
      <div className="filters">
        <SelectField
          label={s.location}
          value={locationId}
          onChange={(e) => {
            setLocationId(e.target.value);
            setShown(PAGE);
          }}
          options={[{ value: '', label: t.stock.allLocations }, ...(locations.data ?? []).map((l) => ({ value: l.id, label: t.stock.locationLabel(l.code, l.name) }))]}
        />
        <Field
          label={s.search}
          type="search"
          value={search}
          placeholder={s.searchPlaceholder}
          onChange={(e) => {
            setSearch(e.target.value);
            setShown(PAGE);
          }}
        />
      </div>
      <QueryView query={view} isEmpty={(r) => r.length === 0} empty={joined?.length ? s.noMatch : s.empty}>
        {(data) => (
          <>
            <TableScroll label={s.tableLabel}>
              <table>
                <thead>
                  <tr>
                    <th scope="col">{s.product}</th>
                    <th scope="col" className="num">
                      {s.onHand}
                    </th>
                    <th scope="col">{s.location}</th>
                    <th scope="col" className="num">
                      {s.minStock}
                    </th>
                    <th scope="col">{s.category}</th>
                  </tr>
                </thead>
                <tbody>
                  {data.slice(0, shown).map(({ level, product }) => (
                    <tr key={`${level.product_id}:${level.location_id}`}>
                      <td className="wrap product-cell">
                        {product?.name ?? s.unknownProduct}
                        {product && <span className="mono muted">{product.sku}</span>}
                      </td>
                      <td className="num strong">{qtyWithUnit(level.on_hand, product?.unit)}</td>
                      <td className="loc">{locationName(locations.data, level.location_id)}</td>
                      <td className="num">
                        {product ? qtyWithUnit(product.min_stock, product.unit) : '—'}
                        {product && isBelowMin(product.on_hand, product.min_stock) && (
                          <>
                            {' '}
                            <span className="badge warn">{s.belowMin}</span>
                          </>
                        )}
                      </td>
                      <td>{product?.category ?? '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableScroll>
            <div className="table-footer">
              <span className="muted">{s.showing(Math.min(shown, data.length), data.length)}</span>
              {shown < data.length && (
                <button type="button" onClick={() => setShown((n) => n + PAGE)}>
                  {s.showMore}
                </button>
              )}
            </div>
          </>
        )}
      </QueryView>
    </section>
  );
}
