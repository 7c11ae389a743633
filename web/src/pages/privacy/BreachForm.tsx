// Recording a suspected breach: what happened, when it was detected (the 72-hour clock starts
// there), which data and how many people, and the open security alerts it relates to.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, type Page as ApiPage } from '../../api/client.ts';
import { Field, FormError, TextAreaField, fieldError } from '../../components/form.tsx';
import { t } from '../../i18n/index.ts';
import { dateTime } from '../../lib/format.ts';
import { DATA_CLASS_KEYS, privacyKeys, toLocalInput, type AlertSummary, type Breach } from './model.ts';

const s = t.privacy.breachForm;

export function BreachForm({ onCreated, onCancel }: { onCreated: (breach: Breach) => void; onCancel: () => void }) {
  const queryClient = useQueryClient();
  const alerts = useQuery({
    queryKey: privacyKeys.alerts,
    queryFn: ({ signal }) => api.get<ApiPage<AlertSummary>>('/audit/alerts', { status: 'open', limit: 50 }, signal),
  });
  const [form, setForm] = useState(() => ({
    title: '',
    description: '',
    detected: toLocalInput(Date.now()),
    occurred: '',
    classes: [] as string[],
    people: '0',
    consequences: '',
    measures: '',
    alertIds: [] as string[],
  }));
  const [localError, setLocalError] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: () =>
      api.post<Breach>('/privacy/breaches', {
        title: form.title,
        description: form.description,
        detected_at: new Date(form.detected).toISOString(),
        occurred_at: form.occurred ? new Date(form.occurred).toISOString() : null,
        data_classes: form.classes,
        people_affected: Number(form.people),
        likely_consequences: form.consequences.trim() || null,
        measures_taken: form.measures.trim() || null,
        alert_ids: form.alertIds,
      }),
    onSuccess: (breach) => {
      void queryClient.invalidateQueries({ queryKey: privacyKeys.breaches });
      onCreated(breach);
    },
  });
  const toggle = (list: string[], value: string) => (list.includes(value) ? list.filter((v) => v !== value) : [...list, value]);

  function submit(e: FormEvent) {
    e.preventDefault();
    if (!form.detected || Number.isNaN(Date.parse(form.detected))) return setLocalError(s.invalidDate);
    if (form.classes.length === 0) return setLocalError(s.chooseClass);
    setLocalError(null);
    create.mutate();
  }

  const err = create.error;
  return (
    <form className="card breach-form" onSubmit={submit} noValidate aria-labelledby="privacy-breach-form-title">
      <h2 id="privacy-breach-form-title">{s.title}</h2>
      <div className="form-grid">
        <Field label={s.name} required value={form.title} onChange={(e) => setForm({ ...form, title: e.target.value })} error={fieldError(err, 'title')} maxLength={200} />
        <Field label={s.detectedAt} type="datetime-local" required value={form.detected} onChange={(e) => setForm({ ...form, detected: e.target.value })} error={fieldError(err, 'detected_at')} />
        <Field label={s.occurredAt} type="datetime-local" value={form.occurred} onChange={(e) => setForm({ ...form, occurred: e.target.value })} error={fieldError(err, 'occurred_at')} />
        <Field label={s.peopleAffected} type="number" min={0} step={1} inputMode="numeric" required value={form.people} onChange={(e) => setForm({ ...form, people: e.target.value })} error={fieldError(err, 'people_affected')} />
      </div>
      <TextAreaField label={s.description} required rows={3} value={form.description} onChange={(e) => setForm({ ...form, description: e.target.value })} error={fieldError(err, 'description')} />
      <fieldset className="checkbox-group">
        <legend>{s.dataClasses}</legend>
        {DATA_CLASS_KEYS.map((k) => (
          <label key={k} className="checkbox-line">
            <input type="checkbox" checked={form.classes.includes(k)} onChange={() => setForm({ ...form, classes: toggle(form.classes, k) })} />
            {t.privacy.dataClasses[k]}
          </label>
        ))}
      </fieldset>
      <TextAreaField label={s.consequences} rows={2} value={form.consequences} onChange={(e) => setForm({ ...form, consequences: e.target.value })} error={fieldError(err, 'likely_consequences')} />
      <TextAreaField label={s.measures} rows={2} value={form.measures} onChange={(e) => setForm({ ...form, measures: e.target.value })} error={fieldError(err, 'measures_taken')} />
      <fieldset className="checkbox-group">
        <legend>{s.alerts}</legend>
        {alerts.data?.items.length === 0 && <p className="muted">{s.noOpenAlerts}</p>}
        {alerts.data?.items.map((a) => (
          <label key={a.id} className="checkbox-line">
            <input type="checkbox" checked={form.alertIds.includes(a.id)} onChange={() => setForm({ ...form, alertIds: toggle(form.alertIds, a.id) })} />
            <span>
              {a.summary} <span className="muted small">· {dateTime(a.at)}</span>
            </span>
          </label>
        ))}
      </fieldset>
      {localError && (
        <p className="form-error" role="alert">
          {localError}
        </p>
      )}
      <FormError error={err} />
      <div className="form-actions">
        <button type="button" onClick={onCancel}>
          {t.actions.cancel}
        </button>
        <button type="submit" className="primary" disabled={create.isPending}>
          {create.isPending ? s.submitting : s.submit}
        </button>
      </div>
    </form>
  );
}
