// The breach register: every incident with its 72-hour notification clock (counted down live,
// overdue in red), its details and linked alerts, marking it notified or closed, and the JSON
// export for the authority.
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, type Page as ApiPage } from '../../api/client.ts';
import { LoadMore } from '../../components/LoadMore.tsx';
import { Field } from '../../components/form.tsx';
import { QueryView } from '../../components/states.tsx';
import { t } from '../../i18n/index.ts';
import { downloadText } from '../../lib/csv.ts';
import { dateTime } from '../../lib/format.ts';
import { BreachForm } from './BreachForm.tsx';
import { breachClock, privacyErrorMessage, privacyKeys, useNow, type AlertSummary, type Breach } from './model.ts';

const s = t.privacy.breaches;
const CLOCK_BADGE = { remaining: 'badge warn', overdue: 'badge danger', notified: 'badge ok', closed: 'badge' } as const;

export function BreachesPanel() {
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<string | null>(null);
  const [openId, setOpenId] = useState<string | null>(null);
  const now = useNow();
  const list = useInfiniteQuery({
    queryKey: privacyKeys.breaches,
    queryFn: ({ pageParam, signal }) => api.get<ApiPage<Breach>>('/privacy/breaches', { limit: 25, cursor: pageParam }, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
  return (
    <div className="privacy-stack">
      <section className="card" aria-labelledby="privacy-breaches-heading">
        <header className="person-header">
          <h2 id="privacy-breaches-heading">{s.heading}</h2>
          {!creating && (
            <button type="button" className="primary" onClick={() => setCreating(true)}>
              {s.new}
            </button>
          )}
        </header>
        <p className="muted">{s.explain}</p>
        <div aria-live="polite">{created && <p className="notice ok">{created}</p>}</div>
      </section>
      {creating && (
        <BreachForm
          onCancel={() => setCreating(false)}
          onCreated={(b) => {
            setCreating(false);
            setCreated(t.privacy.breachForm.created(b.title));
            setOpenId(b.id);
          }}
        />
      )}
      <QueryView query={list} rows={4} isEmpty={(d) => d.pages[0]!.items.length === 0} empty={s.empty}>
        {(data) => (
          <>
            {/* Cards, not a table: the clock and the actions stay in view on a phone. */}
            <ul className="breach-list" aria-label={s.tableLabel}>
              {data.pages
                .flatMap((p) => p.items)
                .map((b) => {
                  const clock = breachClock(b, now, dateTime);
                  const open = openId === b.id;
                  return (
                    <li key={b.id} className="card breach-card">
                      <div className="breach-head">
                        <h3>{b.title}</h3>
                        <span className="badge">{s.statuses[b.status]}</span>
                      </div>
                      <p className={`${CLOCK_BADGE[clock.kind]} breach-clock`}>{clock.text}</p>
                      <p className="muted small">
                        {s.cols.detected}: {dateTime(b.detected_at)} · {s.cols.people}: {s.people(b.people_affected)}
                      </p>
                      <div>
                        <button type="button" aria-expanded={open} aria-label={open ? s.hideFor(b.title) : s.detailsFor(b.title)} onClick={() => setOpenId(open ? null : b.id)}>
                          {open ? s.hide : s.details}
                        </button>
                      </div>
                      {open && <BreachDetail breach={b} />}
                    </li>
                  );
                })}
            </ul>
            <LoadMore query={list} />
          </>
        )}
      </QueryView>
    </div>
  );
}

function BreachDetail({ breach: b }: { breach: Breach }) {
  const queryClient = useQueryClient();
  // The open alerts the form offered (one cached list); an alert closed since shows its id.
  const alerts = useQuery({
    queryKey: privacyKeys.alerts,
    queryFn: ({ signal }) => api.get<ApiPage<AlertSummary>>('/audit/alerts', { status: 'open', limit: 50 }, signal),
    enabled: b.alert_ids.length > 0,
  });
  const alertNames = new Map((alerts.data?.items ?? []).map((a) => [a.id, `${a.summary} (${dateTime(a.at)})`]));
  const [reference, setReference] = useState(b.authority_reference ?? '');
  const [delay, setDelay] = useState(b.delay_reason ?? '');
  const [note, setNote] = useState<string | null>(null);
  const update = useMutation({
    mutationFn: (status: 'notified' | 'closed') =>
      api.patch<Breach>(`/privacy/breaches/${b.id}`, {
        status,
        ...(status === 'notified' ? { authority_reference: reference.trim() || null, delay_reason: delay.trim() || null } : {}),
      }),
    onSuccess: () => {
      setNote(s.updated);
      void queryClient.invalidateQueries({ queryKey: privacyKeys.breaches });
    },
  });
  const exportIt = useMutation({
    mutationFn: async () => {
      const doc = await api.get<unknown>(`/privacy/breaches/${b.id}/export`);
      const file = `incidente-${b.id.slice(-8)}-${new Date().toISOString().slice(0, 10)}.json`;
      downloadText(file, `${JSON.stringify(doc, null, 2)}\n`, 'application/json;charset=utf-8');
      return file;
    },
  });
  const rows: Array<[string, string]> = [
    [s.description, b.description],
    [s.occurred, b.occurred_at ? dateTime(b.occurred_at) : s.unknown],
    [s.dataClasses, b.data_classes.map((c) => t.privacy.dataClasses[c] ?? c).join(', ')],
    [s.consequences, b.likely_consequences ?? '—'],
    [s.measures, b.measures_taken ?? '—'],
    [s.alerts, b.alert_ids.length === 0 ? s.noAlerts : b.alert_ids.map((id) => alertNames.get(id) ?? id.slice(-8)).join('\n')],
  ];
  if (b.authority_reference) rows.push([s.authorityReference, b.authority_reference]);
  return (
    <div className="breach-detail">
      <dl className="privacy-details wide">
        {rows.map(([label, value]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      {b.status === 'open' && (
        <div className="form-grid">
          <Field label={s.authorityReference} value={reference} onChange={(e) => setReference(e.target.value)} maxLength={200} />
          {b.notification.overdue && <Field label={s.delayReason} value={delay} onChange={(e) => setDelay(e.target.value)} maxLength={5000} />}
        </div>
      )}
      <div className="form-actions start">
        <button type="button" onClick={() => exportIt.mutate()} disabled={exportIt.isPending}>
          {s.export}
        </button>
        {b.status === 'open' && (
          <button type="button" className="primary" onClick={() => update.mutate('notified')} disabled={update.isPending}>
            {s.markNotified}
          </button>
        )}
        {b.status !== 'closed' && (
          <button type="button" onClick={() => update.mutate('closed')} disabled={update.isPending}>
            {s.close}
          </button>
        )}
      </div>
      <div aria-live="polite">
        {note && <p className="notice ok">{note}</p>}
        {exportIt.data && <p className="notice ok">{s.exported(exportIt.data)}</p>}
        {(update.error || exportIt.error) && (
          <p className="form-error" role="alert">
            {privacyErrorMessage(update.error ?? exportIt.error)}
          </p>
        )}
      </div>
    </div>
  );
}
