// Legal holds (open debt, fiscal retention, litigation): while one is in force, an erasure keeps
// what that obligation needs. The API has no list route of its own; the erasure preview (admin,
// changes nothing) carries every hold of the person, and the ones still in force are shown here.
// The erase confirmation asks for a fresh preview, so a hold added here is named there at once.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api } from '../../api/client.ts';
import { Field, FormError, SelectField, TextAreaField, fieldError } from '../../components/form.tsx';
import { Loading } from '../../components/states.tsx';
import { t } from '../../i18n/index.ts';
import { calendarDate, date, todayInStore } from '../../lib/format.ts';
import { HOLD_REASONS, actorLabel, privacyErrorMessage, privacyKeys, type ErasurePreview, type LegalHold } from './model.ts';

const s = t.privacy.holds;
const reasonLabel = (reason: string) => s.reasons[reason] ?? reason;

/** In force: not released, and its `until` day (if any) not yet past, as the API counts it. */
const inForce = (h: LegalHold, today: string) => h.released_at === null && (h.until === null || h.until >= today);

export function LegalHoldsSection({ id }: { id: string }) {
  const queryClient = useQueryClient();
  const holds = useQuery({
    queryKey: privacyKeys.holds(id),
    queryFn: ({ signal }) => api.get<ErasurePreview>(`/customers/${id}/erasure-preview`, undefined, signal).then((p) => p.legal_holds),
    gcTime: 0,
  });
  const [adding, setAdding] = useState(false);
  const [message, setMessage] = useState('');
  const refresh = () => queryClient.invalidateQueries({ queryKey: privacyKeys.holds(id) });
  // The API's answer is the hold as it now is: put it in the list at once, so the confirmation
  // and the list never disagree while the list is read again.
  const store = (hold: LegalHold) =>
    queryClient.setQueryData<LegalHold[]>(privacyKeys.holds(id), (list = []) => [...list.filter((h) => h.id !== hold.id), hold]);
  const release = useMutation({
    mutationFn: (hold: LegalHold) => api.delete<LegalHold>(`/customers/${id}/legal-holds/${hold.id}`),
    onMutate: () => setMessage(''),
    onSuccess: (released) => {
      store(released);
      setMessage(s.released(reasonLabel(released.reason)));
      void refresh();
    },
    // Released from elsewhere meanwhile (404): the list is stale, so it is read again.
    onError: () => void refresh(),
  });
  const today = todayInStore();
  const active = holds.data?.filter((h) => inForce(h, today)) ?? [];
  return (
    <section className="holds-section" aria-labelledby="privacy-holds-heading">
      <h3 id="privacy-holds-heading">{s.heading}</h3>
      <p className="muted small">{s.explain}</p>
      {holds.isPending && <Loading rows={2} />}
      {holds.error && (
        <p className="form-error" role="alert">
          {privacyErrorMessage(holds.error)}
        </p>
      )}
      {holds.data && active.length === 0 && <p>{s.none}</p>}
      {active.length > 0 && (
        <ul className="hold-list" aria-label={s.listLabel}>
          {active.map((h) => (
            <li key={h.id} className="hold-item">
              <div className="hold-text">
                <strong>{reasonLabel(h.reason)}</strong>
                <span>
                  {s.since(date(h.created_at))}, {h.until ? s.until(calendarDate(h.until)) : s.untilReleased}.
                </span>
                {h.note && <span className="hold-note">{s.note(h.note)}</span>}
                <span className="muted small">{s.by(actorLabel(h.created_by))}</span>
              </div>
              <button type="button" disabled={release.isPending} aria-label={s.releaseFor(reasonLabel(h.reason), date(h.created_at))} onClick={() => release.mutate(h)}>
                {release.isPending && release.variables.id === h.id ? s.releasing : s.release}
              </button>
            </li>
          ))}
        </ul>
      )}
      {adding ? (
        <HoldForm
          id={id}
          onCancel={() => setAdding(false)}
          onAdded={(hold) => {
            store(hold);
            setAdding(false);
            setMessage(s.added(reasonLabel(hold.reason)));
            void refresh();
          }}
        />
      ) : (
        holds.data && (
          <div className="form-actions start">
            <button
              type="button"
              onClick={() => {
                setMessage('');
                release.reset();
                setAdding(true);
              }}
            >
              {s.add}
            </button>
          </div>
        )
      )}
      <div aria-live="polite" className="holds-live">
        {message && !release.error && <p className="notice ok">{message}</p>}
        {release.error && (
          <p className="form-error" role="alert">
            {privacyErrorMessage(release.error)}
          </p>
        )}
      </div>
    </section>
  );
}

interface HoldDraft {
  reason: string;
  until: string;
  note: string;
}

function HoldForm({ id, onAdded, onCancel }: { id: string; onAdded: (hold: LegalHold) => void; onCancel: () => void }) {
  const [form, setForm] = useState<HoldDraft>({ reason: 'open_debt', until: '', note: '' });
  const add = useMutation({
    mutationFn: () => {
      const note = form.note.trim();
      return api.post<LegalHold>(`/customers/${id}/legal-holds`, { reason: form.reason, ...(form.until ? { until: form.until } : {}), ...(note ? { note } : {}) });
    },
    onSuccess: onAdded,
  });
  function submit(e: FormEvent) {
    e.preventDefault();
    add.mutate();
  }
  const err = add.error;
  const reasonError = fieldError(err, 'reason');
  return (
    <form className="hold-form" onSubmit={submit} noValidate aria-labelledby="privacy-hold-form-title">
      <h4 id="privacy-hold-form-title">{s.formTitle}</h4>
      <div className="form-grid">
        <div>
          <SelectField
            label={s.reason}
            value={form.reason}
            onChange={(e) => setForm({ ...form, reason: e.target.value })}
            error={reasonError}
            // What the reason keeps, read with the select (the field's own error replaces it).
            {...(reasonError ? {} : { 'aria-describedby': 'privacy-hold-keeps' })}
            options={HOLD_REASONS.map((r) => ({ value: r, label: reasonLabel(r) }))}
          />
          <p id="privacy-hold-keeps" className="hint-line muted small">
            {s.keeps[form.reason]}
          </p>
        </div>
        <Field label={s.untilField} type="date" min={todayInStore()} value={form.until} onChange={(e) => setForm({ ...form, until: e.target.value })} hint={s.untilHint} error={fieldError(err, 'until')} />
      </div>
      <TextAreaField label={s.noteField} rows={2} maxLength={300} value={form.note} onChange={(e) => setForm({ ...form, note: e.target.value })} hint={s.noteHint} error={fieldError(err, 'note')} />
      <FormError error={err} message={privacyErrorMessage} />
      <div className="form-actions">
        <button type="button" onClick={onCancel}>
          {t.actions.cancel}
        </button>
        <button type="submit" className="primary" disabled={add.isPending}>
          {add.isPending ? s.saving : s.submit}
        </button>
      </div>
    </form>
  );
}
