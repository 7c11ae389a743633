// Insecure direct object references and path traversal: a user reaches only what their role
// allows, never another account through an id they put in the request, and no URL reaches a
// file outside what the server means to serve.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../helpers/engines.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

const PASSWORD_A = 'Facturas-De-Proveedor-2026-A';
const PASSWORD_B = 'Remitos-Del-Deposito-2026-B';

describe.each(testEngines())('object references and paths on %s', (engine) => {
  let t: TestApp;
  let clerkA: { id: string; cookie: string; csrf: string };
  let managerB: { id: string };

  const login = async (username: string, password: string) => {
    const res = await t.call('POST', '/api/v1/auth/login', { key: null, body: { username, password } });
    return res;
  };

  beforeAll(async () => {
    t = await createTestApp(engine);
    const a = await t.call('POST', '/api/v1/users', { body: { username: 'cajera-a', password: PASSWORD_A, role: 'clerk' } });
    const b = await t.call('POST', '/api/v1/users', { body: { username: 'encargado-b', password: PASSWORD_B, role: 'manager' } });
    expect(a.statusCode, a.body).toBe(201);
    expect(b.statusCode, b.body).toBe(201);
    managerB = { id: b.json().id };
    const res = await login('cajera-a', PASSWORD_A);
    const cookie = String([res.headers['set-cookie']].flat().find((c) => String(c).includes('inventario_session='))).split(';')[0]!;
    clerkA = { id: a.json().id, cookie, csrf: res.json().csrf_token };
  });
  afterAll(async () => t?.close());

  const asClerk = (method: string, url: string, body?: unknown) =>
    t.call(method, url, { key: null, headers: { cookie: clerkA.cookie, 'x-csrf-token': clerkA.csrf }, ...(body ? { body } : {}) });

  it("cannot change another account's password by naming it in the body", async () => {
    for (const extra of [{ user_id: managerB.id }, { username: 'encargado-b' }, { id: managerB.id }]) {
      const res = await asClerk('POST', '/api/v1/auth/password', {
        current_password: PASSWORD_A,
        new_password: 'Otra-Clave-Bastante-Larga-99',
        ...extra,
      });
      expect(res.statusCode).toBe(400);
    }
    expect((await login('encargado-b', PASSWORD_B)).statusCode).toBe(200);
    expect((await login('cajera-a', PASSWORD_A)).statusCode).toBe(200);
  });

  it('cannot read or edit another account, nor raise its own role, by id', async () => {
    expect((await asClerk('GET', `/api/v1/users/${managerB.id}`)).statusCode).toBe(403);
    expect((await asClerk('PATCH', `/api/v1/users/${managerB.id}`, { disabled: true })).statusCode).toBe(403);
    expect((await asClerk('PATCH', `/api/v1/users/${clerkA.id}`, { role: 'admin' })).statusCode).toBe(403);
    const me = await t.call('GET', '/api/v1/me', { key: null, headers: { cookie: clerkA.cookie } });
    expect(me.json()).toMatchObject({ id: clerkA.id, role: 'clerk' });
  });

  it("cannot revoke an admin's API key or read a customer by guessing its id", async () => {
    const keys = (await t.call('GET', '/api/v1/api-keys')).json().items as { id: string }[];
    expect((await asClerk('DELETE', `/api/v1/api-keys/${keys[0]!.id}`)).statusCode).toBe(403);
    const customer = await t.call('POST', '/api/v1/customers', {
      body: { name: 'Marta Suárez', doc_type: 'DNI', doc_number: '23456789' },
    });
    expect(customer.statusCode, customer.body).toBe(201);
    expect((await asClerk('GET', `/api/v1/customers/${customer.json().id}`)).statusCode).toBe(403);
    const stillActive = await t.call('GET', '/api/v1/me');
    expect(stillActive.statusCode).toBe(200);
  });

  it.each([
    '/docs/static/..%2f..%2f..%2fpackage.json',
    '/docs/static/../../../package.json',
    '/docs/static/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
    '/docs/..%2f..%2fsrc%2fconfig.ts',
    '/api/v1/products/..%2f..%2fapi-keys',
    '/api/v1/products/%2e%2e%2fsuppliers',
  ])('serves no file and no other resource through %s', async (url) => {
    const res = await t.call('GET', url);
    expect(res.statusCode).toBeGreaterThanOrEqual(400);
    expect(res.statusCode).toBeLessThan(500);
    expect(res.body).not.toContain('"name": "inventario-retail"');
    expect(res.body).not.toContain('root:');
    expect(res.body).not.toContain('INVENTARIO_DATA_DIR');
  });
});
