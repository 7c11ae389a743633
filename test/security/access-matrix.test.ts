// API.md's role matrix, written out independently of the code's permission table and checked
// against every operation in the OpenAPI document: a new route fails this suite until someone
// decides, here, who may call it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../../src/platform/http/permissions.ts';
import { testEngines } from '../helpers/engines.ts';
import { createTestApp, idemKey, type TestApp } from '../helpers/test-app.ts';

const ALL: readonly Role[] = ROLES;
const ADMIN_MANAGER: readonly Role[] = ['admin', 'manager'];
const MOVERS: readonly Role[] = ['admin', 'manager', 'clerk'];
const ADMIN: readonly Role[] = ['admin'];
const AUDIT: readonly Role[] = ['admin', 'auditor'];
const PUBLIC = 'public' as const;

/** "METHOD /path" → who may call it, straight from API.md. */
export const EXPECTED_ACCESS: Record<string, readonly Role[] | typeof PUBLIC> = {
  'GET /health': PUBLIC,
  'GET /ready': PUBLIC,
  // Anonymous loopback scrapes are allowed only while METRICS_TOKEN is unset; the matrix app sets it.
  'GET /metrics': AUDIT,
  'GET /api/v1/me': ALL,
  'POST /api/v1/api-keys': ADMIN,
  'GET /api/v1/api-keys': ADMIN,
  'DELETE /api/v1/api-keys/{id}': ADMIN,
  'GET /api/v1/products': ALL,
  'POST /api/v1/products': ADMIN_MANAGER,
  'GET /api/v1/products/{id}': ALL,
  'PATCH /api/v1/products/{id}': ADMIN_MANAGER,
  'DELETE /api/v1/products/{id}': ADMIN_MANAGER,
  'GET /api/v1/suppliers': ALL,
  'POST /api/v1/suppliers': ADMIN_MANAGER,
  'GET /api/v1/suppliers/{id}': ALL,
  'PATCH /api/v1/suppliers/{id}': ADMIN_MANAGER,
  'GET /api/v1/locations': ALL,
  'POST /api/v1/locations': ADMIN_MANAGER,
  'POST /api/v1/stock/movements': MOVERS,
  'GET /api/v1/stock/movements': ALL,
  'GET /api/v1/stock/levels': ALL,
  'GET /api/v1/stock/critical': ALL,
  'POST /api/v1/stock/counts': ADMIN_MANAGER,
  'GET /api/v1/stock/integrity': ALL,
  'GET /api/v1/stock/season-factors': ALL,
  'PUT /api/v1/stock/season-factors': ADMIN_MANAGER,
  // Pricing
  'GET /api/v1/pricing/settings': ADMIN_MANAGER,
  'PUT /api/v1/pricing/settings': ADMIN_MANAGER,
  'GET /api/v1/products/{id}/price-quote': ALL,
  'POST /api/v1/pricing/reprice': ADMIN_MANAGER,
  'GET /api/v1/products/{id}/price-history': ALL,
  'GET /api/v1/pricing/changes': ALL,
  'GET /api/v1/pricing/runs': ADMIN_MANAGER,
  // Reports
  'GET /api/v1/reports/summary': ALL,
  // Forecasting
  'GET /api/v1/forecast/reorder': ALL,
  'GET /api/v1/products/{id}/forecast': ALL,
  // Supplier invoices: clerks upload; managers edit and confirm; everyone reads.
  'POST /api/v1/invoices': MOVERS,
  'GET /api/v1/invoices': ALL,
  'GET /api/v1/invoices/{id}': ALL,
  'PATCH /api/v1/invoices/{id}': ADMIN_MANAGER,
  'POST /api/v1/invoices/{id}/confirm': ADMIN_MANAGER,
  'GET /api/v1/invoices/{id}/file': ALL,
  // Customers and privacy
  'POST /api/v1/customers': ADMIN_MANAGER,
  'GET /api/v1/customers': ADMIN_MANAGER,
  'GET /api/v1/customers/{id}': ADMIN_MANAGER,
  'GET /api/v1/customers/{id}/export': ADMIN,
  'DELETE /api/v1/customers/{id}': ADMIN,
  // Data-subject rights: everyday care needs customers:manage; export, erasure and holds are admin-only.
  'PATCH /api/v1/customers/{id}': ADMIN_MANAGER,
  'GET /api/v1/customers/marketing-audience': ADMIN_MANAGER,
  'GET /api/v1/customers/{id}/consent': ADMIN_MANAGER,
  'POST /api/v1/customers/{id}/consent': ADMIN_MANAGER,
  'POST /api/v1/customers/{id}/restriction': ADMIN_MANAGER,
  'GET /api/v1/customers/{id}/erasure-preview': ADMIN,
  'POST /api/v1/customers/{id}/legal-holds': ADMIN,
  'DELETE /api/v1/customers/{id}/legal-holds/{hold_id}': ADMIN,
  // Privacy governance: retention, breach register, records of processing (customers:privacy).
  'GET /api/v1/privacy/retention': ADMIN,
  'POST /api/v1/privacy/retention/run': ADMIN,
  'POST /api/v1/privacy/breaches': ADMIN,
  'GET /api/v1/privacy/breaches': ADMIN,
  'GET /api/v1/privacy/breaches/{id}': ADMIN,
  'PATCH /api/v1/privacy/breaches/{id}': ADMIN,
  'GET /api/v1/privacy/breaches/{id}/export': ADMIN,
  'GET /api/v1/privacy/records-of-processing': ADMIN,
  // Audit and identity
  'GET /api/v1/audit/events': AUDIT,
  'GET /api/v1/audit/verify': AUDIT,
  'POST /api/v1/backups': ADMIN,
  'GET /api/v1/backups': ADMIN,
  'GET /api/v1/dr/reports': AUDIT,
  'GET /api/v1/audit/alerts': AUDIT,
  'POST /api/v1/audit/alerts/{id}/acknowledge': AUDIT,
  'POST /api/v1/audit/alerts/{id}/close': AUDIT,
  'POST /api/v1/users': ADMIN,
  'GET /api/v1/users': ADMIN,
  'GET /api/v1/users/{id}': ADMIN,
  'PATCH /api/v1/users/{id}': ADMIN,
  'GET /api/v1/auth/session': ALL,
  'POST /api/v1/auth/password': ALL,
  'POST /api/v1/auth/login': PUBLIC,
  'POST /api/v1/auth/logout': PUBLIC,
};

const ANY_ID = '0195b7a4-0000-7000-8000-00000000abcd';

export interface Operation {
  method: string;
  path: string;
}

export async function openApiOperations(t: TestApp): Promise<Operation[]> {
  const doc = (await t.call('GET', '/openapi.json', { key: null })).json() as { paths: Record<string, Record<string, unknown>> };
  return Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.keys(methods)
      .filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))
      .map((m) => ({ method: m.toUpperCase(), path })),
  );
}

describe.each(testEngines())('role matrix over the OpenAPI document on %s', (engine) => {
  let t: TestApp;
  let operations: Operation[];
  const keys = new Map<Role, string>();

  beforeAll(async () => {
    t = await createTestApp(engine, { METRICS_TOKEN: 'matrix-metrics-token-0123456789' });
    operations = await openApiOperations(t);
    for (const role of ROLES) keys.set(role, await t.keyFor(role));
  });
  afterAll(async () => t?.close());

  const send = (op: Operation, key: string | null) =>
    t.call(op.method, op.path.replace(/\{[^}]+\}/g, ANY_ID), {
      key,
      ...(['POST', 'PUT', 'PATCH'].includes(op.method) ? { body: {} } : {}),
      idempotencyKey: idemKey('matrix'),
    });

  it('has an expected-access entry for every documented operation', () => {
    const missing = operations.map((o) => `${o.method} ${o.path}`).filter((k) => !(k in EXPECTED_ACCESS));
    expect(missing).toEqual([]);
    expect(operations.length).toBeGreaterThan(20);
  });

  it('answers 401 without credentials on every non-public operation', async () => {
    const wrong: string[] = [];
    for (const op of operations) {
      const expected = EXPECTED_ACCESS[`${op.method} ${op.path}`];
      if (expected === PUBLIC || !expected) continue;
      const res = await send(op, null);
      if (res.statusCode !== 401) wrong.push(`${op.method} ${op.path} → ${res.statusCode}`);
    }
    expect(wrong).toEqual([]);
  });

  it('lets exactly the roles of API.md through on every operation', async () => {
    const wrong: string[] = [];
    for (const op of operations) {
      const expected = EXPECTED_ACCESS[`${op.method} ${op.path}`];
      if (!expected || expected === PUBLIC) continue;
      for (const role of ROLES) {
        const res = await send(op, keys.get(role)!);
        const allowed = expected.includes(role);
        // An allowed role may still be refused by validation (empty body) or a missing id,
        // but never by authorization; a refused role always gets 403 auth.forbidden.
        const forbidden = res.statusCode === 403 && res.json().code === 'auth.forbidden';
        if (allowed ? res.statusCode === 401 || forbidden : !forbidden) {
          wrong.push(`${role} ${op.method} ${op.path} → ${res.statusCode}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });
});
