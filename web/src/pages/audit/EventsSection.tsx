// The event log, newest first, with the API's filters (actor, action or `prefix.*`, outcome, and
// whole days in the store's time zone), expandable details and "Cargar más". Filters apply on
// submit; the API's messages for a bad filter appear under that field.
import { useInfiniteQuery } from '@tanstack/react-query';
import { Fragment, useState, type FormEvent } from 'react';
import { api, type Page as ApiPage } from '../../api/client.ts';
import { useSignedIn } from '../../auth/session.tsx';
import { TableScroll } from '../../components/Page.tsx';
import { Field, SelectField, fieldError } from '../../components/form.tsx';
import { QueryView } from '../../components/states.tsx';
import { t } from '../../i18n/index.ts';
import { dateTime } from '../../lib/format.ts';
import { OUTCOME_BADGE, type AuditEvent } from './model.ts';
import { LoadMore } from '../../components/LoadMore.tsx';

interface Filters {
  actor: string;
  action: string;
  outcome: string;
  from: string;
  to: string;
}

const NO_FILTERS: Filters = { actor: '', action: '', outcome: '', from: '', to: '' };

export function EventsSection() {
  const e = t.audit.events;
  const { timezone } = useSignedIn();
  const [draft, setDraft] = useState<Filters>(NO_FILTERS);
  const [applied, setApplied] = useState<Filters>(NO_FILTERS);
  const [open, setOpen] = useState<Set<number>>(() => new Set());
  const query = useInfiniteQuery({
    queryKey: ['audit', 'events', applied],
    queryFn: ({ pageParam, signal }) => {
      const q = Object.fromEntries(Object.entries(applied).map(([k, v]) => [k, v.trim() || undefined]));
      return api.get<ApiPage<AuditEvent>>('/audit/events', { ...q, limit: 50, cursor: pageParam }, signal);
    },
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor,
  });
  const filterError = (path: string) => (query.isError && !query.isFetchNextPageError ? fieldError(query.error, path) : undefined);
  const set = (key: keyof Filters) => (ev: { target: { value: string } }) => setDraft((d) => ({ ...d, [key]: ev.target.value }));

  function submit(ev: FormEvent) {
    ev.preventDefault();
    setApplied({ ...draft });
  }

  function toggle(seq: number) {
    setOpen((prev) => {
      const next = new Set(prev);
      if (next.has(seq)) next.delete(seq);
      else next.add(seq);
      return next;
    });
  }

  const items = query.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <section className="card" aria-labelledby="events-heading">
      <h2 id="events-heading">{e.heading}</h2>
      <form className="event-filters" onSubmit={submit} noValidate>
        <Field label={e.actor} value={draft.actor} onChange={set('actor')} hint={e.actorHint} error={filterError('actor')} spellCheck={false} autoComplete="off" />
        <Field label={e.action} value={draft.action} onChange={set('action')} hint={e.actionHint} error={filterError('action')} spellCheck={false} autoComplete="off" />
        <SelectField
          label={e.outcome}
          value={draft.outcome}
          onChange={set('outcome')}
          error={filterError('outcome')}
          options={[{ value: '', label: e.anyOutcome }, ...Object.entries(t.audit.outcomes).map(([value, label]) => ({ value, label }))]}
        />
        <Field label={e.from} type="date" value={draft.from} onChange={set('from')} error={filterError('from')} hint={e.datesHint(timezone)} />
        <Field label={e.to} type="date" value={draft.to} onChange={set('to')} error={filterError('to')} />
        <div className="filter-buttons">
          <button type="submit" className="primary">
            {e.apply}
          </button>
          <button
            type="button"
            onClick={() => {
              setDraft(NO_FILTERS);
              setApplied(NO_FILTERS);
            }}
          >
            {e.clear}
          </button>
        </div>
      </form>
      <QueryView query={query} isEmpty={(d) => d.pages[0]!.items.length === 0} empty={e.empty}>
        {() => (
          <>
            <TableScroll label={e.label}>
              <table className="events-table">
                <thead>
                  <tr>
                    <th scope="col">{e.details}</th>
                    <th scope="col" className="num">
                      {e.seq}
                    </th>
                    <th scope="col">{e.at}</th>
                    <th scope="col">{e.actor}</th>
                    <th scope="col">{e.action}</th>
                    <th scope="col">{e.resource}</th>
                    <th scope="col">{e.outcome}</th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((ev) => (
                    <Fragment key={ev.seq}>
                      <tr>
                        <td>
                          <button
                            type="button"
                            className="small-button"
                            aria-expanded={open.has(ev.seq)}
                            aria-controls={`event-${ev.seq}-details`}
                            aria-label={open.has(ev.seq) ? e.hideDetails(ev.seq) : e.showDetails(ev.seq)}
                            onClick={() => toggle(ev.seq)}
                          >
                            {open.has(ev.seq) ? e.hide : e.show}
                          </button>
                        </td>
                        <td className="num">{ev.seq}</td>
                        <td>{dateTime(ev.at)}</td>
                        <td>
                          {ev.actor_name ? (
                            <>
                              <strong>{ev.actor_name}</strong>
                              <span className="row-meta mono">{ev.actor}</span>
                            </>
                          ) : (
                            <span className="mono">{ev.actor}</span>
                          )}
                        </td>
                        <td className="mono">{ev.action}</td>
                        <td className="mono">{ev.resource ?? '—'}</td>
                        <td>
                          <span className={OUTCOME_BADGE[ev.outcome] ?? 'badge'}>{t.audit.outcomes[ev.outcome] ?? ev.outcome}</span>
                        </td>
                      </tr>
                      {open.has(ev.seq) && (
                        <tr className="event-details-row">
                          <td colSpan={7} id={`event-${ev.seq}-details`}>
                            <EventDetails event={ev} />
                          </td>
                        </tr>
                      )}
                    </Fragment>
                  ))}
                </tbody>
              </table>
            </TableScroll>
            <p className="muted small" role="status">
              {e.shown(items.length)}
            </p>
            <LoadMore query={query} />
          </>
        )}
      </QueryView>
    </section>
  );
}

function EventDetails({ event }: { event: AuditEvent }) {
  const e = t.audit.events;
  const hasDetails = Object.keys(event.details).length > 0;
  return (
    <div className="event-details">
      <dl>
        <div>
          <dt>{e.ip}</dt>
          <dd className="mono">{event.ip ?? '—'}</dd>
        </div>
        <div>
          <dt>{e.requestId}</dt>
          <dd className="mono">{event.request_id ?? '—'}</dd>
        </div>
        <div>
          <dt>{e.eventId}</dt>
          <dd className="mono">{event.id}</dd>
        </div>
      </dl>
      {hasDetails ? <pre className="event-json" tabIndex={0}>{JSON.stringify(event.details, null, 2)}</pre> : <p className="muted">{e.noDetails}</p>}
    </div>
  );
}
