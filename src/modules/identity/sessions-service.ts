// Dashboard sign-in: login with lockout, server-side sessions with idle and absolute expiry,
// logout, the cookie half of authentication (with its CSRF check) and a user's own password
// change. Every outcome that matters for security writes an audit event.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { uuidv7 } from 'uuidv7';
import type { Config } from '../../config.ts';
import type { Database } from '../../platform/db/types.ts';
import { auditContextOf, type AuditContext, type AuditWriter } from '../../platform/audit/writer.ts';
import { unauthorized } from '../../platform/http/auth-hook.ts';
import type { Identity } from '../../platform/http/context.ts';
import { assertCsrf, csrfTokenFor } from '../../platform/http/csrf.ts';
import { isRole, type Role } from '../../platform/http/permissions.ts';
import { createUsersRepo, type UserRow } from './users-repo.ts';
import { createSessionsRepo } from './sessions-repo.ts';
import { lockedError, type Lockout, type ThrottleTarget } from './sessions-lockout.ts';
import { clearSessionCookie, newSessionToken, sessionTokenFrom, sessionTokenHash, setSessionCookie } from './sessions-cookie.ts';
import { hashPassword, needsRehash, prepareDummyHash, verifyAgainstDummy, verifyPassword } from './users-password.ts';
import type { UsersService } from './users-service.ts';
import { UserErrors } from './users-errors.ts';

export interface LoginResult {
  token: string;
  csrfToken: string;
  user: { id: string; username: string; role: Role };
  expiresAt: Date;
}

export interface CurrentSession {
  csrfToken: string;
  user: LoginResult['user'];
  expiresAt: Date;
  sessionId: string;
}

const PURGE_EVERY_MS = 10 * 60_000;

function loginKey(username: string): string {
  return username.trim().toLowerCase().slice(0, 128);
}

function invalidCredentials() {
  return unauthorized('Usuario o contraseña incorrectos.');
}

export function createSessionsService(
  database: Database,
  deps: { audit: AuditWriter; lockout: Lockout; users: UsersService; config: Config },
) {
  const { audit, lockout, users, config } = deps;
  const idleSeconds = config.sessions.idleTimeoutSeconds;
  // last_seen_at is written at most this often per session; skipping writes can only make a
  // session expire earlier, never later.
  const touchAfterSeconds = Math.min(60, idleSeconds / 4);
  let lastPurge = 0;

  function targetsFor(request: FastifyRequest, username: string, user?: UserRow): ThrottleTarget[] {
    return [
      { scope: 'account', key: username, resource: user ? `user:${user.id}` : null },
      { scope: 'ip', key: request.ip },
    ];
  }

  /** Refuses with 429 while the account or the address is locked (audited as a denied login). */
  async function assertNotLocked(request: FastifyRequest, targets: ThrottleTarget[], ctx: AuditContext): Promise<void> {
    const locked = lockout.ipLockedFast(request.ip) || (await lockout.lockedFor(targets));
    if (locked <= 0) return;
    await audit.record(database.db, ctx, { action: 'auth.login', resource: null, outcome: 'denied', details: { reason: 'locked' } });
    throw lockedError(locked);
  }

  function purgeOccasionally(): void {
    if (Date.now() - lastPurge < PURGE_EVERY_MS) return;
    lastPurge = Date.now();
    // Housekeeping only: a failure here must never fail a login.
    createSessionsRepo(database.db).purgeExpired(idleSeconds).catch(() => undefined);
    lockout.purgeStale().catch(() => undefined);
  }

  /** The dashboard's view of its own session (after a page reload it needs the CSRF token again). */
  async function current(request: FastifyRequest): Promise<CurrentSession> {
    const token = sessionTokenFrom(request, config);
    const identity = request.identity;
    if (!token || identity?.kind !== 'session') throw UserErrors.notASession();
    const session = await createSessionsRepo(database.db).findActive(sessionTokenHash(token), idleSeconds);
    if (!session) throw UserErrors.notASession();
    return {
      csrfToken: csrfTokenFor(token),
      user: { id: identity.id, username: identity.name, role: identity.role },
      expiresAt: session.expiresAt,
      sessionId: session.sessionId,
    };
  }

  return {
    idleTimeoutSeconds: idleSeconds,

    /** Hourly housekeeping from `serve`: expired sessions and stale lockout counters. */
    async purgeExpired(): Promise<{ sessions: number }> {
      const sessions = await createSessionsRepo(database.db).purgeExpired(idleSeconds);
      await lockout.purgeStale();
      return { sessions };
    },

    /** Sets the cookie for a new session (Secure when the client reached us over TLS). */
    setCookie(reply: FastifyReply, request: FastifyRequest, token: string): void {
      setSessionCookie(reply, request, config, token);
    },

    clearCookie(reply: FastifyReply, request: FastifyRequest): void {
      clearSessionCookie(reply, request, config);
    },

    async login(input: { username: string; password: string }, request: FastifyRequest): Promise<LoginResult> {
      const username = loginKey(input.username);
      const ctx = auditContextOf(request);
      await assertNotLocked(request, targetsFor(request, username), ctx);

      await prepareDummyHash();
      const user = await createUsersRepo(database.db).findByUsername(username);
      // Unknown usernames cost the same argon2 verification as known ones.
      const passwordOk = user ? await verifyPassword(user.passwordHash, input.password) : await verifyAgainstDummy(input.password);
      if (!user || !passwordOk || user.disabledAt) {
        const reason = !user ? 'unknown_user' : !passwordOk ? 'bad_password' : 'disabled';
        const lockedNow = await database.transaction(async (tx) => {
          await audit.record(tx, ctx, {
            action: 'auth.login',
            resource: user ? `user:${user.id}` : null,
            outcome: 'failure',
            // The submitted name of an unknown user is not kept: people type passwords there.
            details: { reason, ...(user ? { username: user.username } : {}) },
          });
          return lockout.recordFailure(tx, targetsFor(request, username, user), ctx, 'login');
        });
        // The failure that imposes a lock already answers 429, so the client knows to wait.
        if (lockedNow > 0) throw lockedError(lockedNow);
        throw invalidCredentials();
      }

      const upgradedHash = needsRehash(user.passwordHash) ? await hashPassword(input.password) : undefined;
      const token = newSessionToken();
      const expiresAt = await database.transaction(async (tx) => {
        const sessions = createSessionsRepo(tx);
        // No fixation: a session id the browser brought to the login is ended, and the
        // authenticated session always gets a brand-new id.
        const prior = sessionTokenFrom(request, config);
        if (prior) await sessions.deleteByTokenHash(sessionTokenHash(prior));
        const expires = await sessions.insert({
          id: uuidv7(),
          tokenHash: sessionTokenHash(token),
          userId: user.id,
          absoluteSeconds: config.sessions.absoluteTimeoutSeconds,
        });
        if (upgradedHash) await createUsersRepo(tx).replaceHash(user.id, upgradedHash);
        await lockout.clearAccount(tx, username);
        await audit.record(tx, { ...ctx, actor: `user:${user.id}` }, {
          action: 'auth.login',
          resource: `user:${user.id}`,
          outcome: 'success',
          details: { username: user.username, role: user.role },
        });
        return expires;
      });
      purgeOccasionally();
      const role = isRole(user.role) ? user.role : 'clerk';
      return { token, csrfToken: csrfTokenFor(token), user: { id: user.id, username: user.username, role }, expiresAt };
    },

    /**
     * Ends the session the cookie names. Public, so a dashboard whose session already expired can
     * still clear its cookie; ending a live session needs its CSRF token like any cookie write.
     */
    async logout(request: FastifyRequest): Promise<void> {
      const token = sessionTokenFrom(request, config);
      if (!token) return;
      const tokenHash = sessionTokenHash(token);
      const live = await createSessionsRepo(database.db).findActive(tokenHash, idleSeconds);
      if (!live) {
        // Expired or unknown: nothing anyone could use; drop the row if it is still there.
        await createSessionsRepo(database.db).deleteByTokenHash(tokenHash);
        return;
      }
      assertCsrf(request, token);
      await database.transaction(async (tx) => {
        const ended = await createSessionsRepo(tx).deleteByTokenHash(tokenHash);
        if (!ended) return;
        await audit.record(tx, { ...auditContextOf(request), actor: `user:${ended.userId}` }, {
          action: 'auth.logout',
          resource: `user:${ended.userId}`,
          outcome: 'success',
        });
      });
    },

    /**
     * The cookie half of authentication: null when there is no live session. A state-changing
     * request must also carry the session's CSRF token (403 auth.csrf_failed otherwise).
     */
    async authenticate(request: FastifyRequest): Promise<Identity | null> {
      const token = sessionTokenFrom(request, config);
      if (!token) return null;
      const repo = createSessionsRepo(database.db);
      const session = await repo.findActive(sessionTokenHash(token), idleSeconds);
      if (!session || !isRole(session.role)) return null;
      // Before touching: a forged cross-site write must not even keep the session alive.
      assertCsrf(request, token);
      if (session.idleSeconds >= touchAfterSeconds) await repo.touch(session.sessionId);
      return { kind: 'session', id: session.userId, name: session.username, role: session.role, actor: `user:${session.userId}` };
    },

    current,

    /**
     * A signed-in user changes their own password. A wrong current password counts as a failed
     * login (a stolen session must not become a password oracle); other sessions are ended.
     */
    async changeOwnPassword(request: FastifyRequest, input: { currentPassword: string; newPassword: string }): Promise<void> {
      const { sessionId } = await current(request);
      const ctx = auditContextOf(request);
      const user = await createUsersRepo(database.db).findById(request.identity!.id);
      if (!user) throw UserErrors.notFound();
      const targets = targetsFor(request, user.username, user);
      await assertNotLocked(request, targets, ctx);
      if (!(await verifyPassword(user.passwordHash, input.currentPassword))) {
        const lockedNow = await database.transaction(async (tx) => {
          await audit.record(tx, ctx, {
            action: 'identity.user.password_change',
            resource: `user:${user.id}`,
            outcome: 'failure',
            details: { username: user.username, by: 'self', reason: 'wrong_current_password' },
          });
          return lockout.recordFailure(tx, targets, ctx, 'login');
        });
        if (lockedNow > 0) throw lockedError(lockedNow);
        throw UserErrors.wrongCurrentPassword();
      }
      users.checkPassword(input.newPassword, { username: user.username, email: await users.emailOf(user) }, 'new_password');
      const passwordHash = await hashPassword(input.newPassword);
      await database.transaction(async (tx) => {
        await createUsersRepo(tx).update(user.id, { passwordHash });
        const ended = await createSessionsRepo(tx).deleteForUser(user.id, sessionId);
        await audit.record(tx, ctx, {
          action: 'identity.user.password_change',
          resource: `user:${user.id}`,
          outcome: 'success',
          details: { username: user.username, by: 'self', sessions_ended: ended },
        });
      });
    },
  };
}

export type SessionsService = ReturnType<typeof createSessionsService>;
