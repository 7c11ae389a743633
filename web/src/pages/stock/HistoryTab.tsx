// Historial: the ledger, newest first, with filters. Dates are typed as DD/MM/AAAA and mean whole
// days in the store's time zone; they are sent as the RFC 3339 instants where those days begin
// and end there.
import { useMemo, useState, type FormEvent } from 'react';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { api, fetchAll, type Page as ApiPage } from '../../api/client.ts';
import type { Movement, MovementType, Product } from '../../api/types.ts';
import { useSignedIn } from '../../auth/session.tsx';
import { TableScroll } from '../../components/Page.tsx';
import { Field, SelectField } from '../../components/form.tsx';
import { ErrorState, QueryView } from '../../components/states.tsx';
import { t } from '../../i18n/index.ts';
import { dateTime, money } from '../../lib/format.ts';
import { dayEndInstant, dayStartInstant, parseDayInput } from '../../lib/dates.ts';
import { locationName, productMatches, qtyWithUnit, signedQuantity, useLocations, useProductIndex } from './reference.ts';

const s = t.stock.history;
const TYPES: MovementType[] = ['in', 'out', 'adjust', 'transfer'];

interface Filters {
  product_id?: string | undefined;
  location_id?: string | undefined;
  type?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

const optionLabel = (p: Product) => `${p.sku} · ${p.name}`;

function resolveProduct(text: string, products: Product[]): Product | null {
  const value = text.trim();
  const upper = value.toUpperCase();
  const exact = products.find((p) => optionLabel(p) === value || p.sku === upper || p.barcode === value);
  if (exact) return exact;
  const matches = products.filter((p) => productMatches(p, value));
  return matches.length === 1 ? matches[0]! : null;
}

function useActorName() {
  const { user, can } = useSignedIn();
  const isAdmin = can('admin');
  const users = useQuery({
    queryKey: ['stock-actors', 'users'],
    queryFn: () => fetchAll<{ id: string; username: string }>('/users'),
    enabled: isAdmin,
  });
  const keys = useQuery({
    queryKey: ['stock-actors', 'api-keys'],
    queryFn: () => fetchAll<{ id: string; name: string }>('/api-keys'),
    enabled: isAdmin,
  });
  return (actor: string): string => {
    const [kind, id = ''] = actor.split(':', 2);
    if (kind === 'user') {
      if (id === user.id) return s.you(user.username);
      return users.data?.find((u) => u.id === id)?.username ?? s.userShort(id.slice(0, 8));
    }
    if (kind === 'api_key') {
      const name = keys.data?.find((k) => k.id === id)?.name;
      return name ? s.keyNamed(name) : s.keyShort(id.slice(0, 8));
    }
    if (kind === 'system') return s.system;
    return actor;
  };
}

export function HistoryTab() {
  const { timezone } = useSignedIn();
  const locations = useLocations();
  const products = useProductIndex();
  const actorName = useActorName();

  const [productText, setProductText] = useState('');
  const [locationId, setLocationId] = useState('');
  const [type, setType] = useState('');
  const [fromText, setFromText] = useState('');
  const [toText, setToText] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [filters, setFilters] = useState<Filters>({});

  const movements = useInfiniteQuery({
    queryKey: ['stock-movements', filters],
    queryFn: ({ pageParam }) => api.get<ApiPage<Movement>>('/stock/movements', { ...filters, limit: 50, cursor: pageParam }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });

  const suggestions = useMemo(
    () => (products.data?.list ?? []).filter((p) => !p.archived && productMatches(p, productText)).slice(0, 30),
    [products.data, productText],
  );

  function apply(event: FormEvent) {
    event.preventDefault();
    const next: Filters = { location_id: locationId || undefined, type: type || undefined };
    const found: Record<string, string> = {};
    if (productText.trim()) {
      const p = resolveProduct(productText, products.data?.list ?? []);
      if (p) {
        next.product_id = p.id;
        setProductText(optionLabel(p));
      } else found.product = s.productNotFound;
    }
    const from = fromText.trim() ? parseDayInput(fromText) : null;
    const to = toText.trim() ? parseDayInput(toText) : null;
    if (fromText.trim() && !from) found.from = s.dateInvalid;
    if (toText.trim() && !to) found.to = s.dateInvalid;
    if (from && to && from > to) found.to = s.rangeInvalid;
    if (from) next.from = dayStartInstant(from, timezone);
    if (to) next.to = dayEndInstant(to, timezone);
    setErrors(found);
    if (Object.keys(found).length === 0) setFilters(next);
  }

  function clear() {
    setProductText('');
    setLocationId('');
    setType('');
    setFromText('');
    setToText('');
    setErrors({});
    setFilters({});
  }

  const items = movements.data?.pages.flatMap((p) => p.items);
  const view = { data: items, error: movements.isFetchNextPageError ? null : movements.error, isPending: movements.isPending, refetch: movements.refetch };

  return (
    <section className="stack" aria-labelledby="history-title">
      <h2 id="history-title">{s.heading}</h2>
      <form className="filters history-filters" onSubmit={apply} noValidate>
        <Field
          label={s.product}
          value={productText}
          onChange={(e) => setProductText(e.target.value)}
          list="history-products"
          placeholder={s.productPlaceholder}
          autoComplete="off"
          error={errors.product}
        />
        <datalist id="history-products">
          {suggestions.map((p) => (
            <option key={p.id} value={optionLabel(p)} />
          ))}
        </datalist>
        <SelectField
          label={s.location}
          value={locationId}
          onChange={(e) => setLocationId(e.target.value)}
          options={[{ value: '', label: t.stock.allLocations }, ...(locations.data ?? []).map((l) => ({ value: l.id, label: t.stock.locationLabel(l.code, l.name) }))]}
        />
        <SelectField
          label={s.type}
          value={type}
          onChange={(e) => setType(e.target.value)}
          options={[{ value: '', label: t.stock.allTypes }, ...TYPES.map((v) => ({ value: v, label: t.stock.types[v] ?? v }))]}
        />
        <Field label={s.from} value={fromText} onChange={(e) => setFromText(e.target.value)} inputMode="numeric" placeholder="DD/MM/AAAA" autoComplete="off" error={errors.from} />
        <Field label={s.to} value={toText} onChange={(e) => setToText(e.target.value)} inputMode="numeric" placeholder="DD/MM/AAAA" autoComplete="off" error={errors.to} />
        <div className="filter-buttons">
          <button type="submit" className="primary">
            {s.apply}
          </button>
          <button type="button" onClick={clear}>
            {t.actions.clear}
          </button>
        </div>
      </form>
      <p className="muted small">{s.tzHint(timezone)}</p>
      <QueryView query={view} isEmpty={(d) => d.length === 0} empty={s.empty}>
        {(data) => (
          <>
            <TableScroll label={s.tableLabel}>
              <table>
                <thead>
                  <tr>
                    <th scope="col">{s.when}</th>
                    <th scope="col">{s.product}</th>
                    <th scope="col">{s.type}</th>
                    <th scope="col" className="num">
                      {s.quantity}
                    </th>
                    <th scope="col" className="num">
                      {s.beforeAfter}
                    </th>
                    <th scope="col">{s.location}</th>
                    <th scope="col" className="num">
                      {s.unitCost}
                    </th>
                    <th scope="col">{s.reason}</th>
                    <th scope="col">{s.reference}</th>
                    <th scope="col">{s.actor}</th>
                  </tr>
                </thead>
                <tbody>
                  {data.map((mv) => {
                    const p = products.data?.byId.get(mv.product_id);
                    const negative = mv.quantity.startsWith('-');
                    return (
                      <tr key={mv.id}>
                        <td>{dateTime(mv.created_at)}</td>
                        <td className="wrap product-cell">
                          {p ? (
                            <>
                              {p.name}
                              <span className="mono muted">{p.sku}</span>
                            </>
                          ) : (
                            mv.product_id.slice(0, 8)
                          )}
                        </td>
                        <td>
                          <span className={`badge type-${mv.type}`}>{t.stock.types[mv.type] ?? mv.type}</span>
                        </td>
                        <td className={`num qty ${negative ? 'neg' : 'pos'}`}>
                          {signedQuantity(mv.quantity)}
                          {p && <span className="muted"> {t.stock.unitsShort[p.unit]}</span>}
                        </td>
                        <td className="num">
                          {qtyWithUnit(mv.on_hand_before, p?.unit)} → {qtyWithUnit(mv.on_hand_after, p?.unit)}
                        </td>
                        <td className="loc">
                          {locationName(locations.data, mv.location_id)}
                          {mv.to_location_id && negative && <span className="muted"> {s.toLocation(locationName(locations.data, mv.to_location_id))}</span>}
                        </td>
                        <td className="num">{mv.unit_cost ? money(mv.unit_cost) : '—'}</td>
                        <td className="wrap">{mv.reason ?? '—'}</td>
                        <td className="wrap">{mv.reference ?? '—'}</td>
                        <td>{actorName(mv.actor)}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </TableScroll>
            {movements.isFetchNextPageError && <ErrorState error={movements.error} onRetry={() => void movements.fetchNextPage()} />}
            <div className="table-footer">
              {movements.hasNextPage ? (
                <button type="button" onClick={() => void movements.fetchNextPage()} disabled={movements.isFetchingNextPage}>
                  {movements.isFetchingNextPage ? s.loadingMore : t.states.loadMore}
                </button>
              ) : (
                <span className="muted">{s.end}</span>
              )}
            </div>
          </>
        )}
      </QueryView>
    </section>
  );
}
