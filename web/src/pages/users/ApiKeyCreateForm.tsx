// Creates an API key. The answer carries the secret once: it is kept only in this component's
// state (not in the query cache) and dropped when the admin confirms it was saved, or leaves.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api } from '../../api/client.ts';
import type { Role } from '../../api/types.ts';
import { useSignedIn } from '../../auth/session.tsx';
import { Field, SelectField, fieldError } from '../../components/form.tsx';
import { t } from '../../i18n/index.ts';
import { todayInStore } from '../../lib/format.ts';
import { dayEndInstant } from '../../lib/dates.ts';
import { formLevelMessage, roleOptions, type CreatedApiKey } from './model.ts';
import { SecretBox } from './SecretBox.tsx';

interface Draft {
  name: string;
  role: Role;
  expires: string;
}

const EMPTY: Draft = { name: '', role: 'clerk', expires: '' };

export function ApiKeyCreateForm({ onClose }: { onClose: () => void }) {
  const c = t.users.createKey;
  const { timezone } = useSignedIn();
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [secret, setSecret] = useState<{ name: string; key: string } | null>(null);
  const create = useMutation({
    mutationFn: (d: Draft) =>
      api.post<CreatedApiKey>('/api-keys', { name: d.name, role: d.role, expires_at: d.expires ? dayEndInstant(d.expires, timezone) : null }),
    gcTime: 0,
    onSuccess: (created, _vars) => {
      setSecret({ name: created.name, key: created.key });
      setDraft(EMPTY);
      create.reset();
      void queryClient.invalidateQueries({ queryKey: ['api-keys'] });
    },
  });
  const error = create.error;

  function submit(e: FormEvent) {
    e.preventDefault();
    create.mutate(draft);
  }

  if (secret) {
    return (
      <SecretBox
        name={secret.name}
        secret={secret.key}
        onDone={() => {
          setSecret(null);
          onClose();
        }}
      />
    );
  }

  return (
    <form className="subform" onSubmit={submit} noValidate aria-labelledby="key-create-heading">
      <h3 id="key-create-heading">{c.heading}</h3>
      <div className="form-grid">
        <Field label={c.name} required autoComplete="off" value={draft.name} onChange={(e) => setDraft({ ...draft, name: e.target.value })} error={fieldError(error, 'name')} hint={c.nameHint} />
        <SelectField label={c.role} value={draft.role} onChange={(e) => setDraft({ ...draft, role: e.target.value as Role })} error={fieldError(error, 'role')} options={roleOptions} />
        <Field
          label={c.expires}
          type="date"
          min={todayInStore()}
          value={draft.expires}
          onChange={(e) => setDraft({ ...draft, expires: e.target.value })}
          error={fieldError(error, 'expires_at')}
          hint={c.expiresHint(timezone)}
        />
      </div>
      <p className="hint role-hint">{c.roleHint}</p>
      {error && (
        <p className="form-error" role="alert">
          {formLevelMessage(error)}
        </p>
      )}
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
