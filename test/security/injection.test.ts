// Injection and hostile-input checks driven by the OpenAPI document: every string query
// parameter and every string body field of every operation receives every payload.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../helpers/engines.ts';
import { createProduct, receive } from '../helpers/fixtures.ts';
import { createTestApp, idemKey, type TestApp } from '../helpers/test-app.ts';
import { SQL_INJECTION, UNICODE_TRICKS, XSS } from './payloads.ts';

interface Schema {
  type?: string | string[];
  properties?: Record<string, Schema>;
  anyOf?: Schema[];
}
interface OpenApiOperation {
  parameters?: { in: string; name: string; schema?: Schema }[];
  requestBody?: { content?: { 'application/json'?: { schema?: Schema } } };
}

// An injected pg_sleep(5) that ran would take at least 5 s; a request slowed by a busy machine
// (two cores shared with browser and server processes) stays well under this.
const TOO_SLOW_MS = 3000;

const isString = (s: Schema | undefined): boolean =>
  Boolean(s && ([s.type].flat().includes('string') || s.anyOf?.some((a) => [a.type].flat().includes('string'))));

describe.each(testEngines())('injection resistance on %s', (engine) => {
  let t: TestApp;
  let paths: Record<string, Record<string, OpenApiOperation>>;
  let productId: string;

  beforeAll(async () => {
    t = await createTestApp(engine);
    paths = (await t.call('GET', '/openapi.json', { key: null })).json().paths;
    const p = await createProduct(t, { name: 'Yerba de control' });
    await receive(t, p.id, '5');
    productId = p.id;
  });
  afterAll(async () => t?.close());

  const fill = (path: string) => path.replace(/\{[^}]+\}/g, productId);

  it('never fails with 500, never takes long enough for an injected sleep, and never matches extra rows through a query parameter', async () => {
    const problems: string[] = [];
    let sent = 0;
    for (const [path, methods] of Object.entries(paths)) {
      const op = methods.get;
      if (!op) continue;
      for (const param of (op.parameters ?? []).filter((p) => p.in === 'query' && isString(p.schema))) {
        for (const payload of SQL_INJECTION) {
          const started = Date.now();
          const res = await t.call('GET', `${fill(path)}?${param.name}=${encodeURIComponent(payload)}`);
          const elapsed = Date.now() - started;
          sent += 1;
          if (res.statusCode >= 500) problems.push(`${path}?${param.name} ${JSON.stringify(payload)} → ${res.statusCode}`);
          if (elapsed > TOO_SLOW_MS) problems.push(`${path}?${param.name} ${JSON.stringify(payload)} took ${elapsed} ms`);
          const items = res.statusCode === 200 ? (res.json() as { items?: unknown[] }).items : undefined;
          if (items && items.length > 0) problems.push(`${path}?${param.name} ${JSON.stringify(payload)} matched ${items.length} rows`);
        }
      }
    }
    expect(problems).toEqual([]);
    expect(sent).toBeGreaterThan(40 * 8);
  });

  it('never fails with 500 or slows down when a body string field carries an injection or unicode trick', async () => {
    const problems: string[] = [];
    let sent = 0;
    for (const [path, methods] of Object.entries(paths)) {
      for (const [method, op] of Object.entries(methods)) {
        const props = op.requestBody?.content?.['application/json']?.schema?.properties;
        if (!props) continue;
        for (const [field] of Object.entries(props).filter(([, s]) => isString(s))) {
          for (const payload of [...SQL_INJECTION, ...UNICODE_TRICKS]) {
            const started = Date.now();
            const res = await t.call(method.toUpperCase(), fill(path), {
              body: { [field]: payload },
              idempotencyKey: idemKey('inj'),
            });
            sent += 1;
            const elapsed = Date.now() - started;
            if (res.statusCode >= 500) problems.push(`${method} ${path} ${field}=${JSON.stringify(payload).slice(0, 40)} → ${res.statusCode} ${res.body.slice(0, 120)}`);
            if (elapsed > TOO_SLOW_MS) problems.push(`${method} ${path} ${field} took ${elapsed} ms`);
          }
        }
      }
    }
    expect(problems).toEqual([]);
    expect(sent).toBeGreaterThan(40 * 10);
    // The ledger and the catalog are untouched by all of it.
    const integrity = (await t.call('GET', '/api/v1/stock/integrity')).json();
    expect(integrity.ok).toBe(true);
    const product = (await t.call('GET', `/api/v1/products/${productId}`)).json();
    expect(product.on_hand).toBe('5');
  });

  it('stores script payloads as inert JSON data and returns them unchanged', async () => {
    for (const payload of XSS) {
      const created = await createProduct(t, { name: payload });
      const res = await t.call('GET', `/api/v1/products/${created.id}`);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.json().name).toBe(payload);
    }
  });

  it('refuses strings with NUL characters as a validation error, not a database error', async () => {
    const res = await t.call('POST', '/api/v1/products', {
      body: { sku: 'NUL-1', name: 'abc\u0000def', category: 'x', cost_price: '1' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('validation.failed');
  });

  it('rejects fields the client may not set (mass assignment) instead of applying them', async () => {
    const res = await t.call('POST', '/api/v1/products', {
      body: { sku: 'MASS-1', name: 'x', category: 'y', cost_price: '1', on_hand: '1000', archived: true, id: productId },
    });
    expect(res.statusCode).toBe(400);
    const paths = (res.json().errors as { path: string }[]).map((e) => e.path).sort();
    expect(paths).toEqual(['archived', 'id', 'on_hand']);
    const patch = await t.call('PATCH', `/api/v1/products/${productId}`, { body: { on_hand: '999' } });
    expect(patch.statusCode).toBe(400);
    expect((await t.call('GET', `/api/v1/products/${productId}`)).json().on_hand).toBe('5');
  });
});
