// The log is JSON, one line per entry, and every request line says who did what: request id,
// operation, actor, route template, status, duration. Whatever a future log call passes along —
// request headers, a user with its password, an API key record, a session — the redaction paths
// blank the secret fields. (test/security/leaks.test.ts proves a whole working day leaves no
// secret or personal data in the log; this file covers the line format and the redaction rules.)
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/platform/observability/logger.ts';
import { testEngines } from '../helpers/engines.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { createProduct } from '../helpers/fixtures.ts';

function captured(): { lines: () => Record<string, unknown>[]; raw: () => string; destination: Writable } {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, cb) {
      chunks.push(String(chunk));
      cb();
    },
  });
  return {
    destination,
    raw: () => chunks.join(''),
    lines: () => chunks.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

describe('redaction rules of the logger', () => {
  it('blanks passwords, API keys, tokens, secrets, cookies and auth headers wherever a log call passes them', () => {
    const out = captured();
    const logger = createLogger({ level: 'info', destination: out.destination });
    const secrets = {
      password: 'Dulce-De-Leche-Secreto-2026',
      key: 'inv_live_0123456789abcdefghijklmnop',
      token: 'sess_abcdefghijklmnopqrstuvwxyz012345',
      secret: 'webhook-hmac-secret-0123456789abcdef',
      authorization: 'Bearer inv_header_0123456789abcdefghij',
      cookie: 'inventario_session=cookie-value-0123456789',
      apiKeyHeader: 'inv_xapikey_0123456789abcdefghij',
      csrf: 'csrf-0123456789abcdefghijklmnopqrstu',
      setCookie: '__Host-inventario_session=set-cookie-value-0123; Secure',
    };
    logger.info({ user: { username: 'encargada', password: secrets.password } }, 'user created');
    logger.info({ apiKey: { prefix: 'inv_live', key: secrets.key }, session: { token: secrets.token }, webhook: { secret: secrets.secret } }, 'credentials');
    logger.info(
      {
        req: { method: 'GET', url: '/api/v1/customers?email=graciela%40correo.example', headers: { authorization: secrets.authorization, cookie: secrets.cookie, 'x-api-key': secrets.apiKeyHeader, 'x-csrf-token': secrets.csrf } },
        res: { headers: { 'set-cookie': secrets.setCookie } },
      },
      'request with everything',
    );
    const raw = out.raw();
    for (const [name, value] of Object.entries(secrets)) expect(raw.includes(value), name).toBe(false);
    // The query string may carry an email or a document number: only the path is kept.
    expect(raw).not.toContain('graciela');
    const [user, creds, request] = out.lines();
    expect(user).toMatchObject({ user: { username: 'encargada', password: '[redacted]' } });
    expect(creds).toMatchObject({ apiKey: { prefix: 'inv_live', key: '[redacted]' }, session: { token: '[redacted]' }, webhook: { secret: '[redacted]' } });
    expect(request).toMatchObject({ req: { method: 'GET', path: '/api/v1/customers' } });
  });
});

describe.each(testEngines())('request log lines on %s', (engine) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(engine);
  });
  afterAll(async () => t?.close());

  const requestLines = () =>
    t.logLines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'request');

  it('writes one JSON line per request with request id, operation, actor, route template, status and duration', async () => {
    const product = await createProduct(t);
    const res = await t.call('GET', `/api/v1/products/${product.id}?q=yerba`, { headers: { 'x-request-id': 'till-2:read-0001' } });
    expect(res.statusCode).toBe(200);
    const line = requestLines().find((l) => l.request_id === 'till-2:read-0001');
    expect(line).toMatchObject({
      level: 30,
      service: 'inventario',
      op: 'catalog.product.get',
      method: 'GET',
      path: '/api/v1/products/:id',
      status: 200,
      actor: expect.stringMatching(/^api_key:/),
    });
    expect(line!.ms).toEqual(expect.any(Number));
    expect(line!.time).toEqual(expect.stringMatching(/^\d{4}-\d\d-\d\dT/));
    // The route template, not the URL: neither the id nor the query string is logged.
    expect(JSON.stringify(line)).not.toContain(product.id);
    expect(JSON.stringify(line)).not.toContain('yerba');
  });

  it('logs refused requests without an actor and without the credential that was refused', async () => {
    const bad = 'inv_this-key-does-not-exist-0000000000';
    const res = await t.call('GET', '/api/v1/products', { key: bad, headers: { 'x-request-id': 'till-2:bad-key', cookie: 'inventario_session=stolen-cookie-value-0001' } });
    expect(res.statusCode).toBe(401);
    const line = requestLines().find((l) => l.request_id === 'till-2:bad-key');
    expect(line).toMatchObject({ op: 'catalog.product.list', status: 401 });
    expect(line!.actor).toBeUndefined();
    const all = t.logLines.join('\n');
    expect(all).not.toContain(bad);
    expect(all).not.toContain('stolen-cookie-value-0001');
  });
});
