// One invoice under review: the document (image, or the PDF drawn by pdf.js) beside the extracted
// header, the warnings by code, the lines with their products, and the confirmation. A
// confirmation refused as a duplicate (409) or as incomplete (422) is said plainly, with each
// problem listed and shown at its field.
import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, api } from '../../api/client.ts';
import { useSignedIn } from '../../auth/session.tsx';
import { Dialog } from '../../components/Dialog.tsx';
import { SelectField } from '../../components/form.tsx';
import { Page } from '../../components/Page.tsx';
import { QueryView } from '../../components/states.tsx';
import { t } from '../../i18n/index.ts';
import { dateTime, money } from '../../lib/format.ts';
import { HeaderForm } from './HeaderForm.tsx';
import { LinesTable } from './LinesTable.tsx';
import { PdfPreview } from './PdfPreview.tsx';
import { invoiceErrorMessage, invoiceKeys, locationLabel, mainLocationOf, sourcesText, useLocations, voucherOf, type Invoice } from './model.ts';

const s = t.invoices;

export function InvoiceReview({ id, onBack, onOpen }: { id: string; onBack: () => void; onOpen: (id: string) => void }) {
  const query = useQuery({ queryKey: invoiceKeys.one(id), queryFn: ({ signal }) => api.get<Invoice>(`/invoices/${id}`, undefined, signal) });
  const title = query.data ? (query.data.header.number === null ? s.review.untitled : s.review.title(voucherOf(query.data.header))) : s.title;
  return (
    <Page
      title={title}
      actions={
        <button type="button" onClick={onBack}>
          {s.review.back}
        </button>
      }
    >
      <QueryView query={query} rows={8}>
        {(invoice) => <Review key={invoice.id} invoice={invoice} onOpen={onOpen} />}
      </QueryView>
    </Page>
  );
}

function Review({ invoice, onOpen }: { invoice: Invoice; onOpen: (id: string) => void }) {
  const { can } = useSignedIn();
  const editable = can('invoices:manage') && invoice.status === 'draft';
  const queryClient = useQueryClient();
  const [asking, setAsking] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const locations = useLocations();
  const [chosenLocation, setChosenLocation] = useState('');
  const locationId = chosenLocation || mainLocationOf(locations.data)?.id || '';
  const location = locations.data?.find((l) => l.id === locationId);
  const choosing = (locations.data?.length ?? 0) > 1;

  const confirm = useMutation({
    // Without a list of locations (it failed to load) the API's default, MAIN, applies.
    mutationFn: () => api.post<Invoice>(`/invoices/${invoice.id}/confirm`, locationId ? { location_id: locationId } : {}),
    onSuccess: (result) => {
      setAsking(false);
      setDone(choosing && location ? locationLabel(location) : '');
      queryClient.setQueryData(invoiceKeys.one(invoice.id), result);
      void queryClient.invalidateQueries({ queryKey: invoiceKeys.all });
      // Stock levels and product costs changed.
      void queryClient.invalidateQueries({ queryKey: ['products'] });
      void queryClient.invalidateQueries({ queryKey: ['stock'] });
    },
    onError: () => setAsking(false),
  });
  const updated = (next: Invoice) => {
    confirm.reset();
    queryClient.setQueryData(invoiceKeys.one(invoice.id), next);
    void queryClient.invalidateQueries({ queryKey: ['invoices', 'list'] });
  };

  return (
    <div className="invoice-review">
      <p className="review-status">
        <span className={`badge ${invoice.status === 'confirmed' ? 'ok' : 'warn'}`}>{s.status[invoice.status]}</span>{' '}
        <span className="muted">
          {s.review.sourcesRead}: {sourcesText(invoice.sources)}
        </span>
        {invoice.header.issuer_cuit && (
          <span className="muted">· {invoice.supplier_id ? s.review.supplierKnown : s.review.supplierUnknown}</span>
        )}
      </p>
      <div className="review-live" aria-live="polite">
        {done !== null && <p className="notice ok">{done ? s.confirm.doneAt(done) : s.confirm.done}</p>}
        {done === null && invoice.status === 'confirmed' && <p className="notice ok">{s.review.confirmedNote(dateTime(invoice.confirmed_at))}</p>}
      </div>
      {!can('invoices:manage') && invoice.status === 'draft' && <p className="notice">{s.review.headerReadOnly}</p>}
      <div className="review-grid">
        <DocumentPane invoice={invoice} />
        <div className="review-fields">
          <Warnings invoice={invoice} />
          <HeaderForm invoice={invoice} editable={editable} confirmError={confirm.error} onSaved={updated} />
        </div>
      </div>

      <LinesTable invoice={invoice} editable={editable} confirmError={confirm.error} onSaved={updated} />

      <ConfirmProblem error={confirm.error} onOpen={onOpen} />
      {editable && (
        <div className="form-actions confirm-bar">
          <button type="button" className="primary" onClick={() => setAsking(true)} disabled={confirm.isPending}>
            {s.confirm.button}
          </button>
        </div>
      )}

      <Dialog title={s.confirm.title} open={asking} onClose={() => setAsking(false)}>
        <p>{s.confirm.body(invoice.lines.length, choosing)}</p>
        <dl className="confirm-facts">
          <div>
            <dt>{s.confirm.voucher}</dt>
            <dd>{voucherOf(invoice.header)}</dd>
          </div>
          <div>
            <dt>{s.confirm.issuer}</dt>
            <dd>{invoice.header.issuer_name ?? invoice.header.issuer_cuit ?? '—'}</dd>
          </div>
          <div>
            <dt>{s.confirm.total}</dt>
            <dd>{money(invoice.header.total)}</dd>
          </div>
        </dl>
        {choosing && (
          <SelectField
            label={s.confirm.location}
            value={locationId}
            onChange={(e) => setChosenLocation(e.target.value)}
            options={(locations.data ?? []).map((l) => ({ value: l.id, label: locationLabel(l) }))}
          />
        )}
        {locations.isError && <p className="notice warn">{s.confirm.locationsFailed}</p>}
        {invoice.warnings.length > 0 && <p className="notice warn">{s.confirm.pending}</p>}
        <div className="form-actions">
          <button type="button" onClick={() => setAsking(false)}>
            {t.actions.cancel}
          </button>
          <button type="button" className="primary" data-autofocus onClick={() => confirm.mutate()} disabled={confirm.isPending}>
            {confirm.isPending ? s.confirm.submitting : s.confirm.submit}
          </button>
        </div>
      </Dialog>
    </div>
  );
}

/** 409 invoice.duplicate with a link to the confirmed copy; 422 with the list of what is missing. */
function ConfirmProblem({ error, onOpen }: { error: unknown; onOpen: (id: string) => void }) {
  if (!error) return null;
  if (error instanceof ApiError && error.code === 'invoice.duplicate') {
    const other = typeof error.body.invoice_id === 'string' ? error.body.invoice_id : null;
    return (
      <div className="form-error confirm-problem" role="alert">
        <p>{s.confirm.duplicate}</p>
        {other && (
          <button type="button" className="link" onClick={() => onOpen(other)}>
            {s.confirm.openDuplicate}
          </button>
        )}
      </div>
    );
  }
  if (error instanceof ApiError && error.code === 'invoice.incomplete') {
    return (
      <div className="form-error confirm-problem" role="alert">
        <p>{s.confirm.incomplete}</p>
        <ul>
          {error.errors.map((e) => (
            <li key={`${e.path}-${e.message}`}>{e.message}</li>
          ))}
        </ul>
      </div>
    );
  }
  return (
    <p className="form-error" role="alert">
      {invoiceErrorMessage(error)}
    </p>
  );
}

function DocumentPane({ invoice }: { invoice: Invoice }) {
  const file = invoice.file;
  return (
    <section className="card document-pane" aria-labelledby="invoice-document-title">
      <h2 id="invoice-document-title">{s.review.document}</h2>
      {!file && <p className="muted">{s.review.noFile}</p>}
      {file && file.type !== 'pdf' && (
        <div className="document-image">
          <img src={file.url} alt={s.review.documentAlt} />
        </div>
      )}
      {file && file.type === 'pdf' && <PdfPreview key={file.url} url={file.url} />}
      {file && (
        <p className="document-meta">
          <a href={file.url} download className="button">
            {s.review.download}
          </a>{' '}
          <span className="muted small">{s.review.fileInfo(file.type, Math.max(1, Math.round(file.size / 1024)).toLocaleString('es-AR'))}</span>
        </p>
      )}
    </section>
  );
}

function Warnings({ invoice }: { invoice: Invoice }) {
  return (
    <section className="card invoice-warnings" aria-labelledby="invoice-warnings-title">
      <h2 id="invoice-warnings-title">{s.warnings.title}</h2>
      {invoice.warnings.length === 0 ? (
        <p className="muted">{s.warnings.none}</p>
      ) : (
        <ul>
          {invoice.warnings.map((w, i) => (
            <li key={`${w.code}-${i}`}>
              <span className="badge warn">{s.warnings.codes[w.code] ?? s.warnings.other}</span> {w.message}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
