// API keys: list (never a secret), "Nueva clave de API" (the secret is shown once), revoke.
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, type Page as ApiPage } from '../../api/client.ts';
import { Dialog } from '../../components/Dialog.tsx';
import { TableScroll } from '../../components/Page.tsx';
import { QueryView } from '../../components/states.tsx';
import { t } from '../../i18n/index.ts';
import { date, dateTime } from '../../lib/format.ts';
import { LoadMore } from '../../components/LoadMore.tsx';
import { ApiKeyCreateForm } from './ApiKeyCreateForm.tsx';
import { usersErrorMessage, type ApiKey } from './model.ts';

function keyStatus(key: ApiKey): { label: string; className: string } {
  const k = t.users.keys;
  if (key.revoked_at) return { label: k.revoked, className: 'badge danger' };
  if (key.expires_at && Date.parse(key.expires_at) <= Date.now()) return { label: k.expired, className: 'badge warn' };
  return { label: k.active, className: 'badge ok' };
}

export function ApiKeysSection() {
  const k = t.users.keys;
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);
  const [done, setDone] = useState('');
  const query = useInfiniteQuery({
    queryKey: ['api-keys', 'list'],
    queryFn: ({ pageParam, signal }) => api.get<ApiPage<ApiKey>>('/api-keys', { limit: 100, cursor: pageParam }, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor,
  });
  const items = query.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <section className="card" aria-labelledby="keys-heading">
      <div className="section-header">
        <h2 id="keys-heading">{k.heading}</h2>
        {!creating && (
          <button type="button" className="primary" onClick={() => setCreating(true)}>
            {t.users.newKey}
          </button>
        )}
      </div>
      <p className="muted section-intro">{k.intro}</p>
      {creating && <ApiKeyCreateForm onClose={() => setCreating(false)} />}
      <p role="status" className={done ? 'notice ok' : 'visually-hidden'}>
        {done}
      </p>
      <QueryView query={query} isEmpty={(d) => d.pages[0]!.items.length === 0} empty={k.empty} rows={3}>
        {() => (
          <>
            <TableScroll label={k.label}>
              <table>
                <thead>
                  <tr>
                    <th scope="col">{k.name}</th>
                    <th scope="col" className="wide-only">
                      {k.status}
                    </th>
                    <th scope="col" className="wide-only">
                      {k.role}
                    </th>
                    <th scope="col" className="wide-only">
                      {k.created}
                    </th>
                    <th scope="col" className="wide-only">
                      {k.lastUsed}
                    </th>
                    <th scope="col" className="wide-only">
                      {k.expires}
                    </th>
                    <th scope="col">
                      <span className="visually-hidden">{k.actions}</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((key) => {
                    const status = keyStatus(key);
                    return (
                      <tr key={key.id}>
                        <td>
                          <strong>{key.name}</strong>
                          <span className="row-meta">
                            {k.prefix} <span className="mono">{key.prefix}…</span>
                          </span>
                          <span className="row-meta phone-only">
                            <span className={status.className}>{status.label}</span> {t.roles[key.role] ?? key.role} ·{' '}
                            {key.expires_at ? k.expiresOn(date(key.expires_at)) : k.noExpiry}
                          </span>
                        </td>
                        <td className="wide-only">
                          <span className={status.className}>{status.label}</span>
                          {key.revoked_at && <span className="row-meta">{date(key.revoked_at)}</span>}
                        </td>
                        <td className="wide-only">{t.roles[key.role] ?? key.role}</td>
                        <td className="wide-only">{date(key.created_at)}</td>
                        <td className="wide-only">{key.last_used_at ? dateTime(key.last_used_at) : k.never}</td>
                        <td className="wide-only">{key.expires_at ? date(key.expires_at) : k.noExpiry}</td>
                        <td className="row-actions">
                          {!key.revoked_at && (
                            <button
                              type="button"
                              className="danger"
                              aria-label={k.revokeLabel(key.name)}
                              onClick={() => {
                                setDone('');
                                setRevoking(key);
                              }}
                            >
                              {k.revoke}
                            </button>
                          )}
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </TableScroll>
            <p className="muted small">{k.shown(items.length)}</p>
            <LoadMore query={query} />
          </>
        )}
      </QueryView>
      <Dialog title={t.users.revoke.title} open={revoking !== null} onClose={() => setRevoking(null)}>
        {revoking && (
          <RevokeForm
            key={revoking.id}
            apiKey={revoking}
            onClose={() => setRevoking(null)}
            onDone={(name) => {
              setRevoking(null);
              setDone(t.users.revoke.done(name));
            }}
          />
        )}
      </Dialog>
    </section>
  );
}

function RevokeForm({ apiKey, onClose, onDone }: { apiKey: ApiKey; onClose: () => void; onDone: (name: string) => void }) {
  const r = t.users.revoke;
  const queryClient = useQueryClient();
  const revoke = useMutation({
    mutationFn: () => api.delete<ApiKey>(`/api-keys/${encodeURIComponent(apiKey.id)}`),
    onSuccess: (key) => {
      void queryClient.invalidateQueries({ queryKey: ['api-keys'] });
      onDone(key.name);
    },
  });
  return (
    <div className="edit-form">
      <p className="notice warn">{r.body(apiKey.name, apiKey.prefix)}</p>
      {revoke.error && (
        <p className="form-error" role="alert">
          {usersErrorMessage(revoke.error)}
        </p>
      )}
      <div className="form-actions">
        <button type="button" onClick={onClose}>
          {t.actions.cancel}
        </button>
        <button type="button" className="danger-solid" disabled={revoke.isPending} onClick={() => revoke.mutate()}>
          {revoke.isPending ? r.saving : r.confirm}
        </button>
      </div>
    </div>
  );
}
