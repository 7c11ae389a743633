// First run from the browser alone: the server wrote an admin API key to the data directory;
// pasting it here creates the first dashboard account (POST /users with that key) and signs in.
// The key is used for this one request and never stored.
import { useState, type FormEvent } from 'react';
import { ApiError, request } from '../api/client.ts';
import { Field, FormError, fieldError } from '../components/form.tsx';
import { t } from '../i18n/index.ts';
import { useSession } from './session.tsx';

export function FirstRunForm({ onBack }: { onBack: () => void }) {
  const { login } = useSession();
  const [apiKey, setApiKey] = useState('');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await request('POST', '/users', {
        body: { username: username.trim(), password, role: 'admin' },
        headers: { authorization: `Bearer ${apiKey.trim()}` },
        quietUnauthorized: true,
      });
      await login(username.trim(), password);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  const keyRefused = error instanceof ApiError && (error.status === 401 || error.status === 403);
  return (
    <form className="login-form" onSubmit={submit} noValidate>
      <h1>{t.firstRun.title}</h1>
      <p className="muted">{t.firstRun.intro}</p>
      <Field
        label={t.firstRun.apiKey}
        value={apiKey}
        onChange={(e) => setApiKey(e.target.value)}
        autoComplete="off"
        spellCheck={false}
        required
        error={keyRefused ? t.firstRun.badKey : undefined}
      />
      <Field
        label={t.firstRun.username}
        value={username}
        onChange={(e) => setUsername(e.target.value)}
        autoComplete="username"
        autoCapitalize="none"
        required
        error={fieldError(error, 'username')}
      />
      <Field
        label={t.firstRun.password}
        type="password"
        value={password}
        onChange={(e) => setPassword(e.target.value)}
        autoComplete="new-password"
        required
        hint={t.firstRun.passwordHint}
        error={fieldError(error, 'password')}
      />
      {!keyRefused && <FormError error={error} />}
      <button type="submit" className="primary" disabled={busy || !apiKey || !username || !password}>
        {t.firstRun.submit}
      </button>
      <button type="button" className="link" onClick={onBack}>
        {t.firstRun.back}
      </button>
    </form>
  );
}
