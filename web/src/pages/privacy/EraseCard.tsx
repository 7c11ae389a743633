// Erasure: the API's preview says what would be erased and what the law keeps (and until when);
// the confirmation dialog names both before anything happens, and the answer is shown after.
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../../api/client.ts';
import { Dialog } from '../../components/Dialog.tsx';
import { t } from '../../i18n/index.ts';
import { calendarDate } from '../../lib/format.ts';
import { fieldLabel, privacyErrorMessage, type Erasure, type ErasurePreview, type Retained } from './model.ts';

const s = t.privacy.erase;

export function EraseCard({ id, onErased }: { id: string; onErased: (result: Erasure) => void }) {
  const [open, setOpen] = useState(false);
  const [sure, setSure] = useState(false);
  const preview = useMutation({ mutationFn: () => api.get<ErasurePreview>(`/customers/${id}/erasure-preview`), onSuccess: () => setOpen(true), gcTime: 0 });
  const erase = useMutation({
    mutationFn: () => api.delete<Erasure>(`/customers/${id}`),
    onSuccess: (result) => {
      setOpen(false);
      onErased(result);
    },
  });
  const close = () => {
    setOpen(false);
    setSure(false);
  };
  const p = preview.data;
  return (
    <section className="privacy-box danger-zone" aria-labelledby="privacy-erase-heading">
      <h3 id="privacy-erase-heading">{s.heading}</h3>
      <p className="muted small">{s.explain}</p>
      <div>
        <button type="button" className="danger" onClick={() => preview.mutate()} disabled={preview.isPending || erase.isSuccess}>
          {preview.isPending ? s.loadingPreview : s.button}
        </button>
      </div>
      <div aria-live="polite">
        {preview.error && (
          <p className="form-error" role="alert">
            {privacyErrorMessage(preview.error)}
          </p>
        )}
      </div>
      <Dialog title={s.dialogTitle} open={open && p !== undefined} onClose={close}>
        {p && (
          <div className="erase-dialog">
            <h3>{s.willErase}</h3>
            <p>{p.erased.map(fieldLabel).join(', ')}.</p>
            <h3>{s.willKeep}</h3>
            {p.retained.length === 0 && p.fiscal_sales === 0 ? <p>{s.keepNothing}</p> : <RetainedList retained={p.retained} fiscalSales={p.fiscal_sales} />}
            <p className="notice warn">{s.irreversible}</p>
            <div className="checkbox-field">
              <input id="privacy-erase-sure" type="checkbox" checked={sure} onChange={(e) => setSure(e.target.checked)} />
              <label htmlFor="privacy-erase-sure">{s.understand}</label>
            </div>
            {erase.error && (
              <p className="form-error" role="alert">
                {privacyErrorMessage(erase.error)}
              </p>
            )}
            <div className="form-actions">
              <button type="button" onClick={close}>
                {t.actions.cancel}
              </button>
              <button type="button" className="danger" disabled={!sure || erase.isPending} onClick={() => erase.mutate()}>
                {erase.isPending ? s.submitting : s.submit}
              </button>
            </div>
          </div>
        )}
      </Dialog>
    </section>
  );
}

function RetainedList({ retained, fiscalSales }: { retained: Retained[]; fiscalSales: number }) {
  return (
    <ul className="retained-list">
      {retained.map((r) => (
        <li key={`${r.field}-${r.reason}`}>{s.keepLine(fieldLabel(r.field), s.holdReasons[r.reason] ?? r.reason, r.until ? calendarDate(r.until) : null)}</li>
      ))}
      {fiscalSales > 0 && <li>{s.fiscalSales(fiscalSales)}</li>}
    </ul>
  );
}

export function ErasureResult({ result }: { result: Erasure }) {
  return (
    <div className="notice ok erase-result">
      <p>
        <strong>{s.doneTitle}.</strong> {s.done(result.receipt_id, result.pseudonym)}
      </p>
      {result.erased.length > 0 && <p>{s.erasedList(result.erased.map(fieldLabel).join(', '))}</p>}
      {result.retained.length > 0 && (
        <>
          <p>{s.kept}:</p>
          <RetainedList retained={result.retained} fiscalSales={0} />
        </>
      )}
    </div>
  );
}
