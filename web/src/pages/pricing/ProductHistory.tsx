// One product's price history: find the product (name, SKU or barcode), then its quote for today
// and every price it had, newest first, with who changed it and why.
import { useState, type FormEvent } from 'react';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { api, type Page as ApiPage } from '../../api/client.ts';
import type { Product } from '../../api/types.ts';
import { LoadMore } from '../../components/LoadMore.tsx';
import { TableScroll } from '../../components/Page.tsx';
import { Field } from '../../components/form.tsx';
import { ErrorState, QueryView } from '../../components/states.tsx';
import { t } from '../../i18n/index.ts';
import { calendarDate, dateTime, money } from '../../lib/format.ts';
import { Decimal } from 'decimal.js';
import { pricingKeys, signedPercent, useActorName, type HistoryItem, type Quote } from './model.ts';

const s = t.pricing.history;

type Search = { kind: 'idle' } | { kind: 'searching' } | { kind: 'none' } | { kind: 'results'; items: Product[] } | { kind: 'error'; error: unknown };

function changeOf(item: HistoryItem): string | null {
  if (item.old_price === null || item.new_price === null || new Decimal(item.old_price).isZero()) return null;
  return new Decimal(item.new_price).div(item.old_price).minus(1).toFixed(4);
}

export function ProductHistory() {
  const [text, setText] = useState('');
  const [search, setSearch] = useState<Search>({ kind: 'idle' });
  const [product, setProduct] = useState<Product | undefined>(undefined);

  async function find(event: FormEvent) {
    event.preventDefault();
    const value = text.trim();
    if (!value || search.kind === 'searching') return;
    setSearch({ kind: 'searching' });
    try {
      let items = (await api.get<ApiPage<Product>>('/products', { barcode: value, limit: 5 })).items;
      if (items.length === 0) items = (await api.get<ApiPage<Product>>('/products', { q: value, limit: 20 })).items;
      if (items.length === 1) {
        setProduct(items[0]);
        setSearch({ kind: 'idle' });
      } else setSearch(items.length === 0 ? { kind: 'none' } : { kind: 'results', items });
    } catch (error) {
      setSearch({ kind: 'error', error });
    }
  }

  return (
    <section className="card" aria-labelledby="price-history-title">
      <h2 id="price-history-title">{s.productSection}</h2>
      <p className="section-intro">{s.productIntro}</p>
      <form className="filters" role="search" onSubmit={(e) => void find(e)} aria-label={s.productSection}>
        <Field label={s.search} value={text} onChange={(e) => setText(e.target.value)} autoComplete="off" spellCheck={false} enterKeyHint="search" />
        <div className="filter-buttons">
          <button type="submit" disabled={search.kind === 'searching'}>
            {search.kind === 'searching' ? s.searching : s.searchButton}
          </button>
        </div>
      </form>
      <div aria-live="polite">
        {search.kind === 'none' && <p className="muted">{s.notFound}</p>}
        {search.kind === 'error' && <ErrorState error={search.error} />}
        {search.kind === 'results' && (
          <ul className="history-results" aria-label={s.results}>
            {search.items.map((p) => (
              <li key={p.id}>
                <button
                  type="button"
                  className="link"
                  onClick={() => {
                    setProduct(p);
                    setSearch({ kind: 'idle' });
                  }}
                >
                  {s.choose(p.name, p.sku)}
                </button>
              </li>
            ))}
          </ul>
        )}
      </div>
      {product && <HistoryOf product={product} />}
    </section>
  );
}

function HistoryOf({ product }: { product: Product }) {
  const actorName = useActorName();
  const quote = useQuery({ queryKey: pricingKeys.quote(product.id), queryFn: () => api.get<Quote>(`/products/${product.id}/price-quote`) });
  const history = useInfiniteQuery({
    queryKey: pricingKeys.history(product.id),
    queryFn: ({ pageParam }) => api.get<ApiPage<HistoryItem>>(`/products/${product.id}/price-history`, { limit: 50, cursor: pageParam }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
  const items = history.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <div className="history-of">
      <h3>{s.choose(product.name, product.sku)}</h3>
      <div className="quote-line" aria-live="polite">
        {quote.data ? (
          <>
            <strong>{s.quote(money(quote.data.current_price), money(quote.data.suggested_price))}</strong>
            <span className="muted small quote-detail">
              {s.quoteDetail(money(quote.data.cost_price), calendarDate(quote.data.last_cost_date), quote.data.days, money(quote.data.replacement_cost))}
            </span>
          </>
        ) : quote.error ? (
          <ErrorState error={quote.error} onRetry={() => void quote.refetch()} />
        ) : (
          '\u00a0'
        )}
      </div>
      <QueryView query={{ ...history, data: history.data }} isEmpty={() => items.length === 0} empty={s.empty} rows={4}>
        {() => (
          <>
            <TableScroll label={s.tableLabel}>
              <table>
                <thead>
                  <tr>
                    <th scope="col">{s.when}</th>
                    <th scope="col" className="num">
                      {s.before}
                    </th>
                    <th scope="col" className="num">
                      {s.after}
                    </th>
                    <th scope="col" className="num">
                      {s.change}
                    </th>
                    <th scope="col">{s.reason}</th>
                    <th scope="col">{s.who}</th>
                    <th scope="col">{s.note}</th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((item) => (
                    <tr key={item.id}>
                      <td>{dateTime(item.created_at)}</td>
                      <td className="num">{money(item.old_price)}</td>
                      <td className="num">{money(item.new_price)}</td>
                      <td className="num">{signedPercent(changeOf(item))}</td>
                      <td>{s.reasons[item.reason] ?? item.reason}</td>
                      <td>{actorName(item.actor)}</td>
                      <td className="wrap">{item.note ?? ''}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableScroll>
            <LoadMore query={history} />
          </>
        )}
      </QueryView>
    </div>
  );
}
