// Admin changes to one account, sent as one PATCH with only what changed: role, disabled, or a
// new password (reset). The signed-in admin cannot demote or disable themself from here.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api } from '../../api/client.ts';
import type { Role } from '../../api/types.ts';
import { Dialog } from '../../components/Dialog.tsx';
import { Field, SelectField, fieldError } from '../../components/form.tsx';
import { t } from '../../i18n/index.ts';
import { formLevelMessage, roleOptions, type User } from './model.ts';

interface Props {
  user: User | null;
  isSelf: boolean;
  onClose: () => void;
  onSaved: (username: string) => void;
}

export function UserEditDialog({ user, isSelf, onClose, onSaved }: Props) {
  return (
    <Dialog title={user ? t.users.edit.title(user.username) : ''} open={user !== null} onClose={onClose}>
      {user && <EditForm key={user.id} user={user} isSelf={isSelf} onClose={onClose} onSaved={onSaved} />}
    </Dialog>
  );
}

function EditForm({ user, isSelf, onClose, onSaved }: Props & { user: User }) {
  const e = t.users.edit;
  const queryClient = useQueryClient();
  const [role, setRole] = useState<Role>(user.role);
  const [disabled, setDisabled] = useState(user.disabled);
  const [password, setPassword] = useState('');
  const [nothing, setNothing] = useState(false);
  const changes = {
    ...(role !== user.role ? { role } : {}),
    ...(disabled !== user.disabled ? { disabled } : {}),
    ...(password ? { password } : {}),
  };
  const save = useMutation({
    mutationFn: () => api.patch<User>(`/users/${encodeURIComponent(user.id)}`, changes),
    gcTime: 0,
    onSuccess: (updated) => {
      void queryClient.invalidateQueries({ queryKey: ['users'] });
      onSaved(updated.username);
    },
  });

  const roleId = `user-role-${user.id}`;
  const roleError = fieldError(save.error, 'role');

  function submit(ev: FormEvent) {
    ev.preventDefault();
    if (Object.keys(changes).length === 0) {
      setNothing(true);
      return;
    }
    save.mutate();
  }

  return (
    <form className="edit-form" onSubmit={submit} noValidate>
      {isSelf && <p className="notice">{e.self}</p>}
      <SelectField
        id={roleId}
        aria-describedby={[roleError ? `${roleId}-error` : null, `${roleId}-hint`].filter(Boolean).join(' ')}
        label={e.role}
        value={role}
        disabled={isSelf}
        onChange={(ev) => {
          setRole(ev.target.value as Role);
          setNothing(false);
        }}
        error={roleError}
        options={roleOptions}
      />
      <small id={`${roleId}-hint`} className="hint">
        {e.roleHint}
      </small>
      <div className="checkbox-field">
        <input
          id={`user-disabled-${user.id}`}
          type="checkbox"
          checked={disabled}
          disabled={isSelf}
          aria-describedby={`user-disabled-${user.id}-hint`}
          onChange={(ev) => {
            setDisabled(ev.target.checked);
            setNothing(false);
          }}
        />
        <label htmlFor={`user-disabled-${user.id}`}>{e.disabled}</label>
        <small id={`user-disabled-${user.id}-hint`} className="hint">
          {e.disabledHint}
        </small>
      </div>
      <Field
        label={e.password}
        type="password"
        autoComplete="new-password"
        value={password}
        onChange={(ev) => {
          setPassword(ev.target.value);
          setNothing(false);
        }}
        error={fieldError(save.error, 'password')}
        hint={e.passwordHint}
      />
      {save.error && (
        <p className="form-error" role="alert">
          {formLevelMessage(save.error)}
        </p>
      )}
      {nothing && <p role="status">{e.nothing}</p>}
      <div className="form-actions">
        <button type="button" onClick={onClose}>
          {t.actions.cancel}
        </button>
        <button type="submit" className="primary" disabled={save.isPending}>
          {save.isPending ? t.actions.saving : t.actions.save}
        </button>
      </div>
    </form>
  );
}
