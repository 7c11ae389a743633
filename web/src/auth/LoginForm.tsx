// The sign-in form: the whole page when signed out, a dialog over the page when the session
// expired (so nothing typed on the page is lost).
import { useState, type FormEvent } from 'react';
import { ApiError, NetworkError } from '../api/client.ts';
import { t } from '../i18n/index.ts';
import { useSession } from './session.tsx';

export function LoginForm({ expired = false }: { expired?: boolean }) {
  const { login, session } = useSession();
  const [username, setUsername] = useState(expired ? (session?.user.username ?? '') : '');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await login(username.trim(), password);
    } catch (err) {
      if (err instanceof ApiError && err.status === 429) {
        setError(t.login.locked(err.retryAfter ?? 60));
      } else if (err instanceof ApiError && (err.status === 401 || err.status === 400)) {
        setError(t.login.badCredentials);
      } else if (err instanceof NetworkError) {
        setError(t.states.network);
      } else {
        setError(err instanceof Error ? err.message : t.states.error);
      }
      setPassword('');
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="login-form" onSubmit={submit} aria-describedby={error ? 'login-error' : undefined} noValidate>
      <h1>{expired ? t.login.expiredTitle : t.login.title}</h1>
      <p className="muted">{expired ? t.login.expiredIntro : t.login.intro}</p>
      <label htmlFor="login-username">{t.login.username}</label>
      <input
        id="login-username"
        name="username"
        autoComplete="username"
        autoCapitalize="none"
        spellCheck={false}
        required
        value={username}
        onChange={(e) => setUsername(e.target.value)}
        autoFocus={!expired}
      />
      <label htmlFor="login-password">{t.login.password}</label>
      <input
        id="login-password"
        name="password"
        type="password"
        autoComplete="current-password"
        required
        value={password}
        onChange={(e) => setPassword(e.target.value)}
        autoFocus={expired}
      />
      {error && (
        <p id="login-error" className="form-error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" className="primary" disabled={busy || !username || !password}>
        {busy ? t.login.submitting : t.login.submit}
      </button>
    </form>
  );
}
