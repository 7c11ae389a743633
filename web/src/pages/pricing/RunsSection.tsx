// The reprices applied so far (manual and scheduled), newest first; each one's shelf labels can
// be printed again from the price history it wrote.
import { useState } from 'react';
import { useInfiniteQuery } from '@tanstack/react-query';
import { api, fetchAll, type Page as ApiPage } from '../../api/client.ts';
import { LoadMore } from '../../components/LoadMore.tsx';
import { TableScroll } from '../../components/Page.tsx';
import { ErrorState, QueryView } from '../../components/states.tsx';
import { t } from '../../i18n/index.ts';
import { date, dateTime } from '../../lib/format.ts';
import { pricingKeys, useActorName, type LabelledChange, type PricingRun, type ShelfLabel } from './model.ts';

const s = t.pricing.history;

export function labelsFromHistory(items: LabelledChange[], since: string): ShelfLabel[] {
  return items
    .filter((c) => c.new_price !== null)
    .map((c) => ({ key: c.id, name: c.name, sku: c.sku, barcode: c.barcode, unit: c.unit, price: c.new_price!, vatRate: c.vat_rate, since }))
    .sort((a, b) => a.name.localeCompare(b.name, 'es'));
}

export function RunsSection({ onLabels }: { onLabels: (labels: ShelfLabel[]) => void }) {
  const actorName = useActorName();
  const [loading, setLoading] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const runs = useInfiniteQuery({
    queryKey: pricingKeys.runs,
    queryFn: ({ pageParam }) => api.get<ApiPage<PricingRun>>('/pricing/runs', { limit: 20, cursor: pageParam }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
  const items = runs.data?.pages.flatMap((p) => p.items) ?? [];

  async function labelsOf(run: PricingRun) {
    setLoading(run.id);
    setError(null);
    try {
      const changes = await fetchAll<LabelledChange>('/pricing/changes', { run_id: run.id });
      onLabels(labelsFromHistory(changes, date(run.created_at)));
    } catch (err) {
      setError(err);
    } finally {
      setLoading(null);
    }
  }

  return (
    <section className="card" aria-labelledby="pricing-runs-title">
      <h2 id="pricing-runs-title">{s.runsSection}</h2>
      <p className="section-intro">{s.runsIntro}</p>
      {error ? <ErrorState error={error} /> : null}
      <QueryView query={{ ...runs, data: runs.data }} isEmpty={() => items.length === 0} empty={s.runsEmpty} rows={3}>
        {() => (
          <>
            <TableScroll label={s.runsLabel}>
              <table>
                <thead>
                  <tr>
                    <th scope="col">{s.runWhen}</th>
                    <th scope="col">{s.runKind}</th>
                    <th scope="col">{s.runCategory}</th>
                    <th scope="col" className="num">
                      {s.runChanged}
                    </th>
                    <th scope="col">{s.runWho}</th>
                    <th scope="col">{s.runNote}</th>
                    <th scope="col">{s.runLabels}</th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((run) => (
                    <tr key={run.id}>
                      <td>{dateTime(run.created_at)}</td>
                      <td>{s.kinds[run.trigger] ?? run.trigger}</td>
                      <td>{run.category ?? s.allCategories}</td>
                      <td className="num">{run.changed}</td>
                      <td>{actorName(run.actor)}</td>
                      <td className="wrap">{run.note ?? ''}</td>
                      <td>
                        <button type="button" onClick={() => void labelsOf(run)} disabled={run.changed === 0 || loading !== null} aria-label={s.runLabelsFor(dateTime(run.created_at))}>
                          {loading === run.id ? t.pricing.labels.loading : s.runLabels}
                        </button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableScroll>
            <LoadMore query={runs} />
          </>
        )}
      </QueryView>
    </section>
  );
}
