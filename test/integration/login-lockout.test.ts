// Lockout (API.md "Authentication and roles"): repeated failed logins lock the account and the
// client address (429 auth.locked with Retry-After), locks double up to a maximum, counters live
// in the database (shared by instances), and failed API keys count against the address too.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Writable } from 'node:stream';
import { buildApp } from '../../src/app.ts';
import { createLogger } from '../../src/platform/observability/logger.ts';
import { queryRows } from '../../src/platform/db/types.ts';
import { testEngines } from '../helpers/engines.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const PASSWORD = 'Dulce-De-Leche-Con-Queso-8';
const WRONG = 'No-Es-Esta-Tampoco-123';

// Account: 3 failures lock it; address: 6 failures (across usernames) lock it. Locks last 1 s,
// then 2 s, then 3 s (the maximum), so the suite can watch them expire.
const ENV = {
  LOGIN_MAX_FAILURES: '3',
  LOGIN_IP_MAX_FAILURES: '6',
  LOGIN_FAILURE_WINDOW_SECONDS: '60',
  LOGIN_LOCK_SECONDS: '1',
  LOGIN_LOCK_MAX_SECONDS: '3',
};

let ipSeq = 0;
/** A client address no other test uses, so per-address counters never leak between tests. */
function freshIp(): string {
  ipSeq += 1;
  return `203.0.113.${ipSeq}`;
}

describe.each(testEngines())('login lockout on %s', (engine) => {
  let t: TestApp;
  let userSeq = 0;

  beforeAll(async () => {
    t = await createTestApp(engine, ENV);
  });
  afterAll(async () => t?.close());

  async function createUser(): Promise<{ id: string; username: string }> {
    userSeq += 1;
    const res = await t.call('POST', '/api/v1/users', { body: { username: `cajero${userSeq}`, password: PASSWORD, role: 'clerk' } });
    expect(res.statusCode, res.body).toBe(201);
    return res.json();
  }

  function login(username: string, password: string, ip = freshIp(), app = t.app) {
    return app.inject({ method: 'POST', url: '/api/v1/auth/login', remoteAddress: ip, payload: { username, password } });
  }

  function events(action: string) {
    return queryRows<{ resource: string | null; outcome: string; ip: string | null; details: Record<string, unknown> }>(
      t.db.database.db,
      sql`select resource, outcome, ip, details from audit_events where action = ${action} order by seq`,
    );
  }

  it('locks an account after LOGIN_MAX_FAILURES failures with 429 auth.locked and Retry-After, even for the right password, until the lock ends', async () => {
    const user = await createUser();
    expect((await login(user.username, WRONG)).statusCode).toBe(401);
    expect((await login(user.username, WRONG)).statusCode).toBe(401);
    const third = await login(user.username, WRONG);
    expect(third.statusCode).toBe(429);
    expect(third.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(third.json()).toMatchObject({ status: 429, code: 'auth.locked' });
    expect(third.headers['retry-after']).toBe('1');

    const locked = await login(user.username, PASSWORD);
    expect(locked.statusCode).toBe(429);
    expect(locked.json().code).toBe('auth.locked');
    expect(Number(locked.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(locked.headers['set-cookie']).toBeUndefined();

    await sleep(1100);
    const after = await login(user.username, PASSWORD);
    expect(after.statusCode, after.body).toBe(200);

    const lockEvents = (await events('auth.locked')).filter((e) => e.resource === `user:${user.id}`);
    expect(lockEvents).toEqual([expect.objectContaining({ outcome: 'denied', details: { scope: 'account', source: 'login', lock_seconds: 1 } })]);
    const logins = (await events('auth.login')).filter((e) => e.resource === `user:${user.id}`).map((e) => e.outcome);
    expect(logins).toEqual(['failure', 'failure', 'failure', 'success']);
    expect((await events('auth.login')).some((e) => e.outcome === 'denied' && e.details.reason === 'locked')).toBe(true);
  });

  it('doubles each further lock of the same account up to LOGIN_LOCK_MAX_SECONDS', async () => {
    const user = await createUser();
    const retryAfters: string[] = [];
    for (let round = 0; round < 3; round++) {
      let res;
      for (let i = 0; i < 3; i++) res = await login(user.username, WRONG);
      expect(res!.statusCode).toBe(429);
      retryAfters.push(String(res!.headers['retry-after']));
      await sleep(Number(res!.headers['retry-after']) * 1000 + 100);
    }
    expect(retryAfters).toEqual(['1', '2', '3']);
  }, 30_000);

  it('treats unknown usernames the same way, so a lock does not reveal which accounts exist', async () => {
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await login('no-existe-nadie', WRONG)).statusCode);
    expect(statuses).toEqual([401, 401, 429, 429]);
  });

  it('forgets an account\'s failures after a successful login', async () => {
    const user = await createUser();
    const statuses = [];
    for (const password of [WRONG, WRONG, PASSWORD, WRONG, WRONG]) statuses.push((await login(user.username, password)).statusCode);
    expect(statuses).toEqual([401, 401, 200, 401, 401]);
  });

  it('locks a client address after LOGIN_IP_MAX_FAILURES failures across usernames, known or not', async () => {
    const ip = freshIp();
    const user = await createUser();
    const statuses = [];
    // Six different usernames, none of them failing often enough to lock the account.
    for (let i = 0; i < 6; i++) statuses.push((await login(`probando${i}`, WRONG, ip)).statusCode);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    const blocked = await login(user.username, PASSWORD, ip);
    expect(blocked.statusCode).toBe(429);
    expect(blocked.headers['retry-after']).toBeDefined();
    // The account itself is not locked: the same user logs in from another address.
    expect((await login(user.username, PASSWORD, freshIp())).statusCode).toBe(200);
    const ipLocks = (await events('auth.locked')).filter((e) => e.resource === `ip:${ip}`);
    expect(ipLocks).toEqual([expect.objectContaining({ details: { scope: 'ip', source: 'login', lock_seconds: 1 } })]);
    await sleep(1100);
    expect((await login(user.username, PASSWORD, ip)).statusCode).toBe(200);
  });

  it('shares counters between instances through the database', async () => {
    const user = await createUser();
    const { app: second } = await buildApp({ config: t.config, database: t.db.database, logger: loggerInto(t.logLines) });
    try {
      expect((await login(user.username, WRONG, freshIp(), t.app)).statusCode).toBe(401);
      expect((await login(user.username, WRONG, freshIp(), second)).statusCode).toBe(401);
      expect((await login(user.username, WRONG, freshIp(), t.app)).statusCode).toBe(429);
      expect((await login(user.username, PASSWORD, freshIp(), second)).statusCode).toBe(429);
    } finally {
      await second.close();
    }
  });

  it('spends about as long on an unknown username as on a wrong password for a real one', async () => {
    const user = await createUser();
    const time = async (username: string) => {
      const started = performance.now();
      await login(username, WRONG);
      return performance.now() - started;
    };
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 4; i++) {
      known.push(await time(user.username));
      unknown.push(await time(`fantasma${i}`));
      // Stay under the account threshold: a success clears the counter.
      if (i % 2 === 1) expect((await login(user.username, PASSWORD)).statusCode).toBe(200);
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    // Both pay one argon2id verification (tens of ms); without the dummy hash, unknown names
    // would answer in about a millisecond.
    expect(median(unknown)).toBeGreaterThan(median(known) * 0.4);
    expect(median(unknown)).toBeGreaterThan(15);
  });
});

describe.each(testEngines())('failed API keys and the client address on %s', (engine) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(engine, ENV);
  });
  afterAll(async () => t?.close());

  const withKey = (key: string, ip: string) =>
    t.app.inject({ method: 'GET', url: '/api/v1/products', remoteAddress: ip, headers: { authorization: `Bearer ${key}` } });
  const madeUp = (i: number) => `inv_${String(i).padStart(43, 'x')}`;

  it('locks an address that floods made-up keys with 429 auth.locked, and then refuses from memory without querying', async () => {
    const ip = freshIp();
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await withKey(madeUp(i), ip)).statusCode);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);

    const transaction = vi.spyOn(t.db.database, 'transaction');
    const select = vi.spyOn(t.db.database.db, 'select');
    try {
      for (let i = 0; i < 50; i++) {
        const res = await withKey(madeUp(100 + i), ip);
        expect(res.statusCode).toBe(429);
        expect(res.json().code).toBe('auth.locked');
        expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      }
      expect(transaction).not.toHaveBeenCalled();
      expect(select).not.toHaveBeenCalled();
    } finally {
      transaction.mockRestore();
      select.mockRestore();
    }
    // Even a real key is refused from a locked address; other addresses are unaffected.
    expect((await withKey(t.adminKey, ip)).statusCode).toBe(429);
    expect((await withKey(t.adminKey, freshIp())).statusCode).toBe(200);

    const locks = await queryRows<{ details: Record<string, unknown> }>(
      t.db.database.db,
      sql`select details from audit_events where action = 'auth.locked' and resource = ${`ip:${ip}`}`,
    );
    expect(locks).toEqual([{ details: { scope: 'ip', source: 'api_key', lock_seconds: 1 } }]);

    await sleep(1100);
    expect((await withKey(t.adminKey, ip)).statusCode).toBe(200);
    expect((await withKey(madeUp(999), ip)).statusCode).toBe(401);
  });

  it('counts failed keys and failed logins from one address together', async () => {
    const ip = freshIp();
    for (let i = 0; i < 5; i++) expect((await withKey(madeUp(i), ip)).statusCode).toBe(401);
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', remoteAddress: ip, payload: { username: 'alguien', password: WRONG } });
    expect(res.statusCode).toBe(429);
  });

  it('does not count requests without credentials or with a valid key', async () => {
    const ip = freshIp();
    for (let i = 0; i < 10; i++) {
      expect((await t.app.inject({ method: 'GET', url: '/api/v1/products', remoteAddress: ip })).statusCode).toBe(401);
      expect((await withKey(t.adminKey, ip)).statusCode).toBe(200);
    }
    const rows = await queryRows(t.db.database.db, sql`select 1 from login_throttles where scope = 'ip' and key = ${ip}`);
    expect(rows).toEqual([]);
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
