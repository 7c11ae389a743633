// The one place personal data appears. The read runs when the dialog opens (one audited GET
// /customers/{id}); the query is dropped from the cache as soon as the dialog closes, so
// reopening reads — and audits — again, and nothing stays in memory after leaving the page.
import { useQuery } from '@tanstack/react-query';
import { api, ApiError } from '../../api/client.ts';
import { useSignedIn } from '../../auth/session.tsx';
import { Dialog } from '../../components/Dialog.tsx';
import { Loading } from '../../components/states.tsx';
import { t } from '../../i18n/index.ts';
import { date, dateTime } from '../../lib/format.ts';
import { customerErrorMessage, type Customer } from './model.ts';

export interface RevealTarget {
  id: string;
  masked: string;
  ref: string;
}

export function RevealDialog({ target, onClose }: { target: RevealTarget | null; onClose: () => void }) {
  return (
    <Dialog title={t.customers.reveal.title} open={target !== null} onClose={onClose}>
      {target && <RevealedCustomer key={target.id} target={target} onClose={onClose} />}
    </Dialog>
  );
}

function RevealedCustomer({ target, onClose }: { target: RevealTarget; onClose: () => void }) {
  const { user } = useSignedIn();
  const query = useQuery({
    queryKey: ['customers', 'reveal', target.id],
    queryFn: ({ signal }) => api.get<Customer>(`/customers/${encodeURIComponent(target.id)}`, undefined, signal),
    gcTime: 0,
    staleTime: Infinity,
    retry: false,
  });

  return (
    <div className="reveal">
      <p className="muted">
        {target.masked} · <span className="mono">{target.ref}</span>
      </p>
      {query.isPending && (
        <>
          <p className="notice warn">{t.customers.reveal.before(user.username)}</p>
          <Loading rows={4} label={t.customers.reveal.loading} />
        </>
      )}
      {query.isError && (
        <p className={query.error instanceof ApiError && query.error.status === 410 ? 'notice warn' : 'form-error'} role="alert">
          {customerErrorMessage(query.error)}
        </p>
      )}
      {query.data && (
        <>
          <p className="notice warn" role="status">
            {t.customers.reveal.after(user.username, dateTime(new Date(query.dataUpdatedAt).toISOString()))}
          </p>
          <CustomerDetails customer={query.data} />
          <p className="muted small">{t.customers.reveal.hiddenOnLeave}</p>
        </>
      )}
      <div className="form-actions">
        <button type="button" className={query.data ? 'primary' : undefined} onClick={onClose}>
          {query.data ? t.customers.reveal.hide : t.actions.close}
        </button>
      </div>
    </div>
  );
}

function CustomerDetails({ customer }: { customer: Customer }) {
  const f = t.customers.fields;
  const rows: Array<[string, string]> = [
    [f.name, customer.name],
    [f.docType, t.customers.docTypes[customer.doc_type] ?? customer.doc_type],
    [f.docNumber, customer.doc_number],
    [f.email, customer.email ?? f.none],
    [f.phone, customer.phone ?? f.none],
    [f.address, customer.address ?? f.none],
    [f.marketing, customer.marketing_consent ? t.actions.yes : t.actions.no],
    [f.createdAt, date(customer.created_at)],
  ];
  return (
    <dl className="customer-details">
      {rows.map(([label, value]) => (
        <div key={label}>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}
