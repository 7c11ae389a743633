// API.md "Conventions" and "System": problem+json errors, validation entries, request ids,
// security headers, health/readiness, the OpenAPI document and what a 5xx may reveal.
import { sql } from 'drizzle-orm';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../helpers/engines.ts';
import { openApiPath, recordRoutes, type RegisteredRoute } from '../helpers/route-catalog.ts';
import { createTestApp, idemKey, type TestApp } from '../helpers/test-app.ts';

const PROBLEM_KEYS = ['type', 'title', 'status', 'detail', 'code', 'errors'];

/** Asserts the RFC 9457 shape of API.md and returns the body. */
function expectProblem(res: LightMyRequestResponse, status: number, code: string) {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.headers['x-request-id']).toMatch(/^[A-Za-z0-9._:-]{1,128}$/);
  const body = res.json();
  expect(body).toMatchObject({ status, code, type: expect.any(String), title: expect.any(String), detail: expect.any(String) });
  expect(body.type.length).toBeGreaterThan(0);
  expect(body.title.length).toBeGreaterThan(0);
  return body;
}

function errorPaths(body: { errors?: { path: string; message: string }[] }): string[] {
  return (body.errors ?? []).map((e) => e.path);
}

describe.each(testEngines())('HTTP conventions on %s', (engine) => {
  let t: TestApp;
  let routes: RegisteredRoute[];

  beforeAll(async () => {
    const recorder = recordRoutes();
    try {
      t = await createTestApp(engine);
    } finally {
      recorder.stop();
    }
    routes = recorder.routes;
  });
  afterAll(async () => t?.close());

  describe('errors are problem+json', () => {
    it('answers an unknown route with 404 route.not_found and only the documented members', async () => {
      const res = await t.call('GET', '/api/v1/no-such-thing');
      const body = expectProblem(res, 404, 'route.not_found');
      for (const key of Object.keys(body)) expect(PROBLEM_KEYS).toContain(key);
    });

    it('answers malformed JSON with 400 request.malformed_json', async () => {
      const res = await t.call('POST', '/api/v1/products', {
        headers: { 'content-type': 'application/json' },
        body: '{"sku": "A1", "name": ',
      });
      expectProblem(res, 400, 'request.malformed_json');
    });

    it.each(['text/plain', 'application/xml', 'application/x-www-form-urlencoded'])(
      'refuses a %s body with 415 instead of guessing',
      async (contentType) => {
        const res = await t.call('POST', '/api/v1/products', { headers: { 'content-type': contentType }, body: 'sku=A1' });
        expectProblem(res, 415, 'request.unsupported_media_type');
      },
    );

    it('lists every bad field of a body once, by its path, in a 400 validation.failed', async () => {
      const res = await t.call('POST', '/api/v1/products', {
        body: { sku: 'no spaces!', name: '', cost_price: 'abc', vat_rate: '22', unit: 'lb', colour: 'red', size: 3 },
      });
      const body = expectProblem(res, 400, 'validation.failed');
      expect(errorPaths(body).sort()).toEqual(['category', 'colour', 'cost_price', 'name', 'size', 'sku', 'unit', 'vat_rate']);
      for (const e of body.errors) expect(e.message).toEqual(expect.any(String));
      // Plain es-AR sentences for the everyday issues, not zod's translated ones ("Inválido …").
      const byPath = Object.fromEntries(body.errors.map((e: { path: string; message: string }) => [e.path, e.message]));
      expect(byPath).toMatchObject({ name: 'no puede estar vacío', category: 'es obligatorio', unit: 'debe ser uno de: "unit", "kg", "l"', colour: 'campo desconocido' });
    });

    it('reports a field that breaks two rules only once', async () => {
      const res = await t.call('POST', '/api/v1/suppliers', {
        body: { name: 'Distribuidora', cuit: '20-12345678-6', email: `${'x'.repeat(300)}@` },
      });
      const body = expectProblem(res, 400, 'validation.failed');
      expect(errorPaths(body)).toEqual(['email']);
    });

    it('names nested fields and query parameters by their path', async () => {
      const count = await t.call('POST', '/api/v1/stock/counts', {
        idempotencyKey: idemKey(),
        body: { lines: [{ product_id: '0195b7a4-0000-7000-8000-000000000001', counted: '-1' }] },
      });
      expect(errorPaths(expectProblem(count, 400, 'validation.failed'))).toEqual(['lines.0.counted']);
      const list = await t.call('GET', '/api/v1/products?limit=0&below_min=maybe');
      expect(errorPaths(expectProblem(list, 400, 'validation.failed')).sort()).toEqual(['below_min', 'limit']);
    });

    it('answers a malformed id in the path with 400 naming the id', async () => {
      const res = await t.call('GET', '/api/v1/products/not-a-uuid');
      expect(errorPaths(expectProblem(res, 400, 'validation.failed'))).toEqual(['id']);
    });
  });

  describe('request ids', () => {
    it('echoes a sane X-Request-Id on success and on errors', async () => {
      const ok = await t.call('GET', '/health', { key: null, headers: { 'x-request-id': 'till-3:sale_0042' } });
      expect(ok.headers['x-request-id']).toBe('till-3:sale_0042');
      const missing = await t.call('GET', '/api/v1/nope', { headers: { 'x-request-id': 'abc-123' } });
      expect(missing.headers['x-request-id']).toBe('abc-123');
    });

    it('generates a fresh X-Request-Id when none is sent', async () => {
      const a = await t.call('GET', '/health', { key: null });
      const b = await t.call('GET', '/health', { key: null });
      expect(a.headers['x-request-id']).toMatch(/^[A-Za-z0-9._:-]{8,128}$/);
      expect(b.headers['x-request-id']).toMatch(/^[A-Za-z0-9._:-]{8,128}$/);
      expect(a.headers['x-request-id']).not.toBe(b.headers['x-request-id']);
    });

    it.each(['<script>alert(1)</script>', 'a b', 'x'.repeat(300), 'id\u00e9'])(
      'replaces a hostile or oversized X-Request-Id (%s) with its own',
      async (hostile) => {
        const res = await t.call('GET', '/health', { key: null, headers: { 'x-request-id': hostile } });
        const id = String(res.headers['x-request-id']);
        expect(id).not.toBe(hostile);
        expect(id).toMatch(/^[A-Za-z0-9._:-]{8,128}$/);
      },
    );
  });

  describe('security headers', () => {
    it.each([
      ['a JSON answer', '/api/v1/products', true],
      ['a problem answer', '/api/v1/nope', true],
      ['the interactive docs', '/docs', false],
    ])('sends a strict CSP, X-Frame-Options DENY and nosniff on %s', async (_label, url, authed) => {
      const res = await t.call('GET', url, authed ? {} : { key: null });
      expect(res.statusCode).toBeLessThan(500);
      const csp = String(res.headers['content-security-policy'] ?? '');
      expect(csp).toContain("default-src 'self'");
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).not.toContain('unsafe-eval');
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
    });

    it("forbids framing the API in its CSP (frame-ancestors 'none')", async () => {
      const res = await t.call('GET', '/api/v1/products');
      expect(String(res.headers['content-security-policy'])).toContain("frame-ancestors 'none'");
    });
  });

  describe('system endpoints', () => {
    it('answers /health with {"status":"ok"} without credentials', async () => {
      const res = await t.call('GET', '/health', { key: null });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ status: 'ok' });
    });

    it('answers /ready with 200 while the database answers', async () => {
      const res = await t.call('GET', '/ready', { key: null });
      expect(res.statusCode).toBe(200);
    });

    it('serves an OpenAPI 3.1 document that lists every /api/v1 route', async () => {
      const res = await t.call('GET', '/openapi.json', { key: null });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      const doc = res.json() as { openapi: string; paths: Record<string, Record<string, unknown>> };
      expect(doc.openapi).toMatch(/^3\.1\./);
      const apiRoutes = routes.filter((r) => r.url.startsWith('/api/v1/') && r.method !== 'HEAD');
      expect(apiRoutes.length).toBeGreaterThanOrEqual(20);
      const missing = apiRoutes
        .filter((r) => !doc.paths[openApiPath(r.url)]?.[r.method.toLowerCase()])
        .map((r) => `${r.method} ${r.url}`);
      expect(missing).toEqual([]);
    });

    it('names every body field and query parameter of the API in snake_case', async () => {
      const doc = (await t.call('GET', '/openapi.json', { key: null })).json();
      const offending = new Set<string>();
      let checked = 0;
      const walk = (node: unknown, where: string): void => {
        if (Array.isArray(node)) return node.forEach((n, i) => walk(n, `${where}[${i}]`));
        if (!node || typeof node !== 'object') return;
        const obj = node as Record<string, unknown>;
        if (obj.properties && typeof obj.properties === 'object') {
          for (const name of Object.keys(obj.properties)) {
            checked += 1;
            if (!/^[a-z][a-z0-9_]*$/.test(name)) offending.add(`${where}: ${name}`);
          }
        }
        if ((obj.in === 'query' || obj.in === 'path') && typeof obj.name === 'string' && !/^[a-z][a-z0-9_]*$/.test(obj.name)) {
          offending.add(`${where}: ${obj.name}`);
        }
        for (const [k, v] of Object.entries(obj)) walk(v, `${where}/${k}`);
      };
      for (const [path, item] of Object.entries(doc.paths as Record<string, unknown>)) if (path.startsWith('/api/v1/')) walk(item, path);
      expect(checked).toBeGreaterThan(100);
      expect([...offending]).toEqual([]);
    });

    it('serves the interactive docs at /docs without credentials', async () => {
      const res = await t.call('GET', '/docs', { key: null });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
    });
  });

  describe('server errors', () => {
    it('hides SQL, stack and exception text behind a 500 problem and logs the failure', async () => {
      await t.db.database.db.execute(sql`alter table stock_movements rename to stock_movements_gone`);
      let res: LightMyRequestResponse;
      try {
        res = await t.call('GET', '/api/v1/stock/movements', { headers: { 'x-request-id': 'broken-db-1' } });
      } finally {
        await t.db.database.db.execute(sql`alter table stock_movements_gone rename to stock_movements`);
      }
      const body = expectProblem(res, 500, 'internal');
      for (const leak of ['stock_movements', 'relation', 'does not exist', 'select', 'SELECT', ' at ', 'Error:', 'Query', '.ts:']) {
        expect(res.body).not.toContain(leak);
      }
      expect(body.detail).toContain('broken-db-1');
      expect(t.logLines.some((l) => l.includes('"broken-db-1"') && l.includes('"level":50'))).toBe(true);
    });
  });
});

describe.each(testEngines())('limits and outages on %s', (engine) => {
  it('refuses a body over BODY_LIMIT_BYTES with 413 request.too_large', async () => {
    const t = await createTestApp(engine, { BODY_LIMIT_BYTES: '1024' });
    try {
      const small = await t.call('POST', '/api/v1/locations', { body: { code: 'SMALL', name: 'x'.repeat(100) } });
      expect(small.statusCode, small.body).toBe(201);
      const big = await t.call('POST', '/api/v1/locations', { body: { code: 'BIG', name: 'x'.repeat(2000) } });
      expectProblem(big, 413, 'request.too_large');
    } finally {
      await t.close();
    }
  });

  it('reports 503 from /ready when the database is gone, while /health stays 200 and nothing leaks', async () => {
    const t = await createTestApp(engine);
    try {
      await t.db.drop();
      const ready = await t.call('GET', '/ready', { key: null });
      expectProblem(ready, 503, 'db.unavailable');
      const health = await t.call('GET', '/health', { key: null });
      expect(health.statusCode).toBe(200);
      const read = await t.call('GET', '/api/v1/locations', { key: null, headers: { authorization: 'Bearer inv_whatever_key_of_length' } });
      expect(read.statusCode).toBeGreaterThanOrEqual(500);
      expect(read.headers['content-type']).toMatch(/^application\/problem\+json/);
      for (const leak of ['pool', 'PGlite', 'closed', ' at ', 'api_keys']) expect(read.body).not.toContain(leak);
    } finally {
      await t.app.close();
    }
  });
});
