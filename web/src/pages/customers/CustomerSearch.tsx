// Exact lookup by document or email. The API answers with whole records (and audits the read);
// the page keeps only the masked name and document type of each hit, so personal data appears
// only through "Ver datos". Nothing typed here goes into the URL or the browser history.
import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, type Page as ApiPage } from '../../api/client.ts';
import { TableScroll } from '../../components/Page.tsx';
import { Field, FormError, SelectField, fieldError } from '../../components/form.tsx';
import { t } from '../../i18n/index.ts';
import { DOC_TYPES, customerErrorMessage, maskName, shortRef, type Customer, type CustomerHit } from './model.ts';
import { RevealButton } from './RevealButton.tsx';
import type { RevealTarget } from './RevealDialog.tsx';

type Mode = 'doc' | 'email';
interface Lookup {
  mode: Mode;
  docType: string;
  value: string;
}

async function lookup({ mode, docType, value }: Lookup): Promise<CustomerHit[]> {
  const query = mode === 'doc' ? { doc_number: value.trim(), doc_type: docType || undefined } : { email: value.trim() };
  const page = await api.get<ApiPage<Customer>>('/customers', { ...query, limit: 20 });
  return page.items.map((c) => ({ id: c.id, masked_name: maskName(c.name), doc_type: c.doc_type }));
}

export function CustomerSearch({ onReveal }: { onReveal: (target: RevealTarget) => void }) {
  const s = t.customers.search;
  const [form, setForm] = useState<Lookup>({ mode: 'doc', docType: '', value: '' });
  const search = useMutation({ mutationFn: lookup, gcTime: 0 });
  const error = search.error;
  const valueError = fieldError(error, form.mode === 'doc' ? 'doc_number' : 'email');

  function submit(e: FormEvent) {
    e.preventDefault();
    if (form.value.trim()) search.mutate(form);
  }

  function clear() {
    setForm((f) => ({ ...f, value: '' }));
    search.reset();
  }

  return (
    <section className="card" aria-labelledby="customers-search-heading">
      <h2 id="customers-search-heading">{s.heading}</h2>
      <p className="hint-block" id="customers-search-exact">
        {s.exactHint}
      </p>
      <form className="filters" onSubmit={submit} noValidate>
        <SelectField
          label={s.by}
          value={form.mode}
          onChange={(e) => {
            setForm({ mode: e.target.value as Mode, docType: '', value: '' });
            search.reset();
          }}
          options={[
            { value: 'doc', label: s.byDocument },
            { value: 'email', label: s.byEmail },
          ]}
        />
        {form.mode === 'doc' && (
          <SelectField
            label={t.customers.fields.docType}
            value={form.docType}
            onChange={(e) => setForm({ ...form, docType: e.target.value })}
            error={fieldError(error, 'doc_type')}
            options={[{ value: '', label: s.anyDocType }, ...DOC_TYPES.map((d) => ({ value: d, label: t.customers.docTypes[d]! }))]}
          />
        )}
        <Field
          label={form.mode === 'doc' ? t.customers.fields.docNumber : t.customers.fields.email}
          type={form.mode === 'doc' ? 'text' : 'email'}
          inputMode={form.mode === 'doc' ? 'text' : 'email'}
          autoComplete="off"
          spellCheck={false}
          required
          value={form.value}
          onChange={(e) => setForm({ ...form, value: e.target.value })}
          error={valueError}
          id="customers-search-value"
          aria-describedby={valueError ? 'customers-search-value-error customers-search-exact' : 'customers-search-exact'}
          className="search-value"
        />
        <div className="filter-buttons">
          <button type="submit" className="primary" disabled={search.isPending || !form.value.trim()}>
            {search.isPending ? s.searching : s.submit}
          </button>
          {(search.data || search.error) && (
            <button type="button" onClick={clear}>
              {s.clear}
            </button>
          )}
        </div>
      </form>
      <div className="search-result">
        {error && !valueError && (
          <p className="form-error" role="alert">
            {customerErrorMessage(error)}
          </p>
        )}
        {error && valueError && <FormError error={error} />}
        {search.data && search.data.length === 0 && (
          <p className="empty" role="status">
            {s.none}
          </p>
        )}
        {search.data && search.data.length > 0 && (
          <>
            <p role="status">{s.found(search.data.length)}</p>
            <TableScroll label={s.resultsLabel}>
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t.customers.list.name}</th>
                    <th scope="col">
                      <span className="visually-hidden">{t.customers.list.actions}</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {search.data.map((c) => (
                    <tr key={c.id}>
                      <td>
                        <span className="masked-name">{c.masked_name}</span>
                        <span className="row-meta">
                          {t.customers.docTypes[c.doc_type] ?? c.doc_type} · {t.customers.list.refShort} <span className="mono">{shortRef(c.id)}</span>
                        </span>
                      </td>
                      <td className="row-actions">
                        <RevealButton target={{ id: c.id, masked: c.masked_name, ref: shortRef(c.id) }} onReveal={onReveal} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableScroll>
          </>
        )}
      </div>
    </section>
  );
}
