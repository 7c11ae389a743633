// Registers a customer. Field messages come from the API (document check digits, phone, email);
// a duplicate document (409 customer.duplicate) is shown at the document field. The response
// carries the whole record; the page keeps only the masked name for its confirmation.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, ApiError } from '../../api/client.ts';
import { Field, SelectField, fieldError } from '../../components/form.tsx';
import { t } from '../../i18n/index.ts';
import { DOC_TYPES, customerErrorMessage, maskName, type Customer, type DocType } from './model.ts';

interface Draft {
  name: string;
  doc_type: DocType;
  doc_number: string;
  email: string;
  phone: string;
  address: string;
  marketing_consent: boolean;
}

const EMPTY: Draft = { name: '', doc_type: 'DNI', doc_number: '', email: '', phone: '', address: '', marketing_consent: false };

function bodyOf(d: Draft) {
  const optional = (v: string) => (v.trim() ? v.trim() : null);
  return {
    name: d.name,
    doc_type: d.doc_type,
    doc_number: d.doc_number,
    email: optional(d.email),
    phone: optional(d.phone),
    address: optional(d.address),
    marketing_consent: d.marketing_consent,
  };
}

export function CustomerCreateForm({ onClose }: { onClose: () => void }) {
  const c = t.customers.create;
  const f = t.customers.fields;
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [created, setCreated] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: (d: Draft) => api.post<Customer>('/customers', bodyOf(d)),
    gcTime: 0,
    onSuccess: (customer) => {
      setCreated(maskName(customer.name));
      setDraft(EMPTY);
      void queryClient.invalidateQueries({ queryKey: ['customers', 'masked'] });
    },
  });
  const error = create.error;
  const duplicate = error instanceof ApiError && error.code === 'customer.duplicate';
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => {
    setDraft((d) => ({ ...d, [key]: value }));
    setCreated(null);
  };

  function submit(e: FormEvent) {
    e.preventDefault();
    create.mutate(draft);
  }

  return (
    <section className="card" aria-labelledby="customer-create-heading">
      <h2 id="customer-create-heading">{c.heading}</h2>
      <form onSubmit={submit} noValidate>
        <div className="form-grid">
          <Field label={f.name} required autoComplete="off" value={draft.name} onChange={(e) => set('name', e.target.value)} error={fieldError(error, 'name')} />
          <SelectField
            label={f.docType}
            value={draft.doc_type}
            onChange={(e) => set('doc_type', e.target.value as DocType)}
            error={fieldError(error, 'doc_type')}
            options={DOC_TYPES.map((d) => ({ value: d, label: t.customers.docTypes[d]! }))}
          />
          <Field
            label={f.docNumber}
            required
            autoComplete="off"
            spellCheck={false}
            value={draft.doc_number}
            onChange={(e) => set('doc_number', e.target.value)}
            error={duplicate ? t.customers.errors['customer.duplicate'] : fieldError(error, 'doc_number')}
            hint={c.docHint}
          />
          <Field label={`${f.email} (${c.optional})`} type="email" autoComplete="off" value={draft.email} onChange={(e) => set('email', e.target.value)} error={fieldError(error, 'email')} />
          <Field
            label={`${f.phone} (${c.optional})`}
            type="tel"
            autoComplete="off"
            value={draft.phone}
            onChange={(e) => set('phone', e.target.value)}
            error={fieldError(error, 'phone')}
            hint={c.phoneHint}
          />
          <Field label={`${f.address} (${c.optional})`} autoComplete="off" value={draft.address} onChange={(e) => set('address', e.target.value)} error={fieldError(error, 'address')} />
        </div>
        <div className="checkbox-field">
          <input
            id="customer-marketing"
            type="checkbox"
            checked={draft.marketing_consent}
            onChange={(e) => set('marketing_consent', e.target.checked)}
            aria-describedby="customer-marketing-hint"
          />
          <label htmlFor="customer-marketing">{f.marketing}</label>
          <small id="customer-marketing-hint" className="hint">
            {c.marketingHint}
          </small>
        </div>
        {error && (
          <p className="form-error" role="alert">
            {duplicate || (error instanceof ApiError && error.errors.length > 0) ? t.form.fixErrors : customerErrorMessage(error)}
          </p>
        )}
        <p role="status" className={created ? 'notice ok' : 'visually-hidden'}>
          {created ? c.created(created) : ''}
        </p>
        <div className="form-actions">
          <button type="button" onClick={onClose}>
            {c.close}
          </button>
          <button type="submit" className="primary" disabled={create.isPending}>
            {create.isPending ? c.saving : c.submit}
          </button>
        </div>
      </form>
    </section>
  );
}
