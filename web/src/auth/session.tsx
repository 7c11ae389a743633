// Who is signed in, what they may do, and the sign-in/sign-out calls. The CSRF token lives
// only in memory; a reload gets it back from GET /auth/session.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { ApiError, onSessionExpired, request, setCsrfToken } from '../api/client.ts';
import type { Session } from '../api/types.ts';
import { setStoreTimeZone } from '../lib/format.ts';

export type Permission =
  | 'catalog:read'
  | 'catalog:write'
  | 'stock:move'
  | 'stock:adjust'
  | 'pricing:manage'
  | 'invoices:upload'
  | 'invoices:manage'
  | 'forecast:read'
  | 'customers:manage'
  | 'customers:privacy'
  | 'audit:read'
  | 'dr:read'
  | 'admin';

interface SessionState {
  /** undefined while the first probe runs; null when signed out. */
  session: Session | null | undefined;
  /** True when a request was refused because the session ended; the page stays mounted. */
  expired: boolean;
  can: (permission: Permission) => boolean;
  login: (username: string, password: string) => Promise<void>;
  logout: () => Promise<void>;
}

const SessionContext = createContext<SessionState | null>(null);

function adopt(session: Session): Session {
  setCsrfToken(session.csrf_token);
  setStoreTimeZone(session.timezone);
  return session;
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const [expired, setExpired] = useState(false);
  const queryClient = useQueryClient();

  useEffect(() => {
    request<Session>('GET', '/auth/session', { quietUnauthorized: true })
      .then((s) => setSession(adopt(s)))
      .catch(() => setSession(null));
  }, []);

  useEffect(() => onSessionExpired(() => setExpired(true)), []);

  const login = useCallback(async (username: string, password: string) => {
    const s = await request<Session>('POST', '/auth/login', { body: { username, password }, quietUnauthorized: true });
    // Another account signing in (after an expiry, on a shared tablet) must not see what the
    // previous one loaded.
    setSession((previous) => {
      if (previous && previous.user.id !== s.user.id) queryClient.clear();
      return adopt(s);
    });
    setExpired(false);
  }, [queryClient]);

  const logout = useCallback(async () => {
    try {
      await request<void>('POST', '/auth/logout', { quietUnauthorized: true });
    } finally {
      setCsrfToken(null);
      // Nothing the account loaded stays in the tab's memory after Salir.
      queryClient.clear();
      setSession(null);
      setExpired(false);
    }
  }, [queryClient]);

  const value = useMemo<SessionState>(
    () => ({
      session,
      expired,
      can: (permission) => Boolean(session?.permissions.includes(permission)),
      login,
      logout,
    }),
    [session, expired, login, logout],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}

/** The signed-in session; only for components rendered behind the sign-in gate. */
export function useSignedIn(): Session & { can: SessionState['can'] } {
  const { session, can } = useSession();
  if (!session) throw new Error('useSignedIn without a session');
  return { ...session, can };
}

export function isUnauthorized(error: unknown): boolean {
  return error instanceof ApiError && error.status === 401;
}
