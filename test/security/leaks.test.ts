// Leak checks over a whole working day in one server: API keys, dashboard logins (good and bad
// passwords), cookie writes with CSRF tokens, customers created, read and looked up by email and
// document. Afterwards neither the server log nor a dump of every table may contain any secret
// or any of the people's plaintext personal data.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/platform/db/types.ts';
import { testEngines } from '../helpers/engines.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

const PEOPLE = [
  { name: 'Graciela Beatriz Fernández', doc_type: 'DNI', doc_number: '27654321', email: 'graciela.fernandez@correo-prueba.example', phone: '+54 9 11 5555-0101', address: 'Av. Corrientes 1234, CABA' },
  { name: 'Osvaldo Rubén Quiroga', doc_type: 'CUIT', doc_number: '20-12345678-6', email: 'OQuiroga@Correo-Prueba.example', phone: '+54 9 351 444-0202', address: 'Bv. San Juan 456, Córdoba' },
];
const PASSWORD = 'Alfajor-De-Maicena-Con-Dulce-2026';
const WRONG_PASSWORD = 'Mate-Cocido-Equivocado-1999';

describe.each(testEngines())('secrets and personal data stay out of logs and the database on %s', (engine) => {
  let t: TestApp;
  const secrets: string[] = [];

  beforeAll(async () => {
    t = await createTestApp(engine);
    secrets.push(t.adminKey, PASSWORD, WRONG_PASSWORD);

    const key = await t.call('POST', '/api/v1/api-keys', { body: { name: 'caja-1', role: 'manager' } });
    const managerKey = key.json().key as string;
    secrets.push(managerKey);
    await t.call('GET', '/api/v1/products', { key: `${managerKey.slice(0, 20)}tampered-suffix-000000` });

    const user = await t.call('POST', '/api/v1/users', {
      body: { username: 'encargada', password: PASSWORD, role: 'manager', email: 'encargada.turno@correo-prueba.example' },
    });
    expect(user.statusCode, user.body).toBe(201);
    await t.call('POST', '/api/v1/auth/login', { key: null, body: { username: 'encargada', password: WRONG_PASSWORD } });
    const login = await t.call('POST', '/api/v1/auth/login', { key: null, body: { username: 'encargada', password: PASSWORD } });
    expect(login.statusCode, login.body).toBe(200);
    const csrf = login.json().csrf_token as string;
    const cookie = [login.headers['set-cookie']].flat().find((c) => String(c).includes('inventario_session='))!;
    const pair = String(cookie).split(';')[0]!;
    secrets.push(csrf, pair.split('=')[1]!);
    const write = await t.call('POST', '/api/v1/locations', {
      key: null,
      headers: { cookie: pair, 'x-csrf-token': csrf },
      body: { code: 'DEP2', name: 'Depósito del fondo' },
    });
    expect(write.statusCode, write.body).toBe(201);

    for (const person of PEOPLE) {
      const created = await t.call('POST', '/api/v1/customers', { key: managerKey, body: person });
      expect(created.statusCode, created.body).toBe(201);
      const id = created.json().id as string;
      expect((await t.call('GET', `/api/v1/customers/${id}`, { key: managerKey })).statusCode).toBe(200);
      const byEmail = await t.call('GET', `/api/v1/customers?email=${encodeURIComponent(person.email.toUpperCase())}`, { key: managerKey });
      expect(byEmail.json().items).toHaveLength(1);
      const byDoc = await t.call('GET', `/api/v1/customers?doc_number=${encodeURIComponent(person.doc_number)}`, { key: managerKey });
      expect(byDoc.json().items).toHaveLength(1);
    }
    expect((await t.call('GET', '/api/v1/customers', { key: managerKey })).statusCode).toBe(200);
    await t.call('POST', '/api/v1/auth/logout', { key: null, headers: { cookie: pair, 'x-csrf-token': csrf } });
  });
  afterAll(async () => t?.close());

  const personal = () =>
    PEOPLE.flatMap((p) => [p.name, p.email, p.email.toLowerCase(), p.doc_number, p.doc_number.replace(/-/g, ''), p.phone, p.address]).concat([
      'encargada.turno@correo-prueba.example',
    ]);

  it('writes no API key, password, session id, CSRF token or personal data to the server log', () => {
    const log = t.logLines.join('\n');
    expect(t.logLines.length).toBeGreaterThan(10);
    for (const value of [...secrets, ...personal()]) {
      expect(log.includes(value), `log contains ${value.slice(0, 6)}…`).toBe(false);
    }
  });

  it('keeps no secret and no plaintext personal data in any table', async () => {
    const tables = await queryRows<{ name: string }>(
      t.db.database.db,
      sql`select table_schema || '.' || table_name as name from information_schema.tables
          where table_schema in ('public', 'drizzle') and table_type = 'BASE TABLE'`,
    );
    expect(tables.length).toBeGreaterThan(10);
    let dump = '';
    for (const { name } of tables) {
      const rows = await queryRows<{ row: string }>(t.db.database.db, sql`select row_to_json(t)::text as row from ${sql.raw(name)} t`);
      dump += rows.map((r) => r.row).join('\n');
    }
    const lower = dump.toLowerCase();
    for (const value of [...secrets, ...personal()]) {
      expect(lower.includes(value.toLowerCase()), `database contains ${value.slice(0, 6)}…`).toBe(false);
    }
    // The dump is not trivially empty: the people are there, encrypted.
    expect(dump).toContain('"kid"');
  });
});
