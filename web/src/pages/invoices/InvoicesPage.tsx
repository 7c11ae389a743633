// Facturas: upload a supplier invoice (drop, pick, or the phone's camera) and the list of
// invoices, drafts first; `?id=` opens one for review (document beside the extracted fields,
// edit, map lines to products, confirm). Clerks upload and look; admin and manager also edit,
// map and confirm.
import { useLocation, useSearch } from 'wouter';
import { SelectField } from '../../components/form.tsx';
import { Page } from '../../components/Page.tsx';
import { t } from '../../i18n/index.ts';
import { InvoiceList } from './InvoiceList.tsx';
import { InvoiceReview } from './InvoiceReview.tsx';
import type { InvoiceStatus } from './model.ts';
import { UploadBox } from './UploadBox.tsx';
import './invoices.css';

const s = t.invoices;
type Filter = InvoiceStatus | 'all';

export default function InvoicesPage() {
  const search = new URLSearchParams(useSearch());
  const [path, navigate] = useLocation();
  const id = search.get('id');
  const requested = search.get('estado');
  const filter: Filter = requested === 'draft' || requested === 'confirmed' ? requested : 'all';

  if (id) return <InvoiceReview id={id} onBack={() => navigate(path)} onOpen={(other) => navigate(`${path}?id=${other}`)} />;

  return (
    <Page title={s.title}>
      <p className="section-intro">{s.intro}</p>
      <UploadBox onUploaded={(invoice) => navigate(`${path}?id=${invoice.id}`)} />
      <div className="filters invoices-filters">
        <SelectField
          label={s.list.statusFilter}
          value={filter}
          onChange={(e) => navigate(e.target.value === 'all' ? path : `${path}?estado=${e.target.value}`, { replace: true })}
          options={[
            { value: 'all', label: s.list.all },
            { value: 'draft', label: s.list.drafts },
            { value: 'confirmed', label: s.list.confirmed },
          ]}
        />
      </div>
      <InvoiceList status={filter} />
    </Page>
  );
}
