// The invoice's header: every field with where it was read from and how sure the reading is (the
// AFIP QR is the official data), editable by admin and manager (PATCH sends only what changed;
// an emptied field clears it). The API's messages, and a refused confirmation's, show at the field.
import { useState, type FormEvent } from 'react';
import { useMutation } from '@tanstack/react-query';
import { api } from '../../api/client.ts';
import { Field, FormError, SelectField, fieldError } from '../../components/form.tsx';
import { t } from '../../i18n/index.ts';
import { calendarDate, money } from '../../lib/format.ts';
import { parseDecimalInput, toInputDecimal } from '../../lib/decimal.ts';
import { pct, type Invoice, type InvoiceHeader } from './model.ts';

const s = t.invoices.review;

const INT_FIELDS = ['point_of_sale', 'number'] as const;
const MONEY_FIELDS = ['net', 'vat', 'other_taxes', 'total'] as const;
type FormField = 'letter' | 'issue_date' | 'issuer_cuit' | 'issuer_name' | 'cae' | (typeof INT_FIELDS)[number] | (typeof MONEY_FIELDS)[number];
const ORDER: FormField[] = ['letter', 'point_of_sale', 'number', 'issue_date', 'issuer_cuit', 'issuer_name', 'cae', 'net', 'vat', 'other_taxes', 'total'];

type Values = Record<FormField, string>;

function valuesOf(h: InvoiceHeader): Values {
  const text = (v: string | number | null) => (v === null ? '' : String(v));
  return {
    letter: h.letter ?? '',
    point_of_sale: text(h.point_of_sale),
    number: text(h.number),
    issue_date: h.issue_date ?? '',
    issuer_cuit: h.issuer_cuit ?? '',
    issuer_name: h.issuer_name ?? '',
    cae: h.cae ?? '',
    net: toInputDecimal(h.net),
    vat: toInputDecimal(h.vat),
    other_taxes: toInputDecimal(h.other_taxes),
    total: toInputDecimal(h.total),
  };
}

/** Where a field came from and how sure: "QR de AFIP (dato oficial)", "Texto del PDF · confianza 80 %". */
function provenance(invoice: Invoice, field: string): { text: string; official: boolean } | null {
  const source = invoice.field_sources[field];
  if (!source) return null;
  if (source === 'qr') return { text: s.authoritative, official: true };
  return { text: s.fieldSource(t.invoices.sources[source] ?? source, source === 'manual' ? null : pct(invoice.confidence[field])), official: false };
}

export function HeaderForm({ invoice, editable, confirmError, onSaved }: { invoice: Invoice; editable: boolean; confirmError: unknown; onSaved: (invoice: Invoice) => void }) {
  const [values, setValues] = useState<Values>(() => valuesOf(invoice.header));
  const [local, setLocal] = useState<Partial<Record<FormField, string>>>({});
  const [note, setNote] = useState('');
  const original = valuesOf(invoice.header);

  const save = useMutation({
    mutationFn: (header: Record<string, unknown>) => api.patch<Invoice>(`/invoices/${invoice.id}`, { header }),
    onSuccess: (result) => {
      setValues(valuesOf(result.header));
      setNote(s.headerSaved);
      onSaved(result);
    },
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    setNote('');
    const header: Record<string, unknown> = {};
    const problems: Partial<Record<FormField, string>> = {};
    for (const field of ORDER) {
      const value = values[field].trim();
      if (value === original[field]) continue;
      if (value === '') header[field] = null;
      else if ((INT_FIELDS as readonly string[]).includes(field)) {
        if (/^\d+$/.test(value)) header[field] = Number(value);
        else problems[field] = s.invalidNumber;
      } else if ((MONEY_FIELDS as readonly string[]).includes(field)) {
        const parsed = parseDecimalInput(value, { maxDecimals: 2 });
        if (parsed === null) problems[field] = s.invalidMoney;
        else header[field] = parsed;
      } else header[field] = value;
    }
    setLocal(problems);
    if (Object.keys(problems).length > 0) return;
    if (Object.keys(header).length === 0) {
      setNote(s.noChanges);
      return;
    }
    save.mutate(header);
  }

  const errorOf = (field: FormField) => local[field] ?? fieldError(save.error, `header.${field}`) ?? fieldError(confirmError, `header.${field}`);
  const hintOf = (field: FormField) => {
    const p = provenance(invoice, field);
    return p ? <span className={p.official ? 'source official' : 'source'}>{p.text}</span> : undefined;
  };
  const set = (field: FormField) => (e: { target: { value: string } }) => setValues((v) => ({ ...v, [field]: e.target.value }));

  if (!editable) return <HeaderView invoice={invoice} />;

  return (
    <form className="card invoice-header" onSubmit={submit} noValidate aria-labelledby="invoice-header-title">
      <h2 id="invoice-header-title">{s.header}</h2>
      <div className="form-grid">
        <div className="letter-field">
          <SelectField
            label={s.fields.letter!}
            value={values.letter}
            onChange={set('letter')}
            options={[{ value: '', label: s.noLetter }, ...['A', 'B', 'C'].map((l) => ({ value: l, label: l }))]}
            error={errorOf('letter')}
            aria-describedby={hintOf('letter') ? 'invoice-letter-source' : undefined}
          />
          {hintOf('letter') && (
            <small id="invoice-letter-source" className="hint">
              {hintOf('letter')}
            </small>
          )}
        </div>
        {ORDER.filter((f) => f !== 'letter').map((field) => (
          <Field
            key={field}
            label={s.fields[field]!}
            type={field === 'issue_date' ? 'date' : 'text'}
            inputMode={(INT_FIELDS as readonly string[]).includes(field) ? 'numeric' : (MONEY_FIELDS as readonly string[]).includes(field) ? 'decimal' : undefined}
            autoComplete="off"
            value={values[field]}
            onChange={set(field)}
            hint={hintOf(field)}
            error={errorOf(field)}
          />
        ))}
      </div>
      <VatBreakdown invoice={invoice} />
      <FormError error={save.error} />
      <div className="form-actions">
        <p className="saved-note" aria-live="polite">
          {note}
        </p>
        <button type="submit" disabled={save.isPending}>
          {save.isPending ? t.actions.saving : s.saveHeader}
        </button>
      </div>
    </form>
  );
}

/** The header read-only (clerk, auditor, or a confirmed invoice). */
function HeaderView({ invoice }: { invoice: Invoice }) {
  const h = invoice.header;
  const shown: Record<FormField, string> = {
    letter: h.letter ?? '—',
    point_of_sale: h.point_of_sale === null ? '—' : String(h.point_of_sale).padStart(5, '0'),
    number: h.number === null ? '—' : String(h.number).padStart(8, '0'),
    issue_date: calendarDate(h.issue_date),
    issuer_cuit: h.issuer_cuit ?? '—',
    issuer_name: h.issuer_name ?? '—',
    cae: h.cae ?? '—',
    net: money(h.net),
    vat: money(h.vat),
    other_taxes: money(h.other_taxes),
    total: money(h.total),
  };
  return (
    <section className="card invoice-header" aria-labelledby="invoice-header-title">
      <h2 id="invoice-header-title">{s.header}</h2>
      <dl className="header-facts">
        {h.kind && (
          <div>
            <dt>{s.fields.kind}</dt>
            <dd>{t.invoices.kinds[h.kind]}</dd>
          </div>
        )}
        {ORDER.map((field) => {
          const p = provenance(invoice, field);
          return (
            <div key={field}>
              <dt>{s.fields[field]}</dt>
              <dd>
                {shown[field]}
                {p && <small className={p.official ? 'source official' : 'source'}>{p.text}</small>}
              </dd>
            </div>
          );
        })}
      </dl>
      <VatBreakdown invoice={invoice} />
    </section>
  );
}

function VatBreakdown({ invoice }: { invoice: Invoice }) {
  const rows = invoice.header.vat_breakdown;
  if (rows.length === 0) return null;
  return (
    <div className="vat-breakdown">
      <h3>{s.vatBreakdown}</h3>
      <table>
        <thead>
          <tr>
            <th scope="col">{s.fields.vat}</th>
            <th scope="col" className="num">
              {s.base}
            </th>
            <th scope="col" className="num">
              {s.amount}
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.rate}>
              <th scope="row">{s.vatRate(r.rate)}</th>
              <td className="num">{money(r.base)}</td>
              <td className="num">{money(r.amount)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
