// A normal week of shop traffic through the API raises no alert; then each attack raises
// exactly its rule's alert, once. The rules run on a controllable clock: the audit writer takes
// the same clock, so events written by real requests land at simulated times. Alerts go to a
// local webhook receiver, which checks their signature and can fail on purpose.
import { createHmac, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.ts';
import { configFrom } from '../../src/config.ts';
import { createServices, type Services } from '../../src/services.ts';
import { createLogger } from '../../src/platform/observability/logger.ts';
import { metricsRegistry } from '../../src/platform/observability/metrics.ts';
import { queryRows } from '../../src/platform/db/types.ts';
import { localDate, zonedInstant } from '../../src/platform/time/zone.ts';
import { testEngines } from '../helpers/engines.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-db.ts';

const TZ = 'America/Argentina/Buenos_Aires';
const SECRET = `whsec_${randomBytes(24).toString('hex')}`;
const MINUTE = 60_000;

interface Received {
  body: string;
  signature: string | undefined;
  alert: { id: string; rule: string; severity: string };
}

/** A webhook receiver: 'ok' answers 204, 'fail' answers 500, a number fails that many times first. */
async function startReceiver() {
  const received: Received[] = [];
  let mode: 'ok' | 'fail' | number = 'ok';
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString('utf8')));
    req.on('end', () => {
      received.push({ body, signature: req.headers['x-inventario-signature'] as string | undefined, alert: JSON.parse(body).alert });
      const fail = mode === 'fail' || (typeof mode === 'number' && mode-- > 0);
      res.statusCode = fail ? 500 : 204;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/alerts`,
    received,
    setMode: (m: typeof mode) => (mode = m),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** Monday 00:00 in the store's time zone, about five weeks ago. */
function pastMonday(): string {
  let day = localDate(new Date(Date.now() - 35 * 24 * 3_600_000), TZ);
  while (new Date(`${day}T12:00:00Z`).getUTCDay() !== 1) day = localDate(new Date(Date.parse(`${day}T12:00:00Z`) - 24 * 3_600_000), TZ);
  return day;
}

describe.each(testEngines())('anomaly scenarios on %s', (engine) => {
  let db: TestDatabase;
  let app: FastifyInstance;
  let services: Services;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'inventario-scenario-'));
  let now = new Date();
  const keys: Record<'admin' | 'manager' | 'clerk', string> = { admin: '', manager: '', clerk: '' };
  let productId = '';
  let customerId = '';
  const monday = pastMonday();
  /** Local wall-clock time `hh:mm` on the day `offset` days after that Monday. */
  const at = (offset: number, time: string) => {
    const day = localDate(new Date(Date.parse(`${monday}T12:00:00Z`) + offset * 24 * 3_600_000), TZ);
    return zonedInstant(day, time, TZ);
  };

  async function call(method: string, url: string, options: { key?: string; body?: unknown; idem?: boolean } = {}) {
    const res = await app.inject({
      method: method as 'GET',
      url,
      headers: {
        ...(options.key !== undefined ? { authorization: `Bearer ${options.key}` } : {}),
        ...(options.idem ? { 'idempotency-key': randomBytes(8).toString('hex') } : {}),
      },
      ...(options.body !== undefined ? { payload: options.body as object } : {}),
    });
    // Failure events are written after the response; let them land before the clock moves.
    if (res.statusCode >= 400) {
      const id = String(res.headers['x-request-id']);
      for (let i = 0; i < 100; i++) {
        const [row] = await queryRows<{ n: number }>(db.database.db, sql`select count(*)::int as n from audit_events where request_id = ${id}`);
        if (Number(row?.n) > 0) break;
        await new Promise((r) => setTimeout(r, 10));
      }
    }
    return res;
  }

  const record = (actor: string, action: string, outcome: 'success' | 'failure' | 'error', details: Record<string, unknown> = {}, ip = '10.1.1.1') =>
    services.audit.record(db.database.db, { actor, ip, requestId: null }, { action, outcome, resource: action.startsWith('customers.') ? 'customer:c1' : null, details });
  const rulesAt = async (when: Date) => {
    now = when;
    return (await services.auditTrail.runRules(when)).raised;
  };

  beforeAll(async () => {
    receiver = await startReceiver();
    db = await createTestDatabase(engine);
    const config = configFrom({
      INVENTARIO_DATA_DIR: dataDir,
      INVENTARIO_MASTER_KEY: randomBytes(32).toString('base64'),
      RATE_LIMIT_PER_MINUTE: '1000000',
      RATE_LIMIT_ANON_PER_MINUTE: '1000000',
      LOGIN_IP_MAX_FAILURES: '100000',
      ALERT_WEBHOOK_URL: receiver.url,
      ALERT_WEBHOOK_SECRET: SECRET,
    });
    services = createServices({
      config,
      database: db.database,
      auditClock: () => now,
      auditOptions: { alertRetry: { maxAttempts: 4, baseDelayMs: 20, maxDelayMs: 100 } },
    });
    ({ app } = await buildApp({ config, database: db.database, services, logger: createLogger({ level: 'silent' }) }));
    await app.ready();
    // Set-up happens the day before the week: outside every rule window.
    now = at(-1, '12:00');
    for (const role of ['admin', 'manager', 'clerk'] as const) {
      keys[role] = (await services.identity.createApiKey({ name: `scenario-${role}`, role, createdBy: 'test' })).key;
    }
    const product = await call('POST', '/api/v1/products', { key: keys.manager, body: { sku: 'YERBA1', name: 'Yerba 1 kg', category: 'almacen', cost_price: '3000' } });
    productId = product.json().id;
    expect((await call('POST', '/api/v1/stock/movements', { key: keys.manager, idem: true, body: { product_id: productId, type: 'in', quantity: 2000 } })).statusCode).toBe(201);
    const customer = await call('POST', '/api/v1/customers', { key: keys.manager, body: { name: 'Ana Pérez', doc_type: 'DNI', doc_number: '30123456' } });
    expect(customer.statusCode, customer.body).toBe(201);
    customerId = customer.json().id;
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
    await receiver?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('plays a normal week of API traffic without a single alert', async () => {
    const raised: string[] = [];
    for (let day = 0; day < 7; day++) {
      for (let hour = 0; hour < 24; hour++) {
        const open = day < 6 && hour >= 8 && hour < 21;
        const hh = String(hour).padStart(2, '0');
        if (open) {
          now = at(day, `${hh}:05`);
          if (hour === 8) await call('POST', '/api/v1/stock/movements', { key: keys.manager, idem: true, body: { product_id: productId, type: 'in', quantity: 30 } });
          await call('GET', '/api/v1/products?limit=50', { key: keys.clerk });
          for (const minute of ['10', '35']) {
            now = at(day, `${hh}:${minute}`);
            const sale = await call('POST', '/api/v1/stock/movements', { key: keys.clerk, idem: true, body: { product_id: productId, type: 'out', quantity: 1 } });
            expect(sale.statusCode).toBe(201);
          }
          // The manager looks up a few customers most hours: ~25 personal-data reads a day.
          if (hour % 2 === 0) for (let i = 0; i < 4; i++) await record('api_key:manager-desk', 'customers.customer.read', 'success', { fields: ['name'] });
          // A clerk's typo now and then: a 403.
          if (hour === 15 && (day === 1 || day === 3)) expect((await call('POST', '/api/v1/products', { key: keys.clerk, body: { sku: 'X', name: 'x', category: 'y', cost_price: 1 } })).statusCode).toBe(403);
          // An occasional mistyped key: a 401.
          if (hour === 11 && day % 2 === 0) expect((await call('GET', '/api/v1/products', { key: 'inv_mistyped-key-000000000000000000' })).statusCode).toBe(401);
          // Breakage written off during the day.
          if (hour === 19 && day === 2) {
            expect((await call('POST', '/api/v1/stock/movements', { key: keys.manager, idem: true, body: { product_id: productId, type: 'adjust', quantity: -2, reason: 'rotura' } })).statusCode).toBe(201);
          }
          if (hour === 9 && day === 4) expect((await call('POST', '/api/v1/api-keys', { key: keys.admin, body: { name: 'caja-2', role: 'clerk' } })).statusCode).toBe(201);
        }
        raised.push(...(await rulesAt(at(day, `${hh}:59`))).map((a) => `${a.rule} ${a.summary}`));
      }
    }
    expect(raised).toEqual([]);
    // The week really happened, typos included, at simulated times.
    const week = await queryRows<{ action: string; n: number }>(
      db.database.db,
      sql`select action, count(*)::int as n from audit_events where at >= ${at(0, '00:00').toISOString()}::timestamptz and at < ${at(7, '00:00').toISOString()}::timestamptz group by action`,
    );
    const count = (action: string) => Number(week.find((w) => w.action === action)?.n ?? 0);
    expect(count('stock.movement.create')).toBe(6 * 13 * 2 + 6 + 1);
    expect(count('customers.customer.read')).toBeGreaterThan(150);
    expect([count('auth.denied'), count('auth.failure'), count('identity.api_key.create')]).toEqual([2, 3, 1]);
    const verify = await call('GET', '/api/v1/audit/verify', { key: keys.admin });
    expect(verify.json()).toMatchObject({ ok: true, problems: [] });
  });

  describe('each attack raises exactly its rule, once', () => {
    const expectOnly = async (when: Date, rule: string, severity: string, count = 1) => {
      const raised = await rulesAt(when);
      expect(raised.map((a) => `${a.rule}/${a.severity}`)).toEqual(Array(count).fill(`${rule}/${severity}`));
      // Running the rules again a minute later changes nothing.
      expect(await rulesAt(new Date(when.getTime() + MINUTE))).toEqual([]);
      return raised;
    };

    it('brute force: failed API keys from one address, then failed logins against one account', async () => {
      for (let i = 0; i < 6; i++) {
        now = new Date(at(7, '10:00').getTime() + i * 20_000);
        await call('GET', '/api/v1/products', { key: `inv_guess-${i}-000000000000000000000000` });
      }
      const [alert] = await expectOnly(at(7, '10:03'), 'brute_force', 'high');
      expect(alert!.actor).toBe('ip:127.0.0.1');
      expect(alert!.evidenceSeqs).toHaveLength(6);
      // More of the same attack within the window: the same incident, no new alert...
      now = at(7, '10:05');
      for (let i = 0; i < 4; i++) await call('GET', '/api/v1/products', { key: 'inv_guess-again-00000000000000000000000' });
      expect(await rulesAt(at(7, '10:06'))).toEqual([]);
      // ...until it reaches the critical threshold: one escalation.
      for (let i = 0; i < 10; i++) await call('GET', '/api/v1/products', { key: 'inv_guess-more-000000000000000000000000' });
      await expectOnly(at(7, '10:08'), 'brute_force', 'critical');
      for (let i = 0; i < 5; i++) {
        now = new Date(at(7, '13:00').getTime() + i * 30_000);
        await record('anonymous', 'auth.login', 'failure', { reason: 'bad_password', username: 'ana' }, `10.9.0.${i}`);
      }
      const [login] = await expectOnly(at(7, '13:03'), 'brute_force', 'high');
      expect(login!.actor).toBe('account:ana');
    });

    it('personal data read outside store hours', async () => {
      now = at(7, '23:30');
      expect((await call('GET', `/api/v1/customers/${customerId}`, { key: keys.manager })).statusCode).toBe(200);
      const [alert] = await expectOnly(at(7, '23:31'), 'off_hours_personal_data', 'medium');
      expect(alert!.summary).toMatch(/fuera del horario/);
    });

    it('mass reads of personal data', async () => {
      for (let i = 0; i < 250; i++) {
        now = new Date(at(8, '11:00').getTime() + i * 10_000);
        await record('api_key:manager-desk', 'customers.customer.read', 'success', { fields: ['name', 'email'] });
      }
      await expectOnly(at(8, '11:45'), 'mass_personal_data', 'high');
      now = at(8, '12:10');
      for (let i = 0; i < 60; i++) await record('api_key:manager-desk', 'customers.customer.export', 'success');
      expect(await rulesAt(at(8, '12:20'))).toEqual([]);
    });

    it('privilege changes: an admin API key, a role raised', async () => {
      now = at(8, '14:00');
      expect((await call('POST', '/api/v1/api-keys', { key: keys.admin, body: { name: 'otra-admin', role: 'admin' } })).statusCode).toBe(201);
      await record('user:owner', 'identity.user.role_change', 'success', { username: 'juan', from: 'clerk', to: 'admin' });
      await record('user:owner', 'identity.user.role_change', 'success', { username: 'luz', from: 'manager', to: 'clerk' });
      await expectOnly(at(8, '14:01'), 'privilege_change', 'high', 2);
    });

    it('repeated 403s from one actor', async () => {
      for (let i = 0; i < 12; i++) {
        now = new Date(at(8, '16:00').getTime() + i * 30_000);
        await call('DELETE', `/api/v1/products/${productId}`, { key: keys.clerk });
      }
      await expectOnly(at(8, '16:07'), 'repeated_denials', 'medium');
      now = at(8, '16:08');
      for (let i = 0; i < 3; i++) await call('DELETE', `/api/v1/products/${productId}`, { key: keys.clerk });
      expect(await rulesAt(at(8, '16:09'))).toEqual([]);
    });

    it('large negative stock adjustments outside store hours, by movement and by count', async () => {
      now = at(9, '02:00');
      const adjust = await call('POST', '/api/v1/stock/movements', { key: keys.manager, idem: true, body: { product_id: productId, type: 'adjust', quantity: -40 } });
      expect(adjust.statusCode, adjust.body).toBe(201);
      await expectOnly(at(9, '02:01'), 'off_hours_stock_adjustment', 'high');
      now = at(9, '03:00');
      const onHand = Number((await call('GET', `/api/v1/products/${productId}`, { key: keys.manager })).json().on_hand);
      const count = await call('POST', '/api/v1/stock/counts', { key: keys.manager, idem: true, body: { lines: [{ product_id: productId, counted: onHand - 100 }] } });
      expect(count.statusCode, count.body).toBe(201);
      await expectOnly(at(9, '03:01'), 'off_hours_stock_adjustment', 'high');
    });

    it('decryption failures on personal data', async () => {
      now = at(9, '10:00');
      await record('api_key:manager-desk', 'customers.customer.read', 'error', { code: 'crypto.decrypt_failed' });
      await expectOnly(at(9, '10:01'), 'decryption_failure', 'high');
    });

    it('an audit chain verification failure', async () => {
      now = at(9, '12:00');
      await db.database.db.execute(sql`alter table audit_events disable trigger all`);
      await db.database.db.execute(sql`update audit_events set actor = 'nadie' where seq = (select min(seq) + 5 from audit_events)`);
      await db.database.db.execute(sql`alter table audit_events enable trigger all`);
      const verify = await call('GET', '/api/v1/audit/verify', { key: keys.admin });
      expect(verify.json()).toMatchObject({ ok: false });
      const [alert] = await expectOnly(at(9, '12:01'), 'audit_chain_failure', 'critical');
      expect(alert!.summary).toMatch(/cadena de auditoría/);
      // Verifying again (the hourly job) does not raise it again.
      await call('GET', '/api/v1/audit/verify', { key: keys.admin });
      expect(await rulesAt(at(9, '12:30'))).toEqual([]);
    });

    it('counted every alert in the metrics by rule and severity', async () => {
      const metric = await metricsRegistry.getSingleMetric('inventario_audit_alerts_total')!.get();
      const value = (rule: string, severity: string) => metric.values.find((v) => v.labels.rule === rule && v.labels.severity === severity)?.value ?? 0;
      expect(value('brute_force', 'critical')).toBeGreaterThanOrEqual(1);
      expect(value('audit_chain_failure', 'critical')).toBeGreaterThanOrEqual(1);
    });
  });

  describe('the alert webhook', () => {
    const rows = () =>
      queryRows<{ id: string; delivery_state: string; delivery_attempts: number }>(
        db.database.db,
        sql`select a.id::text as id, a.delivery_state, a.delivery_attempts from audit_alerts a order by a.created_at`,
      );
    // Bounded by time, not by a count of rounds: on a busy machine each round takes longer.
    const drain = async (until: () => Promise<boolean>) => {
      for (const deadline = Date.now() + 30_000; Date.now() < deadline && !(await until()); ) {
        await services.auditTrail.deliverAlerts();
        await new Promise((r) => setTimeout(r, 25));
      }
    };

    it('received every alert once, signed with HMAC-SHA256 over the body', async () => {
      await drain(async () => (await rows()).every((r) => r.delivery_state === 'delivered'));
      const all = await rows();
      expect(all.length).toBeGreaterThanOrEqual(9);
      expect(all.every((r) => r.delivery_state === 'delivered')).toBe(true);
      expect(receiver.received.map((r) => r.alert.id).sort()).toEqual(all.map((r) => r.id).sort());
      for (const r of receiver.received) {
        expect(r.signature).toBe(`sha256=${createHmac('sha256', SECRET).update(r.body).digest('hex')}`);
      }
    });

    it('retries a failing receiver with back-off until it accepts, and gives up after the last attempt', async () => {
      receiver.setMode(2);
      await record('user:owner', 'identity.user.role_change', 'success', { username: 'pedro', from: 'clerk', to: 'manager' });
      const [flaky] = await rulesAt(new Date(now.getTime() + MINUTE));
      await drain(async () => (await rows()).find((r) => r.id === flaky!.id)?.delivery_state === 'delivered');
      expect((await rows()).find((r) => r.id === flaky!.id)).toMatchObject({ delivery_state: 'delivered', delivery_attempts: 3 });
      expect(receiver.received.filter((r) => r.alert.id === flaky!.id)).toHaveLength(3);

      receiver.setMode('fail');
      await record('user:owner', 'identity.user.role_change', 'success', { username: 'sol', from: 'auditor', to: 'admin' });
      const [lost] = await rulesAt(new Date(now.getTime() + MINUTE));
      await drain(async () => (await rows()).find((r) => r.id === lost!.id)?.delivery_state === 'failed');
      expect((await rows()).find((r) => r.id === lost!.id)).toMatchObject({ delivery_state: 'failed', delivery_attempts: 4 });
      expect(receiver.received.filter((r) => r.alert.id === lost!.id)).toHaveLength(4);
    });
  });
});
