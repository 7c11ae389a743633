// Exact lookup of a person by document number or email (the API audits the read). Only the
// masked name and a short reference of each hit are kept; nothing typed goes into the URL.
import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, type Page as ApiPage } from '../../api/client.ts';
import { TableScroll } from '../../components/Page.tsx';
import { Field, SelectField, fieldError } from '../../components/form.tsx';
import { t } from '../../i18n/index.ts';
import { maskName, privacyErrorMessage, shortRef, type Customer } from './model.ts';

type Mode = 'doc' | 'email';
export interface PersonHit {
  id: string;
  masked: string;
  ref: string;
}

async function lookup({ mode, value }: { mode: Mode; value: string }): Promise<PersonHit[]> {
  const query = mode === 'doc' ? { doc_number: value.trim() } : { email: value.trim() };
  const page = await api.get<ApiPage<Customer | { id: string; masked_name: string }>>('/customers', { ...query, limit: 20 });
  return page.items.map((c) => ({ id: c.id, masked: 'name' in c ? maskName(c.name) : c.masked_name, ref: shortRef(c.id) }));
}

export function PersonSearch({ onOpen }: { onOpen: (hit: PersonHit) => void }) {
  const s = t.privacy.search;
  const [mode, setMode] = useState<Mode>('doc');
  const [value, setValue] = useState('');
  const search = useMutation({ mutationFn: lookup, gcTime: 0 });
  const valueError = fieldError(search.error, mode === 'doc' ? 'doc_number' : 'email');

  function submit(e: FormEvent) {
    e.preventDefault();
    if (value.trim()) search.mutate({ mode, value });
  }

  return (
    <section className="card" aria-labelledby="privacy-search-heading">
      <h2 id="privacy-search-heading">{s.heading}</h2>
      <p className="hint-block" id="privacy-search-hint">
        {s.hint}
      </p>
      <form className="filters" onSubmit={submit} noValidate>
        <SelectField
          label={s.by}
          value={mode}
          onChange={(e) => {
            setMode(e.target.value as Mode);
            setValue('');
            search.reset();
          }}
          options={[
            { value: 'doc', label: s.byDocument },
            { value: 'email', label: s.byEmail },
          ]}
        />
        <Field
          label={mode === 'doc' ? s.docNumber : s.email}
          type={mode === 'doc' ? 'text' : 'email'}
          autoComplete="off"
          spellCheck={false}
          required
          value={value}
          onChange={(e) => setValue(e.target.value)}
          error={valueError}
          className="privacy-search-value"
        />
        <div className="filter-buttons">
          <button type="submit" className="primary" disabled={search.isPending || !value.trim()}>
            {search.isPending ? s.searching : s.submit}
          </button>
        </div>
      </form>
      <div className="privacy-results" aria-live="polite">
        {search.error && !valueError && (
          <p className="form-error" role="alert">
            {privacyErrorMessage(search.error)}
          </p>
        )}
        {search.data?.length === 0 && <p className="empty">{s.none}</p>}
        {search.data && search.data.length > 0 && (
          <>
            <p>{s.found(search.data.length)}</p>
            <TableScroll label={s.resultsLabel}>
              <table>
                <thead>
                  <tr>
                    <th scope="col">{s.person}</th>
                    <th scope="col">
                      <span className="visually-hidden">{s.open}</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {search.data.map((hit) => (
                    <tr key={hit.id}>
                      <td>
                        <span className="masked-name">{hit.masked}</span>
                        <span className="row-meta mono">ref. {hit.ref}</span>
                      </td>
                      <td className="row-actions">
                        <button type="button" onClick={() => onOpen(hit)} aria-label={s.openFor(hit.masked, hit.ref)}>
                          {s.open}
                        </button>
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
