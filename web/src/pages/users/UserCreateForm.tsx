// Creates a dashboard account. The password policy lives on the server (length, deny-list, not
// built on the username); its messages come back in `errors[]` at `password` and show inline.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, ApiError } from '../../api/client.ts';
import type { Role } from '../../api/types.ts';
import { Field, SelectField, fieldError } from '../../components/form.tsx';
import { t } from '../../i18n/index.ts';
import { formLevelMessage, roleOptions, type User } from './model.ts';

interface Draft {
  username: string;
  password: string;
  role: Role;
  email: string;
}

const EMPTY: Draft = { username: '', password: '', role: 'clerk', email: '' };

export function UserCreateForm({ onClose }: { onClose: () => void }) {
  const c = t.users.create;
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [created, setCreated] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: (d: Draft) => api.post<User>('/users', { username: d.username, password: d.password, role: d.role, email: d.email.trim() || null }),
    gcTime: 0,
    onSuccess: (user) => {
      setCreated(user.username);
      setDraft(EMPTY);
      void queryClient.invalidateQueries({ queryKey: ['users'] });
    },
  });
  const error = create.error;
  const taken = error instanceof ApiError && error.code === 'user.username_taken';
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => {
    setDraft((d) => ({ ...d, [key]: value }));
    setCreated(null);
  };

  function submit(e: FormEvent) {
    e.preventDefault();
    create.mutate(draft);
  }

  return (
    <form className="subform" onSubmit={submit} noValidate aria-labelledby="user-create-heading">
      <h3 id="user-create-heading">{c.heading}</h3>
      <div className="form-grid">
        <Field
          label={c.username}
          required
          autoComplete="off"
          autoCapitalize="none"
          spellCheck={false}
          value={draft.username}
          onChange={(e) => set('username', e.target.value)}
          error={taken ? t.users.errors['user.username_taken'] : fieldError(error, 'username')}
          hint={c.usernameHint}
        />
        <Field
          label={c.password}
          type="password"
          required
          autoComplete="new-password"
          value={draft.password}
          onChange={(e) => set('password', e.target.value)}
          error={fieldError(error, 'password')}
          hint={c.passwordHint}
        />
        <SelectField label={c.role} value={draft.role} onChange={(e) => set('role', e.target.value as Role)} error={fieldError(error, 'role')} options={roleOptions} />
        <Field label={c.email} type="email" autoComplete="off" value={draft.email} onChange={(e) => set('email', e.target.value)} error={fieldError(error, 'email')} />
      </div>
      {error && (
        <p className="form-error" role="alert">
          {formLevelMessage(error, ['user.username_taken'])}
        </p>
      )}
      <p role="status" className={created ? 'notice ok' : 'visually-hidden'}>
        {created ? c.created(created) : ''}
      </p>
      <div className="form-actions">
        <button type="button" onClick={onClose}>
          {c.close}
        </button>
        <button type="submit" className="primary" disabled={create.isPending}>
          {create.isPending ? c.saving : c.submit}
        </button>
      </div>
    </form>
  );
}
