// Every change writes its audit event in the same transaction; refused requests, denials,
// authentication failures and rate-limit hits are recorded too; the table is append-only.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { queryRows } from '../../src/platform/db/types.ts';
import { testEngines } from '../helpers/engines.ts';
import { createProduct, move } from '../helpers/fixtures.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

interface EventRow {
  seq: string;
  actor: string;
  action: string;
  resource: string | null;
  outcome: string;
  ip: string | null;
  request_id: string | null;
  details: Record<string, unknown>;
}

describe.each(testEngines())('audit events on %s', (engine) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(engine);
  });
  afterAll(async () => t?.close());

  // Failure events are written after the response has gone out: wait for them briefly.
  const eventsFor = (requestId: unknown) =>
    vi.waitFor(async () => {
      const rows = await events(sql`request_id = ${requestId as string}`);
      if (rows.length === 0) throw new Error('no event yet');
      return rows;
    });

  const events = (where = sql`true`) =>
    queryRows<EventRow>(t.db.database.db, sql`select seq::text, actor, action, resource, outcome, ip, request_id, details from audit_events where ${where} order by audit_events.seq`);

  it('records a movement with its actor, request id and movement ids in the same transaction', async () => {
    const product = await createProduct(t);
    const res = await move(t, { product_id: product.id, type: 'in', quantity: '5' }, undefined);
    expect(res.statusCode).toBe(201);
    const [event] = await events(sql`action = 'stock.movement.create' and resource = ${`product:${product.id}`}`);
    expect(event).toMatchObject({ outcome: 'success', request_id: res.headers['x-request-id'] });
    expect(event!.actor).toMatch(/^api_key:/);
    expect(event!.details).toMatchObject({ type: 'in', quantity: '5', movements: [res.json().movement.id] });
    const [created] = await events(sql`action = 'catalog.product.create' and resource = ${`product:${product.id}`}`);
    expect(created?.outcome).toBe('success');
  });

  it('records a refused sale as a failure and no success event', async () => {
    const product = await createProduct(t);
    const res = await move(t, { product_id: product.id, type: 'out', quantity: '3' }, undefined);
    expect(res.statusCode).toBe(409);
    const rows = await eventsFor(res.headers['x-request-id']);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ action: 'stock.movement.create', outcome: 'failure' });
    expect(rows[0]!.details).toMatchObject({ status: 409, code: 'stock.insufficient' });
  });

  it('records authentication failures and permission denials without the credentials', async () => {
    const bad = await t.call('GET', '/api/v1/products', { key: 'inv_not-a-real-key-0123456789abcdef' });
    expect(bad.statusCode).toBe(401);
    const clerk = await t.keyFor('clerk');
    const denied = await t.call('POST', '/api/v1/products', { key: clerk, body: { sku: 'X1', name: 'x', category: 'y', cost_price: 1 } });
    expect(denied.statusCode).toBe(403);
    const [failure] = await eventsFor(bad.headers['x-request-id']);
    expect(failure).toMatchObject({ action: 'auth.failure', outcome: 'failure', actor: 'anonymous' });
    const [denial] = await eventsFor(denied.headers['x-request-id']);
    expect(denial).toMatchObject({ action: 'auth.denied', outcome: 'denied' });
    expect(denial!.details).toMatchObject({ operation: 'catalog.product.create', code: 'auth.forbidden' });
    const all = JSON.stringify(await events());
    expect(all).not.toContain('not-a-real-key');
    expect(all).not.toContain(clerk);
    expect(all).not.toContain(t.adminKey);
  });

  it('records API key creation and revocation with the prefix but never the secret', async () => {
    const created = await t.call('POST', '/api/v1/api-keys', { body: { name: 'caja-2', role: 'clerk' } });
    expect(created.statusCode).toBe(201);
    const { id, key, prefix } = created.json();
    expect((await t.call('DELETE', `/api/v1/api-keys/${id}`)).statusCode).toBe(200);
    const rows = await events(sql`resource = ${`api_key:${id}`}`);
    expect(rows.map((r) => r.action)).toEqual(['identity.api_key.create', 'identity.api_key.revoke']);
    expect(rows[0]!.details).toMatchObject({ prefix, role: 'clerk' });
    expect(JSON.stringify(rows)).not.toContain(key);
  });

  it('refuses to update, delete or truncate audit events, even for the table owner', async () => {
    await expect(t.db.database.db.execute(sql`update audit_events set actor = 'someone-else'`)).rejects.toThrow();
    await expect(t.db.database.db.execute(sql`delete from audit_events`)).rejects.toThrow();
    await expect(t.db.database.db.execute(sql`truncate audit_events`)).rejects.toThrow();
    expect((await events()).length).toBeGreaterThan(3);
  });
});
