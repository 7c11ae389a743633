// The audit API of API.md ("Audit and identity"): events with filters and cursor pagination,
// verification, alerts and their acknowledge/close workflow, each for admin and auditor only,
// with problem+json 4xx for client mistakes.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/platform/db/types.ts';
import { testEngines } from '../helpers/engines.ts';
import { createProduct } from '../helpers/fixtures.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

interface EventJson {
  seq: number;
  at: string;
  actor: string;
  action: string;
  outcome: string;
  resource: string | null;
  details: Record<string, unknown>;
}

describe.each(testEngines())('the audit API on %s', (engine) => {
  let t: TestApp;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'inventario-audit-api-'));
    t = await createTestApp(engine, { INVENTARIO_DATA_DIR: dataDir });
  });
  afterAll(async () => {
    await t?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const expectProblem = (res: { statusCode: number; headers: Record<string, unknown>; json(): { code: string } }, status: number, code: string) => {
    expect(res.statusCode).toBe(status);
    expect(String(res.headers['content-type'])).toMatch(/^application\/problem\+json/);
    expect(res.json().code).toBe(code);
  };

  it('lists events newest first with the API.md shape, filtered and paged by cursor', async () => {
    for (let i = 0; i < 3; i++) await createProduct(t);
    const res = await t.call('GET', '/api/v1/audit/events?action=catalog.product.create&limit=2');
    expect(res.statusCode, res.body).toBe(200);
    const page1 = res.json() as { items: EventJson[]; next_cursor: string | null };
    expect(page1.items).toHaveLength(2);
    expect(Object.keys(page1.items[0]!)).toEqual(expect.arrayContaining(['seq', 'at', 'actor', 'action', 'resource', 'outcome', 'ip', 'request_id', 'details']));
    expect(page1.items[0]!.seq).toBeGreaterThan(page1.items[1]!.seq);
    const page2 = (await t.call('GET', `/api/v1/audit/events?action=catalog.product.create&limit=2&cursor=${page1.next_cursor}`)).json();
    expect(page2.items.length).toBeGreaterThanOrEqual(1);
    expect(page2.items[0].seq).toBeLessThan(page1.items[1]!.seq);

    const prefixed = (await t.call('GET', '/api/v1/audit/events?action=catalog.*&outcome=success&limit=500')).json().items as EventJson[];
    expect(prefixed.length).toBeGreaterThanOrEqual(3);
    expect(prefixed.every((e) => e.action.startsWith('catalog.') && e.outcome === 'success')).toBe(true);
    const actor = prefixed[0]!.actor;
    const byActor = (await t.call('GET', `/api/v1/audit/events?actor=${encodeURIComponent(actor)}&limit=500`)).json().items as EventJson[];
    expect(byActor.every((e) => e.actor === actor)).toBe(true);
    const nobody = (await t.call('GET', '/api/v1/audit/events?actor=api_key:nobody')).json();
    expect(nobody).toEqual({ items: [], next_cursor: null });
  });

  it('names the user or API key behind each actor, so an auditor need not look them up', async () => {
    await createProduct(t);
    const password = 'Caballo-Bateria-Grapa-77';
    expect((await t.call('POST', '/api/v1/users', { body: { username: 'cajera.ana', password, role: 'manager' } })).statusCode).toBe(201);
    expect((await t.call('POST', '/api/v1/auth/login', { key: null, body: { username: 'cajera.ana', password } })).statusCode).toBe(200);
    const auditor = await t.keyFor('auditor');
    const items = (await t.call('GET', '/api/v1/audit/events?limit=500', { key: auditor })).json().items as Array<EventJson & { actor_name: string | null }>;
    const byKey = items.find((e) => e.action === 'catalog.product.create');
    expect(byKey?.actor).toMatch(/^api_key:/);
    expect(byKey?.actor_name).toBe('test-admin');
    const login = items.find((e) => e.action === 'auth.login' && e.outcome === 'success');
    expect(login?.actor).toMatch(/^user:/);
    expect(login?.actor_name).toBe('cajera.ana');
    expect(items.filter((e) => !/^(user|api_key):/.test(e.actor)).every((e) => e.actor_name === null)).toBe(true);
  });

  it('filters by time with instants and store-time-zone dates', async () => {
    const future = (await t.call('GET', '/api/v1/audit/events?from=2099-01-01')).json();
    expect(future.items).toEqual([]);
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: t.config.timezone }).format(new Date());
    const todays = (await t.call('GET', `/api/v1/audit/events?from=${today}&to=${today}&limit=500`)).json().items as EventJson[];
    expect(todays.length).toBeGreaterThan(0);
    const past = (await t.call('GET', '/api/v1/audit/events?to=2000-01-01T00:00:00Z')).json();
    expect(past.items).toEqual([]);
  });

  it('answers client mistakes with 400 problems, never 500', async () => {
    expectProblem(await t.call('GET', '/api/v1/audit/events?from=2026-02-01&to=2026-01-01'), 400, 'validation.failed');
    expectProblem(await t.call('GET', '/api/v1/audit/events?action=%25'), 400, 'validation.failed');
    expectProblem(await t.call('GET', '/api/v1/audit/events?outcome=maybe'), 400, 'validation.failed');
    expectProblem(await t.call('GET', '/api/v1/audit/events?cursor=bm9wZQ'), 400, 'validation.failed');
    expectProblem(await t.call('GET', `/api/v1/audit/events?cursor=${Buffer.from('["x1"]').toString('base64url')}`), 400, 'validation.failed');
    expectProblem(await t.call('GET', `/api/v1/audit/alerts?cursor=${Buffer.from('["nope","x"]').toString('base64url')}`), 400, 'validation.failed');
    expectProblem(await t.call('GET', '/api/v1/audit/alerts?severity=urgent'), 400, 'validation.failed');
  });

  it('verifies the chain: { ok, events_checked, head_hash, first_bad_seq, last_checkpoint, problems }', async () => {
    const res = await t.call('GET', '/api/v1/audit/verify');
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ ok: true, first_bad_seq: null, last_checkpoint: null, problems: [] });
    expect(body.events_checked).toBeGreaterThan(3);
    expect(body.head_hash).toMatch(/^[0-9a-f]{64}$/);
    // The verification is itself in the trail.
    const [event] = (await t.call('GET', '/api/v1/audit/events?action=audit.chain.verify')).json().items as EventJson[];
    expect(event).toMatchObject({ outcome: 'success', details: { events_checked: body.events_checked, first_bad_seq: null } });
  });

  it('lets admin and auditor in, and refuses manager and clerk with 403', async () => {
    const auditor = await t.keyFor('auditor');
    for (const url of ['/api/v1/audit/events', '/api/v1/audit/verify', '/api/v1/audit/alerts']) {
      expect((await t.call('GET', url, { key: auditor })).statusCode).toBe(200);
      for (const role of ['manager', 'clerk'] as const) {
        expectProblem(await t.call('GET', url, { key: await t.keyFor(role) }), 403, 'auth.forbidden');
      }
    }
  });

  describe('alerts', () => {
    let alertId: string;
    let raisedIds: string[] = [];
    const run2Ids = () => [...raisedIds].sort();
    beforeAll(async () => {
      for (let i = 0; i < 6; i++) await t.call('GET', '/api/v1/products', { key: `inv_wrong-key-${i}-0123456789abcdef` });
      // Failure events are written after the response: give them a moment.
      await new Promise((r) => setTimeout(r, 200));
      const run = await t.services.auditTrail.runRules(new Date());
      // The harness's own admin key (created by `system` a moment ago) is a privilege change too.
      expect(run.raised.map((a) => a.rule).sort()).toEqual(['brute_force', 'privilege_change']);
      alertId = run.raised.find((a) => a.rule === 'brute_force')!.id;
      raisedIds = run.raised.map((a) => a.id);
    });

    it('lists alerts with { id, rule, severity, at, actor, summary, status }, filtered by status and severity', async () => {
      const res = await t.call('GET', '/api/v1/audit/alerts?rule=brute_force');
      expect(res.statusCode, res.body).toBe(200);
      const [alert] = res.json().items;
      expect(alert).toMatchObject({ id: alertId, rule: 'brute_force', severity: 'high', actor: 'ip:127.0.0.1', status: 'open' });
      expect(alert.summary).toMatch(/fuerza bruta/);
      expect(alert.evidence_seqs).toHaveLength(6);
      expect((await t.call('GET', '/api/v1/audit/alerts?status=closed')).json().items).toEqual([]);
      expect((await t.call('GET', '/api/v1/audit/alerts?severity=high&status=open')).json().items).toHaveLength(2);
      const paged = (await t.call('GET', '/api/v1/audit/alerts?limit=1')).json();
      const rest = (await t.call('GET', `/api/v1/audit/alerts?limit=1&cursor=${paged.next_cursor}`)).json();
      expect([paged.items[0].id, rest.items[0].id].sort()).toEqual(run2Ids());
    });

    it('does not raise the same incident twice', async () => {
      expect((await t.services.auditTrail.runRules(new Date())).raised).toEqual([]);
    });

    it('acknowledges, then closes, each once and audited; a closed alert cannot be acknowledged', async () => {
      const auditor = await t.keyFor('auditor');
      const ack = await t.call('POST', `/api/v1/audit/alerts/${alertId}/acknowledge`, { key: auditor, body: { note: 'revisando la IP' } });
      expect(ack.statusCode, ack.body).toBe(200);
      expect(ack.json()).toMatchObject({ status: 'acknowledged', note: 'revisando la IP', status_changed_by: expect.stringMatching(/^api_key:/) });
      // Repeating it changes nothing and records nothing new.
      expect((await t.call('POST', `/api/v1/audit/alerts/${alertId}/acknowledge`, { key: auditor })).json().status).toBe('acknowledged');
      const closed = await t.call('POST', `/api/v1/audit/alerts/${alertId}/close`);
      expect(closed.json()).toMatchObject({ status: 'closed', note: null });
      const back = await t.call('POST', `/api/v1/audit/alerts/${alertId}/acknowledge`, { key: auditor });
      expectProblem(back, 409, 'audit.alert_invalid_transition');
      const events = await queryRows<{ action: string; outcome: string; resource: string }>(
        t.db.database.db,
        sql`select e.action, e.outcome, e.resource from audit_events e where e.resource = ${`audit_alert:${alertId}`} order by e.seq`,
      );
      expect(events.map((e) => `${e.action}:${e.outcome}`)).toEqual([
        'audit.alert.create:success',
        'audit.alert.acknowledge:success',
        'audit.alert.close:success',
      ]);
    });

    it('answers an unknown alert with 404 and a bad note with 400', async () => {
      expectProblem(await t.call('POST', '/api/v1/audit/alerts/0195b7a4-0000-7000-8000-00000000abcd/close', { body: {} }), 404, 'audit.alert_not_found');
      expectProblem(await t.call('POST', `/api/v1/audit/alerts/${alertId}/close`, { body: { note: 'x'.repeat(501) } }), 400, 'validation.failed');
      expectProblem(await t.call('POST', `/api/v1/audit/alerts/${alertId}/close`, { body: { other: 1 } }), 400, 'validation.failed');
      expectProblem(await t.call('POST', '/api/v1/audit/alerts/not-a-uuid/close'), 400, 'validation.failed');
      expectProblem(await t.call('POST', `/api/v1/audit/alerts/${alertId}/close`, { key: await t.keyFor('manager') }), 403, 'auth.forbidden');
    });
  });
});
