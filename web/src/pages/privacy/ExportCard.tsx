// Access and portability: GET /customers/{id}/export, handed to the browser as a JSON file and
// summarised in plain Spanish beside it (what the person can be told over the counter).
import { useMutation } from '@tanstack/react-query';
import { api } from '../../api/client.ts';
import { t } from '../../i18n/index.ts';
import { downloadText } from '../../lib/csv.ts';
import { date, dateTime, quantity } from '../../lib/format.ts';
import { PERSONAL_FIELDS, fieldLabel, privacyErrorMessage, type SubjectExport } from './model.ts';

const s = t.privacy.export;
const SHOWN_PURCHASES = 5;

export function ExportCard({ id, fileRef }: { id: string; fileRef: string }) {
  const run = useMutation({
    mutationFn: async () => {
      const doc = await api.get<SubjectExport>(`/customers/${id}/export`);
      const file = `datos-personales-${fileRef}-${doc.generated_at.slice(0, 10)}.json`;
      downloadText(file, `${JSON.stringify(doc, null, 2)}\n`, 'application/json;charset=utf-8');
      return { doc, file };
    },
    gcTime: 0,
  });
  return (
    <section className="privacy-box" aria-labelledby="privacy-export-heading">
      <h3 id="privacy-export-heading">{s.heading}</h3>
      <p className="muted small">{s.explain}</p>
      <div>
        <button type="button" onClick={() => run.mutate()} disabled={run.isPending}>
          {run.isPending ? s.exporting : s.button}
        </button>
      </div>
      <div aria-live="polite">
        {run.error && (
          <p className="form-error" role="alert">
            {privacyErrorMessage(run.error)}
          </p>
        )}
        {run.data && <p className="notice ok">{s.downloaded(run.data.file)}</p>}
      </div>
      {run.data && <Summary doc={run.data.doc} />}
    </section>
  );
}

function Summary({ doc }: { doc: SubjectExport }) {
  const c = doc.customer;
  const purchases = doc.purchases.slice(0, SHOWN_PURCHASES);
  return (
    <section className="export-summary" aria-labelledby="privacy-export-summary">
      <h4 id="privacy-export-summary">{s.summaryTitle}</h4>
      <p className="muted small">{s.generated(dateTime(doc.generated_at))}</p>
      <dl className="privacy-details">
        {PERSONAL_FIELDS.map((f) => (
          <div key={f}>
            <dt>{fieldLabel(f)}</dt>
            <dd>{c[f] ?? t.privacy.person.none}</dd>
          </div>
        ))}
      </dl>
      {c.erased_at && <p className="notice warn">{t.privacy.person.erased(date(c.erased_at), c.pseudonym)}</p>}
      <ul className="summary-list">
        <li>{s.consent(c.marketing_consent, doc.consent_history.length)}</li>
        <li>{s.restriction(c.restricted, doc.restriction_history.length)}</li>
        <li>{s.rectifications(doc.rectification_history.length)}</li>
        <li>
          {s.purchases(doc.purchases.length)}
          {purchases.length > 0 && (
            <ul>
              {purchases.map((p) => (
                <li key={p.movement_id}>{s.purchaseLine(date(p.at), quantity(p.quantity.replace(/^-/, '')), p.product_name ?? p.product_sku ?? '—')}</li>
              ))}
              {doc.purchases.length > SHOWN_PURCHASES && <li>{s.morePurchases(doc.purchases.length - SHOWN_PURCHASES)}</li>}
            </ul>
          )}
        </li>
        <li>{s.auditEvents(doc.audit_events.length)}</li>
        <li>{s.holds(doc.legal_holds.filter((h) => !h.released_at).length)}</li>
        {doc.erasures.length > 0 && <li>{s.erasures(doc.erasures.length)}</li>}
      </ul>
    </section>
  );
}
