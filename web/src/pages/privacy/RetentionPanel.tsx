// Retention as code, as the server applies it: the policy per data class (from the server's
// configuration), the last run and the last real one, and a dry run on demand with its report.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client.ts';
import { TableScroll } from '../../components/Page.tsx';
import { QueryView } from '../../components/states.tsx';
import { t } from '../../i18n/index.ts';
import { dateTime } from '../../lib/format.ts';
import { privacyErrorMessage, privacyKeys, type RetentionReport, type RetentionStatus } from './model.ts';

const s = t.privacy.retention;

export function RetentionPanel() {
  const queryClient = useQueryClient();
  const status = useQuery({ queryKey: privacyKeys.retention, queryFn: ({ signal }) => api.get<RetentionStatus>('/privacy/retention', undefined, signal) });
  const dryRun = useMutation({
    mutationFn: () => api.post<RetentionReport>('/privacy/retention/run', { dry_run: true }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: privacyKeys.retention }),
  });
  return (
    <QueryView query={status} rows={6}>
      {(data) => (
        <div className="privacy-stack">
          <section className="card" aria-labelledby="privacy-retention-heading">
            <h2 id="privacy-retention-heading">{s.heading}</h2>
            <p className="muted">{s.explain(data.policy.interval_hours)}</p>
            {/* One card per data class: the reasons are long, a table would scroll on a phone. */}
            <ul className="retention-classes" aria-label={s.tableLabel}>
              {data.policy.classes.map((c) => (
                <li key={c.class} className="retention-class">
                  <h3>{s.classes[c.class] ?? c.class}</h3>
                  <p className="muted small">{c.label}</p>
                  <dl className="privacy-details">
                    <div>
                      <dt>{s.cols.period}</dt>
                      <dd>{s.period(c.period)}</dd>
                    </div>
                    <div>
                      <dt>{s.cols.action}</dt>
                      <dd>{s.actions[c.action] ?? c.action}</dd>
                    </div>
                  </dl>
                  <p className="small">
                    <strong>{s.cols.basis}:</strong> {c.basis}
                  </p>
                  {c.config.length > 0 && (
                    <p className="muted small">
                      {s.cols.config}: <span className="mono">{c.config.join(', ')}</span>
                    </p>
                  )}
                </li>
              ))}
            </ul>
          </section>
          <section className="card" aria-labelledby="privacy-runs-heading">
            <h2 id="privacy-runs-heading">{s.lastRun}</h2>
            <p>{data.last_run ? s.runInfo(dateTime(data.last_run.finished_at), s.triggers[data.last_run.trigger] ?? data.last_run.trigger, data.last_run.dry_run) : s.never}</p>
            {data.last_applied_run && data.last_applied_run.id !== data.last_run?.id && (
              <p className="muted">
                {s.lastApplied}: {s.runInfo(dateTime(data.last_applied_run.finished_at), s.triggers[data.last_applied_run.trigger] ?? data.last_applied_run.trigger, false)}
              </p>
            )}
            {data.last_run && !dryRun.data && <Report report={data.last_run} />}
            <div className="form-actions start">
              <button type="button" className="primary" onClick={() => dryRun.mutate()} disabled={dryRun.isPending}>
                {dryRun.isPending ? s.running : s.dryRun}
              </button>
            </div>
            <div aria-live="polite" className="retention-result">
              {dryRun.error && (
                <p className="form-error" role="alert">
                  {privacyErrorMessage(dryRun.error)}
                </p>
              )}
              {dryRun.data && (
                <>
                  <h3>{s.reportTitle}</h3>
                  <Report report={dryRun.data} />
                </>
              )}
            </div>
          </section>
        </div>
      )}
    </QueryView>
  );
}

function Report({ report }: { report: RetentionReport }) {
  return (
    <TableScroll label={s.reportLabel}>
      <table className="retention-report">
        <thead>
          <tr>
            <th scope="col">{s.reportCols.class}</th>
            <th scope="col" className="num">
              {s.reportCols.due}
            </th>
            <th scope="col" className="num">
              {s.reportCols.applied}
            </th>
            <th scope="col" className="num">
              {s.reportCols.retained}
            </th>
            <th scope="col">{s.reportCols.note}</th>
          </tr>
        </thead>
        <tbody>
          {report.classes.map((c) => (
            <tr key={c.class}>
              <th scope="row">{s.classes[c.class] ?? c.class}</th>
              <td className="num">{c.due.toLocaleString('es-AR')}</td>
              <td className="num">{c.applied.toLocaleString('es-AR')}</td>
              <td className="num">{c.retained.toLocaleString('es-AR')}</td>
              <td className="wrap">{c.note ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}
