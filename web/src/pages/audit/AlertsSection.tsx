// Security alerts raised by the anomaly rules, newest first, with acknowledge and close. Closing
// is final, so both transitions go through a dialog that also takes an optional note.
import { useInfiniteQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, type Page as ApiPage } from '../../api/client.ts';
import { SelectField } from '../../components/form.tsx';
import { QueryView } from '../../components/states.tsx';
import { t } from '../../i18n/index.ts';
import { dateTime } from '../../lib/format.ts';
import { AlertTransitionDialog, type Transition } from './AlertTransitionDialog.tsx';
import { SEVERITY_BADGE, STATUS_BADGE, type Alert } from './model.ts';
import { LoadMore } from '../../components/LoadMore.tsx';

export function AlertsSection() {
  const a = t.audit.alerts;
  const [status, setStatus] = useState('');
  const [severity, setSeverity] = useState('');
  const [transition, setTransition] = useState<Transition | null>(null);
  const [done, setDone] = useState('');
  const query = useInfiniteQuery({
    queryKey: ['audit', 'alerts', status, severity],
    queryFn: ({ pageParam, signal }) =>
      api.get<ApiPage<Alert>>('/audit/alerts', { limit: 20, cursor: pageParam, status: status || undefined, severity: severity || undefined }, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor,
  });
  const all = { value: '', label: a.all };

  return (
    <section className="card" aria-labelledby="alerts-heading">
      <h2 id="alerts-heading">{a.heading}</h2>
      <div className="filters">
        <SelectField
          label={a.statusFilter}
          value={status}
          onChange={(e) => setStatus(e.target.value)}
          options={[all, ...Object.entries(t.audit.statuses).map(([value, label]) => ({ value, label }))]}
        />
        <SelectField
          label={a.severityFilter}
          value={severity}
          onChange={(e) => setSeverity(e.target.value)}
          options={[all, ...Object.entries(t.audit.severities).map(([value, label]) => ({ value, label }))]}
        />
      </div>
      <p role="status" className={done ? 'notice ok' : 'visually-hidden'}>
        {done}
      </p>
      <QueryView query={query} rows={3} isEmpty={(d) => d.pages[0]!.items.length === 0} empty={a.empty}>
        {(data) => (
          <>
            <ul className="alert-list" aria-label={a.label}>
              {data.pages
                .flatMap((p) => p.items)
                .map((alert) => (
                  <AlertItem
                    key={alert.id}
                    alert={alert}
                    onTransition={(to) => {
                      setDone('');
                      setTransition({ alert, to });
                    }}
                  />
                ))}
            </ul>
            <LoadMore query={query} />
          </>
        )}
      </QueryView>
      <AlertTransitionDialog
        transition={transition}
        onClose={() => setTransition(null)}
        onDone={(to) => {
          setTransition(null);
          setDone(to === 'closed' ? a.closed : a.acknowledged);
        }}
      />
    </section>
  );
}

function AlertItem({ alert, onTransition }: { alert: Alert; onTransition: (to: Transition['to']) => void }) {
  const a = t.audit.alerts;
  const statusLabel = t.audit.statuses[alert.status] ?? alert.status;
  return (
    <li className={`alert-item severity-${alert.severity}`}>
      <div className="alert-head">
        <span className={SEVERITY_BADGE[alert.severity] ?? 'badge'}>{t.audit.severities[alert.severity] ?? alert.severity}</span>
        <strong>{t.audit.rules[alert.rule] ?? alert.rule}</strong>
        <span className={STATUS_BADGE[alert.status] ?? 'badge'}>{statusLabel}</span>
      </div>
      <p className="alert-summary">
        {alert.summary}
      </p>
      <dl className="alert-meta">
        <div>
          <dt>{a.raisedAt}</dt>
          <dd>{dateTime(alert.at)}</dd>
        </div>
        {alert.actor && (
          <div>
            <dt>{a.about}</dt>
            <dd className="mono wrap">{alert.actor}</dd>
          </div>
        )}
        {alert.evidence_seqs.length > 0 && (
          <div>
            <dt>{a.evidenceLabel}</dt>
            <dd>{a.evidence(alert.evidence_seqs)}</dd>
          </div>
        )}
        {alert.note && (
          <div>
            <dt>{a.note}</dt>
            <dd>{alert.note}</dd>
          </div>
        )}
      </dl>
      {alert.status_changed_by && alert.status_changed_at && (
        <p className="muted small">{a.changedBy(statusLabel, alert.status_changed_by, dateTime(alert.status_changed_at))}</p>
      )}
      {alert.status !== 'closed' && (
        <div className="alert-actions" role="group" aria-label={a.actionsFor(alert.summary)}>
          {alert.status === 'open' && (
            <button type="button" onClick={() => onTransition('acknowledged')}>
              {a.acknowledge}
            </button>
          )}
          <button type="button" className="danger" onClick={() => onTransition('closed')}>
            {a.close}
          </button>
        </div>
      )}
    </li>
  );
}
