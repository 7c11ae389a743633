// One person's file: the record (an audited, decrypting read, never cached after leaving), the
// legal holds that limit an erasure, consent with its history (giving and withdrawing are the
// same one click), the restriction toggle, the export and the erasure. An erased person reads
// as erased.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiError, api } from '../../api/client.ts';
import { TableScroll } from '../../components/Page.tsx';
import { SelectField } from '../../components/form.tsx';
import { Loading } from '../../components/states.tsx';
import { t } from '../../i18n/index.ts';
import { date, dateTime } from '../../lib/format.ts';
import { EraseCard, ErasureResult } from './EraseCard.tsx';
import { ExportCard } from './ExportCard.tsx';
import { LegalHoldsSection } from './LegalHoldsSection.tsx';
import {
  CONSENT_SOURCES,
  PERSONAL_FIELDS,
  RESTRICTION_REASONS,
  actorLabel,
  fieldLabel,
  privacyErrorMessage,
  privacyKeys,
  type ConsentState,
  type Customer,
  type Erasure,
} from './model.ts';
import type { PersonHit } from './PersonSearch.tsx';
import { RectifyForm } from './RectifyForm.tsx';

const s = t.privacy;

export function PersonPanel({ hit, onClose }: { hit: PersonHit; onClose: () => void }) {
  const record = useQuery({
    queryKey: privacyKeys.record(hit.id),
    queryFn: ({ signal }) => api.get<Customer>(`/customers/${hit.id}`, undefined, signal),
    gcTime: 0,
    staleTime: Infinity,
    retry: false,
  });
  const [erasure, setErasure] = useState<Erasure | null>(null);
  // A refetch that fails keeps the old data in the cache: once erased, it is never shown again.
  const erased = erasure !== null || (record.error instanceof ApiError && record.error.code === 'customer.erased');
  return (
    <section className="card person-panel" aria-labelledby="privacy-person-heading">
      <header className="person-header">
        <h2 id="privacy-person-heading">{s.person.heading(hit.masked, hit.ref)}</h2>
        <button type="button" onClick={onClose}>
          {s.person.close}
        </button>
      </header>
      <p className="muted small">{s.person.readAudited}</p>
      <div className="person-grid">
        <div className="record-column">
          <section aria-labelledby="privacy-record-heading">
            <h3 id="privacy-record-heading">{s.person.record}</h3>
            {record.isPending && <Loading rows={4} />}
            {erased && (
              <p className="notice warn erased-note" role="status">
                {erasure ? s.person.erased(dateTime(erasure.erased_at), erasure.pseudonym) : s.person.erasedNoDate}
              </p>
            )}
            {erasure && <ErasureResult result={erasure} />}
            {record.error && !erased && (
              <p className="form-error" role="alert">
                {privacyErrorMessage(record.error)}
              </p>
            )}
            {record.data && !erased && <RecordSection customer={record.data} />}
          </section>
          {!erased && record.data && <LegalHoldsSection id={hit.id} />}
        </div>
        {!erased && record.data && <ConsentSection id={hit.id} />}
      </div>
      <div className="person-actions">
        {/* Remounted on erasure: a summary of data that no longer exists is not kept on screen. */}
        <ExportCard key={erased ? 'erased' : 'live'} id={hit.id} fileRef={hit.ref} />
        {!erased && record.data && (
          <EraseCard
            id={hit.id}
            onErased={(result) => {
              setErasure(result);
              void record.refetch();
            }}
          />
        )}
      </div>
    </section>
  );
}

function RecordSection({ customer }: { customer: Customer }) {
  const [editing, setEditing] = useState(false);
  const [note, setNote] = useState('');
  return (
    <>
      {editing ? (
        <RectifyForm
          customer={customer}
          onCancel={() => setEditing(false)}
          onDone={(message) => {
            setEditing(false);
            setNote(message);
          }}
        />
      ) : (
        <>
          <RecordDetails customer={customer} />
          <div className="form-actions start">
            <button
              type="button"
              onClick={() => {
                setNote('');
                setEditing(true);
              }}
            >
              {s.rectify.open}
            </button>
          </div>
        </>
      )}
      <div aria-live="polite">{note && <p className="notice ok">{note}</p>}</div>
    </>
  );
}

function RecordDetails({ customer }: { customer: Customer }) {
  return (
    <dl className="privacy-details">
      {PERSONAL_FIELDS.map((f) => (
        <div key={f}>
          <dt>{fieldLabel(f)}</dt>
          <dd>{customer[f] ?? s.person.none}</dd>
        </div>
      ))}
      <div>
        <dt>{s.person.fields.createdAt}</dt>
        <dd>{date(customer.created_at)}</dd>
      </div>
    </dl>
  );
}

function ConsentSection({ id }: { id: string }) {
  const queryClient = useQueryClient();
  const state = useQuery({ queryKey: privacyKeys.consent(id), queryFn: ({ signal }) => api.get<ConsentState>(`/customers/${id}/consent`, undefined, signal), gcTime: 0 });
  const [source, setSource] = useState<string>('mostrador');
  const [reason, setReason] = useState<string>('objection');
  const [note, setNote] = useState('');
  const save = (next: ConsentState, message: string) => {
    queryClient.setQueryData(privacyKeys.consent(id), next);
    setNote(message);
  };
  const consent = useMutation({
    mutationFn: (give: boolean) => api.post<ConsentState>(`/customers/${id}/consent`, { marketing_consent: give, source }),
    onSuccess: (next, give) => save(next, give ? s.consent.given : s.consent.withdrawn),
  });
  const restriction = useMutation({
    mutationFn: (on: boolean) => api.post<ConsentState>(`/customers/${id}/restriction`, { restricted: on, reason }),
    onSuccess: (next, on) => save(next, s.restriction.done(on)),
  });
  if (state.isPending) return <Loading rows={4} />;
  if (state.error || !state.data) return <p className="form-error">{privacyErrorMessage(state.error)}</p>;
  const c = state.data;
  const busy = consent.isPending || restriction.isPending;
  return (
    <div className="consent-column">
      <section aria-labelledby="privacy-consent-heading">
        <h3 id="privacy-consent-heading">{s.consent.heading}</h3>
        <p>
          <span className={`badge ${c.marketing_consent ? 'ok' : ''}`}>{c.marketing_consent ? s.consent.yes : s.consent.no}</span> {s.consent.current(c.marketing_consent)}
        </p>
        <div className="filters">
          <SelectField label={s.consent.source} value={source} onChange={(e) => setSource(e.target.value)} options={CONSENT_SOURCES.map((v) => ({ value: v, label: s.consent.sources[v]! }))} />
          <div className="filter-buttons">
            <button type="button" className="primary" disabled={busy} onClick={() => consent.mutate(!c.marketing_consent)}>
              {consent.isPending ? s.consent.saving : c.marketing_consent ? s.consent.withdraw : s.consent.give}
            </button>
          </div>
        </div>
        <History
          label={s.consent.history}
          cols={[s.consent.cols.at, s.consent.cols.state, s.consent.cols.source, s.consent.cols.actor]}
          rows={c.consent_history.map((e) => [dateTime(e.at), e.marketing_consent ? s.consent.yes : s.consent.no, s.consent.sources[e.source] ?? e.source, actorLabel(e.actor)])}
        />
      </section>
      <section aria-labelledby="privacy-restriction-heading">
        <h3 id="privacy-restriction-heading">{s.restriction.heading}</h3>
        <p className="muted small">{s.restriction.explain}</p>
        <p>{c.restricted ? s.restriction.active(s.restriction.reasons[c.restriction_reason ?? ''] ?? c.restriction_reason ?? '', dateTime(c.restricted_at)) : s.restriction.inactive}</p>
        <div className="filters">
          {!c.restricted && (
            <SelectField label={s.restriction.reason} value={reason} onChange={(e) => setReason(e.target.value)} options={RESTRICTION_REASONS.map((v) => ({ value: v, label: s.restriction.reasons[v]! }))} />
          )}
          <div className="filter-buttons">
            <button type="button" disabled={busy} onClick={() => restriction.mutate(!c.restricted)}>
              {c.restricted ? s.restriction.lift : s.restriction.set}
            </button>
          </div>
        </div>
        {c.restriction_history.length > 0 && (
          <History
            label={s.restriction.history}
            cols={[s.restriction.cols.at, s.restriction.cols.state, s.restriction.cols.reason, s.restriction.cols.actor]}
            rows={c.restriction_history.map((e) => [dateTime(e.at), e.restricted ? s.restriction.on : s.restriction.off, s.restriction.reasons[e.reason] ?? e.reason, actorLabel(e.actor)])}
          />
        )}
      </section>
      <div aria-live="polite" className="consent-live">
        {note && !consent.error && !restriction.error && <p className="notice ok">{note}</p>}
        {(consent.error || restriction.error) && (
          <p className="form-error" role="alert">
            {privacyErrorMessage(consent.error ?? restriction.error)}
          </p>
        )}
      </div>
    </div>
  );
}

function History({ label, cols, rows }: { label: string; cols: string[]; rows: string[][] }) {
  return (
    <>
      <h4>{label}</h4>
      {rows.length === 0 ? (
        <p className="muted">{s.consent.historyEmpty}</p>
      ) : (
        <TableScroll label={label}>
          <table className="history-table">
            <thead>
              <tr>
                {cols.map((c) => (
                  <th key={c} scope="col">
                    {c}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((r, i) => (
                <tr key={i}>
                  {r.map((cell, j) => (
                    <td key={j}>{cell}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
    </>
  );
}
