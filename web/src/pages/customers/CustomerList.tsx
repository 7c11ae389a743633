// The list without a filter: ids and masked names only (the server decrypts names to mask them
// and never sends more), 50 at a time.
import { useInfiniteQuery } from '@tanstack/react-query';
import { api, type Page as ApiPage } from '../../api/client.ts';
import { TableScroll } from '../../components/Page.tsx';
import { QueryView } from '../../components/states.tsx';
import { t } from '../../i18n/index.ts';
import { LoadMore } from '../../components/LoadMore.tsx';
import { shortRef, type MaskedCustomer } from './model.ts';
import { RevealButton } from './RevealButton.tsx';
import type { RevealTarget } from './RevealDialog.tsx';

export function CustomerList({ onReveal }: { onReveal: (target: RevealTarget) => void }) {
  const query = useInfiniteQuery({
    queryKey: ['customers', 'masked'],
    queryFn: ({ pageParam, signal }) => api.get<ApiPage<MaskedCustomer>>('/customers', { limit: 50, cursor: pageParam }, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor,
  });
  const items = query.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <section className="card" aria-labelledby="customers-list-heading">
      <h2 id="customers-list-heading">{t.customers.list.heading}</h2>
      <QueryView query={query} isEmpty={(d) => d.pages[0]!.items.length === 0} empty={t.customers.list.empty}>
        {() => (
          <>
            <TableScroll label={t.customers.list.label}>
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t.customers.list.name}</th>
                    <th scope="col">
                      <span className="visually-hidden">{t.customers.list.actions}</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((c) => (
                    <tr key={c.id}>
                      <td>
                        <span className="masked-name">{c.masked_name}</span>
                        <span className="row-meta">
                          {t.customers.list.refShort} <span className="mono">{shortRef(c.id)}</span>
                        </span>
                      </td>
                      <td className="row-actions">
                        <RevealButton target={{ id: c.id, masked: c.masked_name, ref: shortRef(c.id) }} onReveal={onReveal} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableScroll>
            <p className="muted small" role="status">
              {t.customers.list.shown(items.length)}
            </p>
            <LoadMore query={query} />
          </>
        )}
      </QueryView>
    </section>
  );
}
