// API.md "Authentication and roles" for API keys: 401s, key lifecycle, the role matrix on every
// catalog and stock route, rate limits, and every registered route declaring what it needs.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PERMISSIONS, ROLES, type Role } from '../../src/platform/http/permissions.ts';
import { testEngines } from '../helpers/engines.ts';
import { createLocation, createProduct, move, movementsOf, receive, unique, validCuit } from '../helpers/fixtures.ts';
import { recordRoutes, type RegisteredRoute } from '../helpers/route-catalog.ts';
import { createTestApp, idemKey, type TestApp } from '../helpers/test-app.ts';

const ANY_UUID = '0195b7a4-0000-7000-8000-00000000abcd';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(testEngines())('API keys on %s', (engine) => {
  let t: TestApp;
  let routes: RegisteredRoute[];

  beforeAll(async () => {
    const recorder = recordRoutes();
    try {
      // With a metrics token set, /metrics has no loopback exception (see metrics.test.ts for it).
      t = await createTestApp(engine, { METRICS_TOKEN: 'auth-test-metrics-token-0123456789' });
    } finally {
      recorder.stop();
    }
    routes = recorder.routes;
  });
  afterAll(async () => t?.close());

  async function createKey(body: Record<string, unknown>) {
    const res = await t.call('POST', '/api/v1/api-keys', { body });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: string; key: string; prefix: string; name: string; role: Role };
  }

  it('refuses a request without credentials with 401 and a WWW-Authenticate challenge', async () => {
    const res = await t.call('GET', '/api/v1/products', { key: null });
    expect(res.statusCode).toBe(401);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json().code).toBe('auth.unauthenticated');
    expect(String(res.headers['www-authenticate'])).toMatch(/^Bearer /);
  });

  it.each([
    ['an unknown key', 'inv_0000000000000000000000000000000000000000000'],
    ['a too-short key', 'abc'],
    ['an empty bearer token', ''],
  ])('refuses %s with 401 and a challenge', async (_label, key) => {
    const res = await t.call('GET', '/api/v1/products', { key: null, headers: { authorization: `Bearer ${key}` } });
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toBeDefined();
  });

  it('refuses a key that shares the visible prefix of a real key but not its secret', async () => {
    const real = await createKey({ name: 'real', role: 'clerk' });
    const last = real.key.at(-1) === 'A' ? 'B' : 'A';
    const forged = real.key.slice(0, -1) + last;
    const res = await t.call('GET', '/api/v1/me', { key: forged });
    expect(res.statusCode).toBe(401);
  });

  it('accepts the key in X-API-Key as well as in Authorization: Bearer', async () => {
    const viaHeader = await t.call('GET', '/api/v1/me', { key: null, headers: { 'x-api-key': t.adminKey } });
    expect(viaHeader.statusCode, viaHeader.body).toBe(200);
    expect(viaHeader.json().role).toBe('admin');
    const viaBearer = await t.call('GET', '/api/v1/me');
    expect(viaBearer.json()).toEqual(viaHeader.json());
  });

  it('creates a key and shows its secret once as {id, key, prefix, name, role}', async () => {
    const created = await createKey({ name: 'Caja 1', role: 'clerk' });
    expect(created).toMatchObject({ id: expect.any(String), key: expect.any(String), prefix: expect.any(String), name: 'Caja 1', role: 'clerk' });
    expect(created.key.startsWith(created.prefix)).toBe(true);
    expect(created.key.length).toBeGreaterThanOrEqual(32);
    const me = await t.call('GET', '/api/v1/me', { key: created.key });
    expect(me.json()).toMatchObject({ id: created.id, role: 'clerk', name: 'Caja 1' });
  });

  it('never lists a secret or its hash', async () => {
    const created = await createKey({ name: 'listed', role: 'auditor' });
    const res = await t.call('GET', '/api/v1/api-keys?limit=500');
    expect(res.statusCode).toBe(200);
    const listed = (res.json().items as Record<string, unknown>[]).find((k) => k.id === created.id);
    expect(listed).toMatchObject({ id: created.id, prefix: created.prefix, name: 'listed', role: 'auditor' });
    expect(Object.keys(listed!)).not.toContain('key');
    expect(Object.keys(listed!)).not.toContain('key_hash');
    const hash = createHash('sha256').update(created.key).digest('hex');
    expect(res.body).not.toContain(created.key);
    expect(res.body).not.toContain(hash);
    expect(res.body).not.toContain(t.adminKey);
  });

  it('revokes a key at once, even one that was just used', async () => {
    const created = await createKey({ name: 'to revoke', role: 'manager' });
    expect((await t.call('GET', '/api/v1/products', { key: created.key })).statusCode).toBe(200);
    const revoked = await t.call('DELETE', `/api/v1/api-keys/${created.id}`);
    expect(revoked.statusCode, revoked.body).toBe(200);
    expect(revoked.json().revoked_at).toEqual(expect.any(String));
    const after = await t.call('GET', '/api/v1/products', { key: created.key });
    expect(after.statusCode).toBe(401);
    expect(after.headers['www-authenticate']).toBeDefined();
  });

  it('answers 404 api_key.not_found when revoking a key that does not exist', async () => {
    const res = await t.call('DELETE', `/api/v1/api-keys/${ANY_UUID}`);
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe('api_key.not_found');
  });

  it('stops accepting a key once it expires', async () => {
    const expiresAt = new Date(Date.now() + 2500);
    const created = await createKey({ name: 'short-lived', role: 'clerk', expires_at: expiresAt.toISOString() });
    expect((await t.call('GET', '/api/v1/me', { key: created.key })).statusCode).toBe(200);
    await sleep(expiresAt.getTime() - Date.now() + 300);
    const res = await t.call('GET', '/api/v1/me', { key: created.key });
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toBeDefined();
  });

  describe('every registered route', () => {
    const permissions = new Set<string>([...Object.keys(PERMISSIONS), 'public', 'authenticated']);
    // Files, not API answers: the docs UI and the dashboard's static files (config.operation
    // system.dashboard, set for every route of its scope) have no JSON response schema.
    const isDocsAsset = (r: RegisteredRoute) =>
      r.url === '/docs' || r.url.startsWith('/docs/') || (r.options.config as { operation?: string } | undefined)?.operation === 'system.dashboard';

    it('declares config.access, config.operation and a response schema', () => {
      expect(routes.length).toBeGreaterThan(20);
      const problems: string[] = [];
      for (const r of routes) {
        const config = (r.options.config ?? {}) as { access?: string; operation?: string };
        const label = `${r.method} ${r.url}`;
        if (!config.access || !permissions.has(config.access)) problems.push(`${label}: access ${String(config.access)}`);
        if (!config.operation || !/^[a-z_]+(\.[a-z_]+)+$/.test(config.operation)) problems.push(`${label}: operation ${String(config.operation)}`);
        if (isDocsAsset(r)) continue;
        const statuses = Object.keys((r.options.schema?.response ?? {}) as object);
        if (!statuses.some((s) => /^2/.test(s))) problems.push(`${label}: no 2xx response schema`);
      }
      expect(problems).toEqual([]);
    });

    it('gives each API operation a name of its own', () => {
      const names = new Map<string, string>();
      const clashes: string[] = [];
      for (const r of routes.filter((x) => x.method !== 'HEAD' && !isDocsAsset(x))) {
        const op = String(r.options.config?.operation);
        const label = `${r.method} ${r.url}`;
        if (names.has(op) && names.get(op) !== label) clashes.push(`${op}: ${names.get(op)} and ${label}`);
        names.set(op, label);
      }
      expect(clashes).toEqual([]);
    });

    it('refuses anonymous callers on every route that is not public', async () => {
      const guarded = routes.filter((r) => r.options.config?.access !== 'public' && r.method !== 'HEAD');
      expect(guarded.length).toBeGreaterThan(15);
      const open: string[] = [];
      for (const r of guarded) {
        const url = r.url.replace(/:[A-Za-z0-9_]+/g, ANY_UUID);
        const res = await t.call(r.method, url, { key: null, ...(['POST', 'PUT', 'PATCH'].includes(r.method) ? { body: {} } : {}) });
        if (res.statusCode !== 401) open.push(`${r.method} ${r.url} → ${res.statusCode}`);
      }
      expect(open).toEqual([]);
    });
  });

  describe('role matrix (API.md)', () => {
    const everyone: Role[] = ['admin', 'manager', 'clerk', 'auditor'];
    const editors: Role[] = ['admin', 'manager'];
    const movers: Role[] = ['admin', 'manager', 'clerk'];
    let product: { id: string };
    let countable: { id: string };
    let supplier: { id: string };
    let second: { id: string };
    let cuitSeq = 100;

    beforeAll(async () => {
      product = await createProduct(t, { category: 'bebidas', min_stock: '5' });
      countable = await createProduct(t);
      second = await createLocation(t);
      await receive(t, product.id, 1000);
      const s = await t.call('POST', '/api/v1/suppliers', { body: { name: 'Matrix SA', cuit: validCuit(1) } });
      expect(s.statusCode, s.body).toBe(201);
      supplier = s.json();
    });

    interface Case {
      name: string;
      allowed: Role[];
      request: () => Promise<{ method: string; url: string; body?: unknown; idempotent?: boolean }>;
    }
    const plain = (method: string, url: () => string, body?: () => unknown, idempotent = false) => async () => ({
      method,
      url: url(),
      ...(body ? { body: body() } : {}),
      idempotent,
    });
    const movement = (body: () => Record<string, unknown>) => plain('POST', () => '/api/v1/stock/movements', body, true);

    const cases: Case[] = [
      { name: 'GET /products', allowed: everyone, request: plain('GET', () => '/api/v1/products') },
      { name: 'GET /products/{id}', allowed: everyone, request: plain('GET', () => `/api/v1/products/${product.id}`) },
      { name: 'GET /suppliers', allowed: everyone, request: plain('GET', () => '/api/v1/suppliers') },
      { name: 'GET /suppliers/{id}', allowed: everyone, request: plain('GET', () => `/api/v1/suppliers/${supplier.id}`) },
      { name: 'GET /locations', allowed: everyone, request: plain('GET', () => '/api/v1/locations') },
      { name: 'GET /stock/movements', allowed: everyone, request: plain('GET', () => '/api/v1/stock/movements') },
      { name: 'GET /stock/levels', allowed: everyone, request: plain('GET', () => '/api/v1/stock/levels') },
      { name: 'GET /stock/critical', allowed: everyone, request: plain('GET', () => '/api/v1/stock/critical') },
      { name: 'GET /stock/integrity', allowed: everyone, request: plain('GET', () => '/api/v1/stock/integrity') },
      { name: 'GET /stock/season-factors', allowed: everyone, request: plain('GET', () => '/api/v1/stock/season-factors') },
      { name: 'GET /me', allowed: everyone, request: plain('GET', () => '/api/v1/me') },
      {
        name: 'POST /products',
        allowed: editors,
        request: plain('POST', () => '/api/v1/products', () => ({ sku: unique('M'), name: 'Matriz', category: 'almacen', cost_price: 1 })),
      },
      { name: 'PATCH /products/{id}', allowed: editors, request: plain('PATCH', () => `/api/v1/products/${product.id}`, () => ({ name: 'Renombrado' })) },
      {
        name: 'DELETE /products/{id}',
        allowed: editors,
        request: async () => ({ method: 'DELETE', url: `/api/v1/products/${(await createProduct(t)).id}` }),
      },
      {
        name: 'POST /suppliers',
        allowed: editors,
        request: plain('POST', () => '/api/v1/suppliers', () => ({ name: 'Nuevo', cuit: validCuit((cuitSeq += 1)) })),
      },
      { name: 'PATCH /suppliers/{id}', allowed: editors, request: plain('PATCH', () => `/api/v1/suppliers/${supplier.id}`, () => ({ phone: '11 5555-0000' })) },
      { name: 'POST /locations', allowed: editors, request: plain('POST', () => '/api/v1/locations', () => ({ code: unique('R'), name: 'Góndola' })) },
      {
        name: 'PUT /stock/season-factors',
        allowed: editors,
        request: plain('PUT', () => '/api/v1/stock/season-factors', () => ({
          default: { verano: '1.3', otono: '1.0', invierno: '0.8', primavera: '1.1' },
        })),
      },
      { name: 'stock in', allowed: movers, request: movement(() => ({ product_id: product.id, type: 'in', quantity: 1 })) },
      { name: 'stock out', allowed: movers, request: movement(() => ({ product_id: product.id, type: 'out', quantity: 1 })) },
      {
        name: 'stock transfer',
        allowed: movers,
        request: movement(() => ({ product_id: product.id, type: 'transfer', quantity: 1, to_location_id: second.id })),
      },
      { name: 'stock adjust', allowed: editors, request: movement(() => ({ product_id: product.id, type: 'adjust', quantity: -1 })) },
      {
        name: 'POST /stock/counts',
        allowed: editors,
        request: plain('POST', () => '/api/v1/stock/counts', () => ({ lines: [{ product_id: countable.id, counted: '0' }] }), true),
      },
      { name: 'POST /api-keys', allowed: ['admin'], request: plain('POST', () => '/api/v1/api-keys', () => ({ name: 'k', role: 'clerk' })) },
      { name: 'GET /api-keys', allowed: ['admin'], request: plain('GET', () => '/api/v1/api-keys') },
      {
        name: 'DELETE /api-keys/{id}',
        allowed: ['admin'],
        request: async () => {
          const { id } = (await t.services.identity.createApiKey({ name: 'victim', role: 'clerk', createdBy: 'test' })).row;
          return { method: 'DELETE', url: `/api/v1/api-keys/${id}` };
        },
      },
    ];

    it.each(cases)('$name: allowed for exactly $allowed, 403 auth.forbidden for the rest', async ({ allowed, request }) => {
      for (const role of ROLES) {
        const key = await t.keyFor(role);
        const r = await request();
        const res = await t.call(r.method, r.url, { key, body: r.body, ...(r.idempotent ? { idempotencyKey: idemKey() } : {}) });
        if (allowed.includes(role)) {
          expect([200, 201], `${role}: ${res.body}`).toContain(res.statusCode);
        } else {
          expect(res.statusCode, `${role}: ${res.body}`).toBe(403);
          expect(res.json().code).toBe('auth.forbidden');
        }
      }
    });

    it('writes nothing when a clerk tries to adjust or an auditor tries to move stock', async () => {
      const before = await movementsOf(t, product.id);
      const clerk = await move(t, { product_id: product.id, type: 'adjust', quantity: 5 }, await t.keyFor('clerk'));
      expect(clerk.statusCode).toBe(403);
      const auditor = await move(t, { product_id: product.id, type: 'in', quantity: 5 }, await t.keyFor('auditor'));
      expect(auditor.statusCode).toBe(403);
      expect(await movementsOf(t, product.id)).toHaveLength(before.length);
    });
  });
});

describe.each(testEngines())('rate limits on %s', (engine) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(engine, { RATE_LIMIT_PER_MINUTE: '3', RATE_LIMIT_ANON_PER_MINUTE: '2' });
  });
  afterAll(async () => t?.close());

  it('answers 429 rate_limit.exceeded with Retry-After once a key exceeds RATE_LIMIT_PER_MINUTE', async () => {
    const key = await t.keyFor('clerk');
    for (let i = 0; i < 3; i++) expect((await t.call('GET', '/api/v1/products', { key })).statusCode).toBe(200);
    const res = await t.call('GET', '/api/v1/products', { key });
    expect(res.statusCode).toBe(429);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({ status: 429, code: 'rate_limit.exceeded' });
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    const other = await t.call('GET', '/api/v1/products', { key: await t.keyFor('auditor') });
    expect(other.statusCode).toBe(200);
  });

  it('throttles anonymous callers even though every one of their requests is refused', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await t.call('GET', '/api/v1/products', { key: null })).statusCode);
    expect(statuses).toEqual([401, 401, 429]);
  });

  it('never throttles the health and readiness probes', async () => {
    for (let i = 0; i < 5; i++) {
      expect((await t.call('GET', '/health', { key: null })).statusCode).toBe(200);
      expect((await t.call('GET', '/ready?probe=k8s', { key: null })).statusCode).toBe(200);
    }
  });
});
