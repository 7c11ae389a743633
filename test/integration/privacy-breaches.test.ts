// The breach register through the real app, on both engines: recording a breach with its
// 72-hour notification clock, linking real audit alerts (and refusing unknown ones), following it
// to notified and closed, the export for the authority, and the audit trail of each step.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { raiseAlert } from '../../src/platform/audit/alerts.ts';
import { queryRows } from '../../src/platform/db/types.ts';
import { testEngines } from '../helpers/engines.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

const HOUR = 3_600_000;
const hoursAgo = (h: number) => new Date(Date.now() - h * HOUR).toISOString();

interface Breach {
  id: string;
  status: string;
  detected_at: string;
  notified_at: string | null;
  closed_at: string | null;
  alert_ids: string[];
  data_classes: string[];
  notification: { deadline_at: string; hours_remaining: number | null; overdue: boolean; notified_in_time: boolean | null };
}

const valid = (overrides: Record<string, unknown> = {}) => ({
  title: 'Notebook robada con sesión abierta',
  description: 'Se robó la notebook de caja con el panel abierto; pudo verse la lista de clientes.',
  detected_at: hoursAgo(10),
  occurred_at: hoursAgo(12),
  data_classes: ['customer_identity', 'staff_accounts'],
  people_affected: 140,
  ...overrides,
});

describe.each(testEngines())('breach register on %s', (engine) => {
  let t: TestApp;
  let alertId: string;
  beforeAll(async () => {
    t = await createTestApp(engine, { PRIVACY_CONTROLLER_NAME: 'Almacén Don José SRL', PRIVACY_CONTACT_EMAIL: 'datos@donjose.com.ar' });
    const alert = await raiseAlert(
      t.db.database,
      t.services.audit,
      {
        rule: 'mass_personal_data',
        severity: 'high',
        actor: 'user:someone',
        summary: 'Lecturas masivas de clientes',
        dedupKey: `test:${Date.now()}`,
        dedupUntil: new Date(Date.now() + HOUR),
        evidence: [],
        details: {},
      } as Parameters<typeof raiseAlert>[2],
      { now: new Date(), deliver: false },
    );
    alertId = alert!.id;
  });
  afterAll(async () => t?.close());

  const create = (body: unknown) => t.call('POST', '/api/v1/privacy/breaches', { body });
  const count = async () => Number((await queryRows<{ n: number }>(t.db.database.db, sql`select count(*)::int as n from privacy_breaches`))[0]!.n);
  const auditActions = async (id: string) =>
    (await queryRows<{ action: string; details: Record<string, unknown> }>(t.db.database.db, sql`select action, details from audit_events where resource = ${`breach:${id}`} order by seq`)).map(
      (r) => r.action,
    );

  it('records a breach and shows the 72-hour notification clock from its detection', async () => {
    const res = await create(valid({ alert_ids: [alertId] }));
    expect(res.statusCode).toBe(201);
    const b = res.json() as Breach;
    expect(b).toMatchObject({ status: 'open', notified_at: null, alert_ids: [alertId], data_classes: ['customer_identity', 'staff_accounts'] });
    expect(Date.parse(b.notification.deadline_at) - Date.parse(b.detected_at)).toBe(72 * HOUR);
    expect(b.notification.hours_remaining).toBeGreaterThan(61.5);
    expect(b.notification.hours_remaining).toBeLessThanOrEqual(62);
    expect(b.notification.overdue).toBe(false);
    expect(await auditActions(b.id)).toEqual(['privacy.breach.create']);
    // The free text may name people: it never reaches the audit trail.
    const [event] = await queryRows<{ details: string }>(t.db.database.db, sql`select details::text as details from audit_events where resource = ${`breach:${b.id}`}`);
    expect(event!.details).not.toContain('notebook');
  });

  it('marks a breach overdue once 72 hours passed without notifying', async () => {
    const b = (await create(valid({ detected_at: hoursAgo(80), occurred_at: null }))).json() as Breach;
    expect(b.notification.overdue).toBe(true);
    expect(b.notification.hours_remaining).toBeCloseTo(-8, 0);
    // Prometheus sees it at the next scrape (an alert rule fires on > 0).
    const metrics = await t.call('GET', '/metrics');
    expect(Number(/^inventario_privacy_breaches_overdue (\d+)$/m.exec(metrics.body)?.[1])).toBeGreaterThanOrEqual(1);
  });

  it('refuses unknown alerts, unknown data classes and impossible dates, writing nothing', async () => {
    const before = await count();
    const unknownAlert = await create(valid({ alert_ids: [alertId, '0195b7a4-0000-7000-8000-00000000abcd'] }));
    expect(unknownAlert.statusCode).toBe(400);
    expect(unknownAlert.json()).toMatchObject({ code: 'validation.failed', errors: [{ path: 'alert_ids.1' }] });
    const badClass = await create(valid({ data_classes: ['health'] }));
    expect(badClass.statusCode).toBe(400);
    expect(badClass.json().errors[0].path).toMatch(/^data_classes/);
    expect((await create(valid({ data_classes: [] }))).statusCode).toBe(400);
    const future = await create(valid({ detected_at: new Date(Date.now() + 2 * HOUR).toISOString() }));
    expect(future.json()).toMatchObject({ status: 400, errors: [{ path: 'detected_at' }] });
    const order = await create(valid({ occurred_at: hoursAgo(1) }));
    expect(order.json()).toMatchObject({ status: 400, errors: [{ path: 'occurred_at' }] });
    expect((await create(valid({ people_affected: -1 }))).statusCode).toBe(400);
    expect((await create({ ...valid(), extra: true })).statusCode).toBe(400);
    expect(await count()).toBe(before);
  });

  it('follows a breach to notified and closed, then refuses further changes', async () => {
    const b = (await create(valid())).json() as Breach;
    const back = await t.call('PATCH', `/api/v1/privacy/breaches/${b.id}`, { body: { status: 'open', title: 'x' } });
    expect(back.statusCode).toBe(200);
    const notifiedAt = hoursAgo(2);
    const notified = await t.call('PATCH', `/api/v1/privacy/breaches/${b.id}`, {
      body: { status: 'notified', notified_at: notifiedAt, authority_reference: 'AAIP-2026-0042', measures_taken: 'Se revocaron las sesiones.' },
    });
    expect(notified.statusCode).toBe(200);
    expect(notified.json()).toMatchObject({
      status: 'notified',
      notified_at: new Date(notifiedAt).toISOString(),
      authority_reference: 'AAIP-2026-0042',
      notification: { hours_remaining: null, overdue: false, notified_in_time: true },
    });
    const reopen = await t.call('PATCH', `/api/v1/privacy/breaches/${b.id}`, { body: { status: 'open' } });
    expect(reopen.statusCode).toBe(409);
    expect(reopen.json().code).toBe('privacy.breach_invalid_transition');
    const closed = await t.call('PATCH', `/api/v1/privacy/breaches/${b.id}`, { body: { status: 'closed' } });
    expect(closed.json()).toMatchObject({ status: 'closed', notification: { notified_in_time: true } });
    expect(closed.json().closed_at).not.toBeNull();
    const after = await t.call('PATCH', `/api/v1/privacy/breaches/${b.id}`, { body: { title: 'Otro título' } });
    expect(after.statusCode).toBe(409);
    expect(after.json().code).toBe('privacy.breach_closed');
    expect((await t.call('GET', `/api/v1/privacy/breaches/${b.id}`)).json().title).toBe('x');
    expect(await auditActions(b.id)).toEqual(['privacy.breach.create', 'privacy.breach.update', 'privacy.breach.update', 'privacy.breach.update']);
  });

  it('defaults notified_at to now and records a late notification as not in time', async () => {
    const b = (await create(valid({ detected_at: hoursAgo(100), occurred_at: null }))).json() as Breach;
    const res = await t.call('PATCH', `/api/v1/privacy/breaches/${b.id}`, { body: { status: 'notified', delay_reason: 'Se detectó un fin de semana largo.' } });
    expect(res.json()).toMatchObject({ status: 'notified', delay_reason: 'Se detectó un fin de semana largo.', notification: { notified_in_time: false } });
    expect(Date.now() - Date.parse(res.json().notified_at)).toBeLessThan(60_000);
  });

  it('exports the notification for the authority with the controller and the linked alerts, audited', async () => {
    const b = (await create(valid({ alert_ids: [alertId] }))).json() as Breach;
    const res = await t.call('GET', `/api/v1/privacy/breaches/${b.id}/export`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      format: 'inventario.breach-notification/1',
      controller: { name: 'Almacén Don José SRL', email: 'datos@donjose.com.ar', cuit: null },
      breach: { id: b.id, people_affected: 140, data_class_labels: [expect.stringContaining('clientes'), expect.stringContaining('personal')] },
      linked_alerts: [{ id: alertId, rule: 'mass_personal_data', severity: 'high' }],
    });
    expect(await auditActions(b.id)).toEqual(['privacy.breach.create', 'privacy.breach.export']);
  });

  it('lists breaches newest detection first, by status, a page at a time; unknown ids are 404', async () => {
    const all = (await t.call('GET', '/api/v1/privacy/breaches?limit=500')).json() as { items: Breach[] };
    const detected = all.items.map((b) => b.detected_at);
    expect(detected).toEqual([...detected].sort().reverse());
    const open = (await t.call('GET', '/api/v1/privacy/breaches?status=open')).json() as { items: Breach[] };
    expect(open.items.length).toBeGreaterThan(0);
    expect(open.items.every((b) => b.status === 'open')).toBe(true);
    const first = (await t.call('GET', '/api/v1/privacy/breaches?limit=1')).json() as { items: Breach[]; next_cursor: string };
    const second = (await t.call('GET', `/api/v1/privacy/breaches?limit=1&cursor=${first.next_cursor}`)).json() as { items: Breach[] };
    expect(second.items[0]!.id).toBe(all.items[1]!.id);
    const missing = await t.call('GET', '/api/v1/privacy/breaches/0195b7a4-0000-7000-8000-00000000abcd');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().code).toBe('privacy.breach_not_found');
    expect((await t.call('GET', '/api/v1/privacy/breaches?status=lost')).statusCode).toBe(400);
  });

  it('is for admins only', async () => {
    for (const role of ['manager', 'clerk', 'auditor'] as const) {
      const res = await t.call('GET', '/api/v1/privacy/breaches', { key: await t.keyFor(role) });
      expect(res.statusCode).toBe(403);
    }
  });
});
