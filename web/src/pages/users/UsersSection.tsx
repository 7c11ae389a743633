// The dashboard accounts: list, "Nuevo usuario" and an edit dialog per user.
import { useInfiniteQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, type Page as ApiPage } from '../../api/client.ts';
import { useSignedIn } from '../../auth/session.tsx';
import { TableScroll } from '../../components/Page.tsx';
import { QueryView } from '../../components/states.tsx';
import { t } from '../../i18n/index.ts';
import { date } from '../../lib/format.ts';
import { LoadMore } from '../../components/LoadMore.tsx';
import type { User } from './model.ts';
import { UserCreateForm } from './UserCreateForm.tsx';
import { UserEditDialog } from './UserEditDialog.tsx';

export function UsersSection() {
  const u = t.users.users;
  const { user: me } = useSignedIn();
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<User | null>(null);
  const [saved, setSaved] = useState('');
  const query = useInfiniteQuery({
    queryKey: ['users', 'list'],
    queryFn: ({ pageParam, signal }) => api.get<ApiPage<User>>('/users', { limit: 100, cursor: pageParam }, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor,
  });
  const items = query.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <section className="card" aria-labelledby="users-heading">
      <div className="section-header">
        <h2 id="users-heading">{u.heading}</h2>
        {!creating && (
          <button type="button" className="primary" onClick={() => setCreating(true)}>
            {t.users.newUser}
          </button>
        )}
      </div>
      {creating && <UserCreateForm onClose={() => setCreating(false)} />}
      <p role="status" className={saved ? 'notice ok' : 'visually-hidden'}>
        {saved}
      </p>
      <QueryView query={query} isEmpty={(d) => d.pages[0]!.items.length === 0} empty={u.empty} rows={3}>
        {() => (
          <>
            <TableScroll label={u.label}>
              <table>
                <thead>
                  <tr>
                    <th scope="col">{u.username}</th>
                    <th scope="col" className="wide-only">
                      {u.role}
                    </th>
                    <th scope="col" className="wide-only">
                      {u.status}
                    </th>
                    <th scope="col" className="wide-only">
                      {u.created}
                    </th>
                    <th scope="col">
                      <span className="visually-hidden">{u.actions}</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((row) => (
                    <tr key={row.id}>
                      <td>
                        <strong>{row.username}</strong> {row.id === me.id && <span className="muted">{u.you}</span>}
                        {row.email && <span className="row-meta">{row.email}</span>}
                        <span className="row-meta phone-only">
                          {t.roles[row.role] ?? row.role} · {row.disabled ? u.disabled : u.active}
                        </span>
                      </td>
                      <td className="wide-only">{t.roles[row.role] ?? row.role}</td>
                      <td className="wide-only">
                        <span className={row.disabled ? 'badge danger' : 'badge ok'}>{row.disabled ? u.disabled : u.active}</span>
                      </td>
                      <td className="wide-only">{date(row.created_at)}</td>
                      <td className="row-actions">
                        <button
                          type="button"
                          aria-label={u.editLabel(row.username)}
                          onClick={() => {
                            setSaved('');
                            setEditing(row);
                          }}
                        >
                          {u.edit}
                        </button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableScroll>
            <p className="muted small">{u.shown(items.length)}</p>
            <LoadMore query={query} />
          </>
        )}
      </QueryView>
      <UserEditDialog
        user={editing}
        isSelf={editing?.id === me.id}
        onClose={() => setEditing(null)}
        onSaved={(username) => {
          setEditing(null);
          setSaved(t.users.edit.saved(username));
        }}
      />
    </section>
  );
}
