// Clientes (admin, manager): masked list, exact search, create, and "Ver datos" which decrypts
// one record on demand. Personal data is shown only inside the reveal dialog, is never put in
// the URL or the query cache, and disappears when the dialog closes or the page is left.
import { useState } from 'react';
import { useSignedIn } from '../../auth/session.tsx';
import { Page } from '../../components/Page.tsx';
import { t } from '../../i18n/index.ts';
import { CustomerCreateForm } from './CustomerCreateForm.tsx';
import { CustomerList } from './CustomerList.tsx';
import { CustomerSearch } from './CustomerSearch.tsx';
import { AUDIT_NOTICE_ID } from './model.ts';
import { RevealDialog, type RevealTarget } from './RevealDialog.tsx';
import './customers.css';

export default function CustomersPage() {
  const { user } = useSignedIn();
  const [creating, setCreating] = useState(false);
  const [reveal, setReveal] = useState<RevealTarget | null>(null);

  return (
    <Page
      title={t.customers.title}
      actions={
        !creating && (
          <button type="button" className="primary" onClick={() => setCreating(true)}>
            {t.customers.newCustomer}
          </button>
        )
      }
    >
      <p className="muted customers-intro">{t.customers.intro}</p>
      <p id={AUDIT_NOTICE_ID} className="notice warn">
        {t.customers.auditNotice(user.username)}
      </p>
      {creating && <CustomerCreateForm onClose={() => setCreating(false)} />}
      <CustomerSearch onReveal={setReveal} />
      <CustomerList onReveal={setReveal} />
      <RevealDialog target={reveal} onClose={() => setReveal(null)} />
    </Page>
  );
}
