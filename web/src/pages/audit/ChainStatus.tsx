// GET /audit/verify seals what is pending and recomputes the whole chain (the server records the
// verification as an event). It runs once when the page opens and again on "Verificar ahora".
import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/client.ts';
import { QueryView } from '../../components/states.tsx';
import { t } from '../../i18n/index.ts';
import { dateTime, quantity } from '../../lib/format.ts';
import { shortHash, type VerifyReport } from './model.ts';

export function ChainStatus() {
  const c = t.audit.chain;
  const query = useQuery({
    queryKey: ['audit', 'verify'],
    queryFn: ({ signal }) => api.get<VerifyReport>('/audit/verify', undefined, signal),
    staleTime: 5 * 60_000,
  });
  const when = query.dataUpdatedAt ? dateTime(new Date(query.dataUpdatedAt).toISOString()) : '';

  return (
    <section className="card chain" aria-labelledby="chain-heading" aria-busy={query.isFetching}>
      <div className="section-header">
        <h2 id="chain-heading">{c.heading}</h2>
        <button type="button" className="primary" onClick={() => void query.refetch()} disabled={query.isFetching}>
          {query.isFetching ? c.verifying : c.verifyNow}
        </button>
      </div>
      <p className="muted section-intro">{c.intro}</p>
      <QueryView query={query} rows={2}>
        {(report) => (
          <>
            <div className="stats">
              <div className="stat">
                <div className="label">{c.status}</div>
                <div className="value">
                  <span className={`badge big ${report.ok ? 'ok' : 'critical'}`} data-testid="chain-status">
                    {report.ok ? c.ok : c.notOk}
                  </span>
                </div>
              </div>
              <div className="stat">
                <div className="label">{c.eventsChecked}</div>
                <div className="value">{quantity(report.events_checked)}</div>
              </div>
              <div className="stat">
                <div className="label">{c.headHash}</div>
                <div className="value hash">
                  {report.head_hash ? (
                    <code title={report.head_hash} aria-label={c.headHashLabel(report.head_hash)}>
                      {shortHash(report.head_hash)}
                    </code>
                  ) : (
                    c.none
                  )}
                </div>
              </div>
              <div className="stat">
                <div className="label">{c.firstBad}</div>
                <div className="value">{report.first_bad_seq ?? c.none}</div>
              </div>
              <div className="stat">
                <div className="label">{c.lastCheckpoint}</div>
                {report.last_checkpoint ? (
                  <div className="value small-value">
                    {dateTime(report.last_checkpoint.at)}
                    <span className="muted block">{c.sealPosition(report.last_checkpoint.seal_position)}</span>
                    {report.last_checkpoint.matches === false && <span className="badge critical">{c.checkpointMismatch}</span>}
                  </div>
                ) : (
                  <div className="value small-value muted">{c.noCheckpoint}</div>
                )}
              </div>
            </div>
            {report.problems.length > 0 && (
              <div className="notice danger-notice">
                <h3>{c.problems}</h3>
                <ul>
                  {report.problems.map((p, i) => (
                    <li key={`${p.kind}-${i}`}>{p.message}</li>
                  ))}
                </ul>
              </div>
            )}
            {report.warnings.length > 0 && (
              <div className="notice warn">
                <h3>{c.warnings}</h3>
                <ul>
                  {report.warnings.map((w) => (
                    <li key={w}>{w}</li>
                  ))}
                </ul>
              </div>
            )}
          </>
        )}
      </QueryView>
      <p className="muted verified-at" role="status">
        {query.data && !query.isFetching ? (query.data.ok ? c.resultOk(when, quantity(query.data.events_checked)) : c.resultBad(when)) : ''}
      </p>
    </section>
  );
}
