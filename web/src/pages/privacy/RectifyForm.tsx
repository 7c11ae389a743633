// Rectification: correct a person's data. Only the fields that changed are sent (PATCH); the
// old values are kept encrypted by the API and appear only in the export.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api } from '../../api/client.ts';
import { Field, FormError, SelectField, fieldError } from '../../components/form.tsx';
import { t } from '../../i18n/index.ts';
import { PERSONAL_FIELDS, fieldLabel, privacyKeys, type Customer } from './model.ts';

const s = t.privacy.rectify;
const DOC_TYPES = ['DNI', 'CUIT', 'CUIL', 'PASSPORT'] as const;
type Form = Record<(typeof PERSONAL_FIELDS)[number], string>;

export function RectifyForm({ customer, onDone, onCancel }: { customer: Customer; onDone: (message: string) => void; onCancel: () => void }) {
  const queryClient = useQueryClient();
  const initial: Form = {
    name: customer.name,
    doc_type: customer.doc_type,
    doc_number: customer.doc_number,
    email: customer.email ?? '',
    phone: customer.phone ?? '',
    address: customer.address ?? '',
  };
  const [form, setForm] = useState<Form>(initial);
  const changed = PERSONAL_FIELDS.filter((f) => form[f].trim() !== initial[f].trim());
  const save = useMutation({
    mutationFn: () => {
      const body: Record<string, string | null> = {};
      for (const f of changed) body[f] = form[f].trim() === '' && f !== 'name' && f !== 'doc_number' ? null : form[f].trim();
      return api.patch<Customer>(`/customers/${customer.id}`, body);
    },
    onSuccess: (next) => {
      queryClient.setQueryData(privacyKeys.record(customer.id), next);
      onDone(s.done(changed.map(fieldLabel).join(', ')));
    },
  });
  function submit(e: FormEvent) {
    e.preventDefault();
    if (changed.length > 0) save.mutate();
  }
  const err = save.error;
  const text = (f: Exclude<keyof Form, 'doc_type'>, type = 'text') => (
    <Field label={fieldLabel(f)} type={type} value={form[f]} onChange={(e) => setForm({ ...form, [f]: e.target.value })} error={fieldError(err, f)} autoComplete="off" />
  );
  return (
    <form className="rectify-form" onSubmit={submit} noValidate aria-labelledby="privacy-rectify-title">
      <h4 id="privacy-rectify-title">{s.title}</h4>
      <p className="muted small">{s.explain}</p>
      <div className="form-grid">
        {text('name')}
        <SelectField
          label={fieldLabel('doc_type')}
          value={form.doc_type}
          onChange={(e) => setForm({ ...form, doc_type: e.target.value })}
          error={fieldError(err, 'doc_type')}
          options={DOC_TYPES.map((d) => ({ value: d, label: t.customers.docTypes[d] ?? d }))}
        />
        {text('doc_number')}
        {text('email', 'email')}
        {text('phone', 'tel')}
        {text('address')}
      </div>
      <FormError error={err} />
      <div className="form-actions">
        <button type="button" onClick={onCancel}>
          {t.actions.cancel}
        </button>
        <button type="submit" className="primary" disabled={save.isPending || changed.length === 0}>
          {save.isPending ? s.saving : s.submit}
        </button>
      </div>
    </form>
  );
}
