// Dashboard accounts (API.md "Authentication and roles", "Audit and identity"): users with a
// password policy, login with a server-side session cookie, CSRF on cookie writes, logout,
// session expiry, and the audit events each of these writes.
import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { buildApp } from '../../src/app.ts';
import { createLogger } from '../../src/platform/observability/logger.ts';
import { configFrom } from '../../src/config.ts';
import { queryRows } from '../../src/platform/db/types.ts';
import { testEngines } from '../helpers/engines.ts';
import { unique } from '../helpers/fixtures.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const STRONG = 'Yerba-Mate-Con-Tostadas-77';

interface Session {
  cookie: string;
  token: string;
  csrf: string;
  user: { id: string; username: string; role: string };
}

interface AuditRow {
  actor: string;
  action: string;
  resource: string | null;
  outcome: string;
  details: Record<string, unknown>;
}

/** Everything secret this file handles, to prove none of it reaches logs or the audit trail. */
const secrets = new Set<string>();

function sessionCookieOf(res: LightMyRequestResponse): { raw: string; name: string; value: string } {
  const header = [res.headers['set-cookie'] ?? []].flat().find((c) => /^(__Host-)?inventario_session=/.test(c));
  if (!header) throw new Error(`no session cookie in ${JSON.stringify(res.headers['set-cookie'])}`);
  const [pair] = header.split(';');
  const [name, value] = pair!.split('=') as [string, string];
  return { raw: header, name, value };
}

describe.each(testEngines())('dashboard accounts on %s', (engine) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp(engine);
  });
  afterAll(async () => t?.close());

  async function audit(action: string, resource?: string): Promise<AuditRow[]> {
    return queryRows<AuditRow>(
      t.db.database.db,
      sql`select actor, action, resource, outcome, details from audit_events
          where action = ${action} ${resource ? sql`and resource = ${resource}` : sql``} order by seq`,
    );
  }

  async function createUser(fields: { username?: string; password?: string; role?: string; email?: string } = {}) {
    const body = { username: unique('u').toLowerCase(), password: STRONG, role: 'manager', ...fields };
    secrets.add(body.password);
    const res = await t.call('POST', '/api/v1/users', { body });
    expect(res.statusCode, res.body).toBe(201);
    return { ...(res.json() as { id: string; username: string; role: string; email: string | null }), password: body.password };
  }

  function login(username: string, password: string, headers: Record<string, string> = {}) {
    return t.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers, payload: { username, password } });
  }

  async function signIn(username: string, password: string): Promise<Session> {
    const res = await login(username, password);
    expect(res.statusCode, res.body).toBe(200);
    const { name, value } = sessionCookieOf(res);
    const body = res.json() as { csrf_token: string; user: Session['user'] };
    secrets.add(value).add(body.csrf_token).add(createHash('sha256').update(value).digest('hex'));
    return { cookie: `${name}=${value}`, token: value, csrf: body.csrf_token, user: body.user };
  }

  /** A request authenticated by the session cookie only; csrf: false sends no token. */
  function asSession(s: Session, method: string, url: string, options: { body?: unknown; csrf?: string | false } = {}) {
    const headers: Record<string, string> = { cookie: s.cookie };
    if (options.csrf !== false) headers['x-csrf-token'] = options.csrf ?? s.csrf;
    return t.call(method, url, { key: null, headers, ...(options.body !== undefined ? { body: options.body } : {}) });
  }

  describe('users', () => {
    it('creates a user with 201 and no password or hash in the answer, storing only an argon2id hash and a sealed email', async () => {
      const username = unique('Cajera').toLowerCase();
      const res = await t.call('POST', '/api/v1/users', {
        body: { username: `  ${username.toUpperCase()} `, password: STRONG, role: 'clerk', email: 'Cajera@Ejemplo.com.ar' },
      });
      expect(res.statusCode, res.body).toBe(201);
      const user = res.json();
      expect(user).toMatchObject({ id: expect.any(String), username, role: 'clerk', email: 'cajera@ejemplo.com.ar', disabled: false });
      expect(Object.keys(user).join(',')).not.toMatch(/password_hash|hash/);
      expect(res.body).not.toContain(STRONG);
      expect(res.body).not.toContain('$argon2');

      const [row] = await queryRows<{ password_hash: string; email_sealed: unknown; data_key_id: string | null }>(
        t.db.database.db,
        sql`select password_hash, email_sealed, data_key_id from users where id = ${user.id}`,
      );
      expect(row!.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
      expect(row!.data_key_id).toEqual(expect.any(String));
      expect(JSON.stringify(row!.email_sealed)).not.toContain('ejemplo');

      const got = await t.call('GET', `/api/v1/users/${user.id}`);
      expect(got.json()).toEqual(user);
      const [event] = await audit('identity.user.create', `user:${user.id}`);
      expect(event).toMatchObject({ outcome: 'success', details: { username, role: 'clerk', has_email: true } });
      expect(JSON.stringify(event)).not.toContain('ejemplo');
    });

    it('lists users page by page without hashes', async () => {
      await createUser();
      await createUser();
      const first = await t.call('GET', '/api/v1/users?limit=1');
      expect(first.statusCode).toBe(200);
      expect(first.json().items).toHaveLength(1);
      expect(first.json().next_cursor).toEqual(expect.any(String));
      const rest = await t.call('GET', `/api/v1/users?limit=500&cursor=${first.json().next_cursor}`);
      expect(rest.json().items.length).toBeGreaterThanOrEqual(2);
      expect(rest.body).not.toContain('$argon2');
      expect(rest.json().items.map((u: { id: string }) => u.id)).not.toContain(first.json().items[0].id);
    });

    it('refuses a duplicate username, whatever its case, with 409 user.username_taken', async () => {
      const user = await createUser();
      const res = await t.call('POST', '/api/v1/users', { body: { username: user.username.toUpperCase(), password: STRONG, role: 'clerk' } });
      expect(res.statusCode).toBe(409);
      expect(res.json().code).toBe('user.username_taken');
    });

    it.each([
      ['too short', 'Corta-1'],
      ['one character under the minimum', 'Tr3s-Gatos!'],
      ['a common password', 'contraseña2024'],
      ['a common password in another case with symbols', 'Password1234!'],
      ['a keyboard walk', 'qwertyuiop123'],
      ['a football club with a year', 'BocaJuniors2024'],
      ['leetspeak of a common password', 'P4ssw0rd-2025'],
      ['repeated characters', 'aaaaaaaaaaaaaaa'],
      ['longer than 128 characters', `${'Yerba-Mate-'.repeat(12)}xyz`],
    ])('refuses %s with 400 validation.failed at password, in Spanish', async (_label, password) => {
      const username = unique('weak').toLowerCase();
      const res = await t.call('POST', '/api/v1/users', { body: { username, password, role: 'clerk' } });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().code).toBe('validation.failed');
      const entry = (res.json().errors as { path: string; message: string }[]).find((e) => e.path === 'password');
      expect(entry?.message).toMatch(/contraseña|caracteres/);
      expect(res.body).not.toContain(password);
      const list = await t.call('GET', '/api/v1/users?limit=500');
      expect(list.body).not.toContain(username);
    });

    it('refuses a password that contains the username', async () => {
      const res = await t.call('POST', '/api/v1/users', { body: { username: 'marcelo.g', password: 'Soy-Marcelo.G-Del-Kiosco', role: 'clerk' } });
      expect(res.statusCode).toBe(400);
      expect(res.json().errors).toEqual([{ path: 'password', message: expect.stringContaining('nombre de usuario') }]);
    });

    it('refuses fields a client must not set (mass assignment) on create and on update', async () => {
      const username = unique('mass').toLowerCase();
      const create = await t.call('POST', '/api/v1/users', {
        body: { username, password: STRONG, role: 'clerk', password_hash: '$argon2id$x', disabled_at: null, created_by: 'admin', id: 'x' },
      });
      expect(create.statusCode).toBe(400);
      expect((create.json().errors as { path: string }[]).map((e) => e.path).sort()).toEqual(['created_by', 'disabled_at', 'id', 'password_hash']);

      const user = await createUser({ role: 'clerk' });
      const update = await t.call('PATCH', `/api/v1/users/${user.id}`, { body: { username: 'otro', password_hash: 'x', created_at: 'x' } });
      expect(update.statusCode).toBe(400);
      expect((update.json().errors as { path: string }[]).map((e) => e.path)).toEqual(expect.arrayContaining(['created_at', 'password_hash', 'username']));
      expect((await t.call('GET', `/api/v1/users/${user.id}`)).json()).toMatchObject({ username: user.username, role: 'clerk' });

      // A signed-in user's own password change cannot carry a role either.
      const session = await signIn(user.username, user.password);
      const self = await asSession(session, 'POST', '/api/v1/auth/password', {
        body: { current_password: user.password, new_password: 'Otra-Clave-Larga-Del-Kiosco', role: 'admin' },
      });
      expect(self.statusCode).toBe(400);
      expect(self.json().errors).toEqual([{ path: 'role', message: 'campo desconocido' }]);
      expect((await asSession(session, 'GET', '/api/v1/me')).json().role).toBe('clerk');
    });

    it('lets only an admin change a role, audited as a privilege change', async () => {
      const user = await createUser({ role: 'clerk' });
      const byManager = await t.call('PATCH', `/api/v1/users/${user.id}`, { key: await t.keyFor('manager'), body: { role: 'admin' } });
      expect(byManager.statusCode).toBe(403);
      // The clerk themself, signed in, with a valid CSRF token.
      const session = await signIn(user.username, user.password);
      const bySelf = await asSession(session, 'PATCH', `/api/v1/users/${user.id}`, { body: { role: 'admin' } });
      expect(bySelf.statusCode).toBe(403);
      expect(bySelf.json().code).toBe('auth.forbidden');
      expect(await audit('identity.user.role_change', `user:${user.id}`)).toEqual([]);

      const byAdmin = await t.call('PATCH', `/api/v1/users/${user.id}`, { body: { role: 'manager' } });
      expect(byAdmin.statusCode, byAdmin.body).toBe(200);
      expect(byAdmin.json().role).toBe('manager');
      // The session sees its new role on its next request.
      expect((await asSession(session, 'GET', '/api/v1/me')).json().role).toBe('manager');
      const events = await audit('identity.user.role_change', `user:${user.id}`);
      expect(events).toEqual([
        expect.objectContaining({ outcome: 'success', actor: expect.stringMatching(/^api_key:/), details: { username: user.username, from: 'clerk', to: 'manager' } }),
      ]);
    });

    it('answers 404 user.not_found for an unknown id', async () => {
      const res = await t.call('PATCH', '/api/v1/users/0195b7a4-0000-7000-8000-00000000abcd', { body: { disabled: true } });
      expect(res.statusCode).toBe(404);
      expect(res.json().code).toBe('user.not_found');
    });
  });

  describe('sessions', () => {
    it('logs in with 200 {csrf_token, user} and an HttpOnly, SameSite=Strict, Path=/ cookie (not Secure over plain HTTP)', async () => {
      const user = await createUser({ role: 'manager' });
      const res = await login(user.username.toUpperCase(), user.password);
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json();
      expect(body).toMatchObject({ csrf_token: expect.any(String), user: { id: user.id, username: user.username, role: 'manager' } });
      expect(res.headers['cache-control']).toBe('no-store');
      const cookie = sessionCookieOf(res);
      expect(cookie.name).toBe('inventario_session');
      expect(cookie.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const attributes = cookie.raw.split(';').slice(1).map((a) => a.trim().toLowerCase());
      expect(attributes).toEqual(expect.arrayContaining(['httponly', 'samesite=strict', 'path=/']));
      expect(attributes).not.toContain('secure');
      expect(body.csrf_token).not.toBe(cookie.value);
      secrets.add(cookie.value).add(body.csrf_token);

      // Only the SHA-256 of the cookie value is stored.
      const rows = await queryRows<{ token_hash: string }>(t.db.database.db, sql`select token_hash from user_sessions where user_id = ${user.id}`);
      expect(rows.map((r) => r.token_hash)).toEqual([createHash('sha256').update(cookie.value).digest('hex')]);
      const [event] = await audit('auth.login', `user:${user.id}`);
      expect(event).toMatchObject({ actor: `user:${user.id}`, outcome: 'success' });
    });

    it('GET /me and GET /auth/session answer for the session', async () => {
      const user = await createUser({ role: 'auditor' });
      const s = await signIn(user.username, user.password);
      const me = await asSession(s, 'GET', '/api/v1/me', { csrf: false });
      expect(me.statusCode, me.body).toBe(200);
      expect(me.json()).toEqual({ kind: 'session', id: user.id, name: user.username, role: 'auditor' });
      const current = await asSession(s, 'GET', '/api/v1/auth/session', { csrf: false });
      expect(current.json()).toMatchObject({ csrf_token: s.csrf, user: s.user, expires_at: expect.any(String) });
      // With an API key there is no session to describe.
      expect((await t.call('GET', '/api/v1/auth/session')).statusCode).toBe(404);
    });

    it('refuses wrong credentials with 401 and a challenge, and audits the failure without the password', async () => {
      const user = await createUser();
      const bad = await login(user.username, 'No-Es-La-Clave-123');
      expect(bad.statusCode).toBe(401);
      expect(bad.headers['www-authenticate']).toBeDefined();
      expect(bad.headers['set-cookie']).toBeUndefined();
      const unknown = await login('nadie-se-llama-asi', 'No-Es-La-Clave-123');
      expect(unknown.statusCode).toBe(401);
      expect(unknown.json().detail).toBe(bad.json().detail);
      const failures = await audit('auth.login', `user:${user.id}`);
      expect(failures).toEqual([expect.objectContaining({ outcome: 'failure', details: { reason: 'bad_password', username: user.username } })]);
      const events = await queryRows<{ details: unknown }>(t.db.database.db, sql`select details from audit_events where action = 'auth.login'`);
      expect(JSON.stringify(events)).not.toContain('No-Es-La-Clave-123');
      expect(JSON.stringify(events)).not.toContain('nadie-se-llama-asi');
    });

    it('requires X-CSRF-Token on cookie writes (403 auth.csrf_failed) but not on reads or API-key writes', async () => {
      const user = await createUser({ role: 'manager' });
      const s = await signIn(user.username, user.password);
      const product = () => ({ sku: unique('CSRF'), name: 'Yerba 1 kg', category: 'almacen', cost_price: '3500' });
      const none = await asSession(s, 'POST', '/api/v1/products', { body: product(), csrf: false });
      expect(none.statusCode).toBe(403);
      expect(none.json().code).toBe('auth.csrf_failed');
      const wrong = await asSession(s, 'POST', '/api/v1/products', { body: product(), csrf: `${s.csrf.slice(0, -2)}xx` });
      expect(wrong.statusCode).toBe(403);
      expect(wrong.json().code).toBe('auth.csrf_failed');
      // Another session's token does not fit this session.
      const other = await signIn(user.username, user.password);
      expect((await asSession(s, 'POST', '/api/v1/products', { body: product(), csrf: other.csrf })).statusCode).toBe(403);
      expect((await asSession(s, 'POST', '/api/v1/products', { body: product() })).statusCode).toBe(201);
      expect((await asSession(s, 'GET', '/api/v1/products', { csrf: false })).statusCode).toBe(200);
      const byKey = await t.call('POST', '/api/v1/products', { key: await t.keyFor('manager'), body: product() });
      expect(byKey.statusCode).toBe(201);
      const list = await t.call('GET', `/api/v1/products?q=CSRF&limit=500`);
      expect(list.json().items.filter((p: { sku: string }) => p.sku.startsWith('CSRF'))).toHaveLength(2);
    });

    it('logs out: the session is destroyed, the cookie is cleared and no longer works', async () => {
      const user = await createUser();
      const s = await signIn(user.username, user.password);
      const noToken = await asSession(s, 'POST', '/api/v1/auth/logout', { csrf: false });
      expect(noToken.statusCode).toBe(403);
      const out = await asSession(s, 'POST', '/api/v1/auth/logout');
      expect(out.statusCode, out.body).toBe(204);
      const cleared = sessionCookieOf(out);
      expect(cleared.value).toBe('');
      expect(cleared.raw).toMatch(/Expires=Thu, 01 Jan 1970|Max-Age=0/i);
      const after = await asSession(s, 'GET', '/api/v1/me', { csrf: false });
      expect(after.statusCode).toBe(401);
      expect(await queryRows(t.db.database.db, sql`select 1 from user_sessions where user_id = ${user.id}`)).toEqual([]);
      expect(await audit('auth.logout', `user:${user.id}`)).toEqual([expect.objectContaining({ actor: `user:${user.id}`, outcome: 'success' })]);
      // Logging out again, or with no cookie at all, just clears the cookie.
      expect((await asSession(s, 'POST', '/api/v1/auth/logout', { csrf: false })).statusCode).toBe(204);
      expect((await t.call('POST', '/api/v1/auth/logout', { key: null })).statusCode).toBe(204);
    });

    it('gives every login a new session id and ends the one presented at login (no fixation)', async () => {
      const user = await createUser();
      const first = await signIn(user.username, user.password);
      const again = await login(user.username, user.password, { cookie: first.cookie });
      expect(again.statusCode).toBe(200);
      const second = sessionCookieOf(again);
      expect(second.value).not.toBe(first.token);
      expect((await asSession(first, 'GET', '/api/v1/me', { csrf: false })).statusCode).toBe(401);
      // A value planted in the browser before login is never adopted.
      const planted = 'A'.repeat(43);
      const fresh = await login(user.username, user.password, { cookie: `inventario_session=${planted}` });
      expect(sessionCookieOf(fresh).value).not.toBe(planted);
      const forged = await t.call('GET', '/api/v1/me', { key: null, headers: { cookie: `inventario_session=${planted}` } });
      expect(forged.statusCode).toBe(401);
    });

    it('ends every session on an admin password reset or when the user is disabled, with audit events', async () => {
      const user = await createUser();
      const s = await signIn(user.username, user.password);
      const reset = await t.call('PATCH', `/api/v1/users/${user.id}`, { body: { password: 'Nueva-Clave-Del-Deposito-9' } });
      expect(reset.statusCode, reset.body).toBe(200);
      secrets.add('Nueva-Clave-Del-Deposito-9');
      expect((await asSession(s, 'GET', '/api/v1/me', { csrf: false })).statusCode).toBe(401);
      expect((await login(user.username, user.password)).statusCode).toBe(401);
      const s2 = await signIn(user.username, 'Nueva-Clave-Del-Deposito-9');
      expect(await audit('identity.user.password_change', `user:${user.id}`)).toEqual([
        expect.objectContaining({ outcome: 'success', details: { username: user.username, by: 'admin', sessions_ended: 1 } }),
      ]);

      const disable = await t.call('PATCH', `/api/v1/users/${user.id}`, { body: { disabled: true } });
      expect(disable.json().disabled).toBe(true);
      expect((await asSession(s2, 'GET', '/api/v1/me', { csrf: false })).statusCode).toBe(401);
      expect((await login(user.username, 'Nueva-Clave-Del-Deposito-9')).statusCode).toBe(401);
      expect(await audit('identity.user.disable', `user:${user.id}`)).toHaveLength(1);
    });

    it('lets a signed-in user change their own password, ending their other sessions', async () => {
      const user = await createUser();
      const here = await signIn(user.username, user.password);
      const elsewhere = await signIn(user.username, user.password);
      const wrong = await asSession(here, 'POST', '/api/v1/auth/password', { body: { current_password: 'Mal-Recordada-1234', new_password: 'Otra-Clave-Larga-Del-Kiosco' } });
      expect(wrong.statusCode).toBe(400);
      expect(wrong.json().errors[0].path).toBe('current_password');
      const weak = await asSession(here, 'POST', '/api/v1/auth/password', { body: { current_password: user.password, new_password: 'contraseña123' } });
      expect(weak.statusCode).toBe(400);
      expect(weak.json().errors[0].path).toBe('new_password');
      const ok = await asSession(here, 'POST', '/api/v1/auth/password', { body: { current_password: user.password, new_password: 'Otra-Clave-Larga-Del-Kiosco' } });
      expect(ok.statusCode, ok.body).toBe(204);
      secrets.add('Otra-Clave-Larga-Del-Kiosco').add('Mal-Recordada-1234');
      expect((await asSession(here, 'GET', '/api/v1/me', { csrf: false })).statusCode).toBe(200);
      expect((await asSession(elsewhere, 'GET', '/api/v1/me', { csrf: false })).statusCode).toBe(401);
      const events = await audit('identity.user.password_change', `user:${user.id}`);
      expect(events.map((e) => [e.outcome, e.details.by])).toEqual([['failure', 'self'], ['success', 'self']]);
    });

    it('sets Secure (and the __Host- prefix) when TLS is on, or behind a trusted proxy that saw HTTPS', async () => {
      const user = await createUser();
      const payload = { username: user.username, password: user.password };
      const tlsConfig = configFrom({ ...envOf(t), TLS_CERT_FILE: '/unused/cert.pem', TLS_KEY_FILE: '/unused/key.pem' });
      const proxyConfig = configFrom({ ...envOf(t), TRUST_PROXY: 'true' });
      for (const [config, headers, secure] of [
        [tlsConfig, {}, true],
        [proxyConfig, { 'x-forwarded-proto': 'https' }, true],
        [proxyConfig, {}, false],
        [t.config, { 'x-forwarded-proto': 'https' }, false], // an untrusted client cannot claim HTTPS
      ] as const) {
        const { app } = await buildApp({ config, database: t.db.database, logger: loggerInto(t.logLines) });
        try {
          const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', headers, payload });
          expect(res.statusCode, res.body).toBe(200);
          const cookie = sessionCookieOf(res);
          secrets.add(cookie.value).add(res.json().csrf_token);
          const attributes = cookie.raw.split(';').map((a) => a.trim().toLowerCase());
          expect(attributes.includes('secure'), cookie.raw).toBe(secure);
          expect(cookie.name).toBe(secure ? '__Host-inventario_session' : 'inventario_session');
          expect(attributes).toEqual(expect.arrayContaining(['httponly', 'samesite=strict', 'path=/']));
          // The cookie works on the connection kind it was issued for.
          const me = await app.inject({ method: 'GET', url: '/api/v1/me', headers: { ...headers, cookie: `${cookie.name}=${cookie.value}` } });
          expect(me.statusCode).toBe(200);
        } finally {
          await app.close();
        }
      }
    });

    it('never writes a password, hash, session token or CSRF token to the log or the audit trail', async () => {
      expect(secrets.size).toBeGreaterThan(10);
      const auditText = JSON.stringify(await queryRows(t.db.database.db, sql`select * from audit_events`));
      const logText = t.logLines.join('\n');
      for (const secret of secrets) {
        expect(logText).not.toContain(secret);
        expect(auditText).not.toContain(secret);
      }
      expect(logText).not.toContain('$argon2');
      expect(auditText).not.toContain('$argon2');
    });
  });
});

/** The settings of an app's config as environment overrides, for a sibling app on the same database. */
function envOf(t: TestApp): Record<string, string> {
  return { RATE_LIMIT_PER_MINUTE: '100000', RATE_LIMIT_ANON_PER_MINUTE: '100000', INVENTARIO_MASTER_KEY: t.config.masterKey! };
}

describe.each(testEngines())('session expiry on %s', (engine) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(engine, { SESSION_IDLE_TIMEOUT_SECONDS: '2', SESSION_ABSOLUTE_TIMEOUT_SECONDS: '4' });
    const res = await t.call('POST', '/api/v1/users', { body: { username: 'expira', password: STRONG, role: 'clerk' } });
    expect(res.statusCode, res.body).toBe(201);
  });
  afterAll(async () => t?.close());

  async function cookie(): Promise<string> {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'expira', password: STRONG } });
    expect(res.statusCode, res.body).toBe(200);
    const { name, value } = sessionCookieOf(res);
    return `${name}=${value}`;
  }
  const me = (c: string) => t.call('GET', '/api/v1/me', { key: null, headers: { cookie: c } });

  it('ends a session left idle longer than SESSION_IDLE_TIMEOUT_SECONDS, while use keeps it alive', async () => {
    const c = await cookie();
    await sleep(1200);
    expect((await me(c)).statusCode).toBe(200); // activity moves the idle deadline
    await sleep(1200);
    expect((await me(c)).statusCode).toBe(200);
    await sleep(2600);
    const res = await me(c);
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toBeDefined();
  });

  it('ends a session at SESSION_ABSOLUTE_TIMEOUT_SECONDS even while it is in use', async () => {
    const c = await cookie();
    const started = Date.now();
    const statuses: number[] = [];
    while (Date.now() - started < 5000) {
      statuses.push((await me(c)).statusCode);
      await sleep(600);
    }
    expect(statuses[0]).toBe(200);
    expect(statuses.at(-1)).toBe(401);
    // Once over, it never comes back.
    expect(statuses.slice(statuses.indexOf(401)).every((s) => s === 401)).toBe(true);
  });
});

/** A logger for a sibling app that writes into the test app's captured log lines. */
function loggerInto(lines: string[]) {
  const destination = new Writable({
    write(chunk, _enc, cb) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      cb();
    },
  });
  return createLogger({ level: 'info', destination });
}

describe('session, password and lockout settings', () => {
  it('default to 30 min idle, 12 h absolute, 12 characters, and 5 failures in 15 min locking 1 min, doubling up to 1 h', () => {
    const config = configFrom({});
    expect(config.sessions).toEqual({ idleTimeoutSeconds: 1800, absoluteTimeoutSeconds: 43_200 });
    expect(config.passwordMinLength).toBe(12);
    expect(config.loginLockout).toEqual({ maxFailures: 5, ipMaxFailures: 20, windowSeconds: 900, lockSeconds: 60, maxLockSeconds: 3600 });
  });

  it.each([
    [{ SESSION_IDLE_TIMEOUT_SECONDS: '600', SESSION_ABSOLUTE_TIMEOUT_SECONDS: '60' }, 'SESSION_ABSOLUTE_TIMEOUT_SECONDS'],
    [{ LOGIN_LOCK_SECONDS: '600', LOGIN_LOCK_MAX_SECONDS: '60' }, 'LOGIN_LOCK_MAX_SECONDS'],
    [{ PASSWORD_MIN_LENGTH: '6' }, 'PASSWORD_MIN_LENGTH'],
    [{ LOGIN_MAX_FAILURES: '0' }, 'LOGIN_MAX_FAILURES'],
  ])('refuses %j in one line naming %s', (env, variable) => {
    expect(() => configFrom(env)).toThrow(new RegExp(`^Invalid ${variable}: [^\\n]+$`));
  });
});
