// Create or edit a supplier. The CUIT is checked while it is typed (cuit.ts); the server checks
// it again and its answer wins: a 400 `errors[]` entry at `cuit` and the 409 supplier.cuit_taken
// are both shown under the CUIT field.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useMutation } from '@tanstack/react-query';
import { api, ApiError } from '../../api/client.ts';
import type { Supplier } from '../../api/types.ts';
import { Field, FormError, SelectField, fieldError } from '../../components/form.tsx';
import { t } from '../../i18n/index.ts';
import { checkCuit, formatCuit, liveCuitProblem } from './cuit.ts';

const f = t.suppliers.form;

type Key = 'name' | 'cuit' | 'email' | 'phone' | 'address' | 'vat_condition' | 'lead_time_days';
type Values = Record<Key, string>;
type Body = Partial<Record<Key, string | number | null>>;

const KEYS: Key[] = ['name', 'cuit', 'email', 'phone', 'address', 'vat_condition', 'lead_time_days'];
const CONFLICT_FIELD: Record<string, Key> = { 'supplier.cuit_taken': 'cuit' };

function initialValues(s: Supplier | undefined): Values {
  return {
    name: s?.name ?? '',
    cuit: s?.cuit ?? '',
    email: s?.email ?? '',
    phone: s?.phone ?? '',
    address: s?.address ?? '',
    vat_condition: s?.vat_condition ?? '',
    lead_time_days: String(s?.lead_time_days ?? 2),
  };
}

function toBody(values: Values, original: Supplier | undefined): { body: Body } | { problems: Partial<Record<Key, string>> } {
  const problems: Partial<Record<Key, string>> = {};
  if (!values.name.trim()) problems.name = t.form.required;
  const cuit = checkCuit(values.cuit);
  if (!values.cuit.trim()) problems.cuit = t.form.required;
  else if (!cuit.ok) problems.cuit = t.suppliers.cuit[cuit.problem];
  const lead = values.lead_time_days.trim();
  if (!/^\d{1,3}$/.test(lead) || Number(lead) > 365) problems.lead_time_days = f.leadTimeInvalid;
  if (Object.keys(problems).length > 0 || !cuit.ok) return { problems };

  const body: Body = {
    name: values.name.trim(),
    cuit: cuit.formatted,
    email: values.email.trim() || null,
    phone: values.phone.trim() || null,
    address: values.address.trim() || null,
    vat_condition: values.vat_condition || null,
    lead_time_days: Number(lead),
  };
  if (!original) return { body };
  // Editing: only what changed (the audit event lists the changed fields).
  const changed: Body = {};
  for (const key of KEYS) {
    if (body[key] !== (original[key] ?? null)) changed[key] = body[key];
  }
  return { body: changed };
}

export function SupplierForm({ supplier, onSaved, onCancel }: { supplier?: Supplier | undefined; onSaved: (s: Supplier | null) => void; onCancel: () => void }) {
  const [values, setValues] = useState<Values>(() => initialValues(supplier));
  const [problems, setProblems] = useState<Partial<Record<Key, string>>>({});
  const [edited, setEdited] = useState<Set<Key>>(new Set());
  const [cuitLeft, setCuitLeft] = useState(Boolean(supplier));
  const [focusTick, setFocusTick] = useState(0);
  const formRef = useRef<HTMLFormElement>(null);

  const mutation = useMutation({
    mutationFn: (body: Body) => (supplier ? api.patch<Supplier>(`/suppliers/${supplier.id}`, body) : api.post<Supplier>('/suppliers', body)),
    onSuccess: (saved) => onSaved(saved),
  });
  const serverError = mutation.error;
  const conflictKey = serverError instanceof ApiError ? CONFLICT_FIELD[serverError.code] : undefined;

  useEffect(() => {
    if (focusTick > 0) formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [focusTick]);

  const serverMessage = (key: Key): string | undefined => {
    if (edited.has(key)) return undefined;
    if (conflictKey === key && serverError instanceof ApiError) return t.suppliers.errors[serverError.code] ?? serverError.message;
    return fieldError(serverError, key);
  };
  // The CUIT is judged as it is typed; the other fields when the form is sent.
  const liveCuit = liveCuitProblem(values.cuit, cuitLeft);
  const cuitMessage = (liveCuit ? t.suppliers.cuit[liveCuit] : undefined) ?? problems.cuit ?? serverMessage('cuit');
  const cuitOk = !cuitMessage && checkCuit(values.cuit).ok;
  const messageFor = (key: Key) => (key === 'cuit' ? cuitMessage : (problems[key] ?? serverMessage(key)));

  const set = (key: Key) => (e: { target: { value: string } }) => {
    const value = e.target.value;
    setValues((v) => ({ ...v, [key]: value }));
    setProblems((p) => ({ ...p, [key]: undefined }));
    setEdited((s) => new Set(s).add(key));
  };
  const field = (key: Key) => ({ name: key, value: values[key], onChange: set(key), error: messageFor(key) });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (mutation.isPending) return;
    setCuitLeft(true);
    const result = toBody(values, supplier);
    if ('problems' in result) {
      setProblems(result.problems);
      mutation.reset();
      setFocusTick((n) => n + 1);
      return;
    }
    setProblems({});
    setEdited(new Set());
    if (Object.keys(result.body).length === 0) return onSaved(null);
    mutation.mutate(result.body, { onError: () => setFocusTick((n) => n + 1) });
  };

  const conditions: string[] = [...t.suppliers.vatConditions];
  if (values.vat_condition && !conditions.includes(values.vat_condition)) conditions.push(values.vat_condition);
  const clientProblems = Object.values(problems).some(Boolean);

  return (
    <form ref={formRef} className="supplier-form" onSubmit={submit} noValidate>
      <div className="form-grid">
        <Field label={f.name} {...field('name')} required autoComplete="organization" maxLength={200} />
        <Field
          label={f.cuit}
          {...field('cuit')}
          required
          inputMode="numeric"
          autoComplete="off"
          spellCheck={false}
          maxLength={13}
          className={cuitOk ? 'cuit-ok' : undefined}
          hint={cuitOk ? f.cuitValid : f.cuitHint}
          onBlur={() => {
            setCuitLeft(true);
            const ok = checkCuit(values.cuit);
            if (ok.ok && ok.formatted !== values.cuit) setValues((v) => ({ ...v, cuit: formatCuit(v.cuit) }));
          }}
        />
        <Field label={f.email} {...field('email')} type="email" autoComplete="email" maxLength={254} />
        <Field label={f.phone} {...field('phone')} type="tel" autoComplete="tel" maxLength={50} />
        <Field label={f.address} {...field('address')} autoComplete="street-address" maxLength={300} />
        <SelectField
          label={f.vatCondition}
          {...field('vat_condition')}
          options={[{ value: '', label: f.vatNone }, ...conditions.map((c) => ({ value: c, label: c }))]}
        />
        <Field label={f.leadTime} {...field('lead_time_days')} required inputMode="numeric" autoComplete="off" maxLength={3} hint={f.leadTimeHint} />
      </div>
      {/* Screen readers hear the CUIT verdict as it changes, not only when they return to the field. */}
      <p className="visually-hidden" aria-live="polite">
        {values.cuit ? (cuitMessage ?? (cuitOk ? f.cuitValid : '')) : ''}
      </p>
      {clientProblems || conflictKey ? (
        <p className="form-error" role="alert">
          {t.form.fixErrors}
        </p>
      ) : (
        <FormError error={serverError} />
      )}
      <div className="form-actions">
        <button type="button" onClick={onCancel}>
          {t.actions.cancel}
        </button>
        <button type="submit" className="primary" disabled={mutation.isPending}>
          {mutation.isPending ? t.actions.saving : t.actions.save}
        </button>
      </div>
    </form>
  );
}
