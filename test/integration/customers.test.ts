// API.md "Customers and privacy" (create, read, lookups, masked list) and DOMAIN.md "Personal
// data": sealed at rest field by field, found through blind indexes, every decryption audited.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/platform/db/types.ts';
import { testEngines } from '../helpers/engines.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

const UNKNOWN_ID = '0195b7a4-0000-7000-8000-0000000000ff';
const CUSTOMER_KEYS = ['address', 'created_at', 'doc_number', 'doc_type', 'email', 'id', 'marketing_consent', 'name', 'phone'];

// One person whose every detail the leak checks below look for.
const PERSON = {
  name: 'Zacarías Quintero Yrigoyen',
  doc_type: 'DNI',
  doc_number: '31.456.789',
  email: 'Zacarias.Yrigoyen@Ejemplo-Prueba.com.ar',
  phone: '+54 9 351 555-0199',
  address: 'Bv. Chacabuco 1234, Córdoba',
  marketing_consent: true,
};
const SECRETS = ['Zacarías', 'Quintero', 'Yrigoyen', '31456789', '31.456.789', 'zacarias.yrigoyen@ejemplo-prueba.com.ar', '555-0199', 'Chacabuco'];

interface AuditRow {
  action: string;
  resource: string | null;
  outcome: string;
  actor: string;
  details: Record<string, unknown>;
}

describe.each(testEngines())('customers on %s', (engine) => {
  let t: TestApp;
  let person: Record<string, unknown> & { id: string };

  const create = (body: Record<string, unknown>, key?: string) => t.call('POST', '/api/v1/customers', { body, ...(key ? { key } : {}) });
  const list = async (query = '') => {
    const res = await t.call('GET', `/api/v1/customers${query}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as { items: Record<string, unknown>[]; next_cursor: string | null };
  };
  const auditOf = (resource: string) =>
    queryRows<AuditRow>(t.db.database.db, sql`select action, resource, outcome, actor, details from audit_events where resource = ${resource} order by seq`);

  beforeAll(async () => {
    t = await createTestApp(engine);
    const res = await create(PERSON);
    expect(res.statusCode, res.body).toBe(201);
    person = res.json();
    const traveller = await create({ name: 'Viajero', doc_type: 'PASSPORT', doc_number: '31456789' });
    expect(traveller.statusCode, traveller.body).toBe(201);
  });
  afterAll(async () => t?.close());

  describe('create and read', () => {
    it('creates a customer with every documented field, the document normalized', () => {
      expect(Object.keys(person).sort()).toEqual(CUSTOMER_KEYS);
      expect(person).toMatchObject({ ...PERSON, doc_number: '31456789' });
      expect(person.created_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    });

    it('reads it back whole, decrypted', async () => {
      const res = await t.call('GET', `/api/v1/customers/${person.id}`);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toEqual(person);
    });

    it('stores CUIT and CUIL dashed, optional fields as null and consent false by default', async () => {
      const res = await create({ name: 'Empresa Uno', doc_type: 'CUIT', doc_number: '30712345671' });
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json()).toMatchObject({ doc_type: 'CUIT', doc_number: '30-71234567-1', email: null, phone: null, address: null, marketing_consent: false });
      const cuil = await create({ name: 'Ana Gómez', doc_type: 'CUIL', doc_number: '27-12345678-0' });
      expect(cuil.json().doc_number).toBe('27-12345678-0');
    });

    it.each([
      [{ doc_type: 'DNI', doc_number: '123' }, 'doc_number'],
      [{ doc_type: 'CUIT', doc_number: '20-12345678-9' }, 'doc_number'],
      [{ doc_type: 'LE', doc_number: '12345678' }, 'doc_type'],
      [{ doc_type: 'DNI', doc_number: '22333444', email: 'no-es-un-email' }, 'email'],
      [{ doc_type: 'DNI', doc_number: '22333444', phone: 'llamar a la tarde' }, 'phone'],
      [{ doc_type: 'DNI', doc_number: '22333444', name: '  ' }, 'name'],
      [{ doc_type: 'DNI', doc_number: '22333444', colour: 'red' }, 'colour'],
    ])('answers 400 validation.failed for %j, at %s, in Spanish', async (fields, field) => {
      const res = await create({ name: 'Prueba', ...fields });
      expect(res.statusCode, res.body).toBe(400);
      const body = res.json();
      expect(body.code).toBe('validation.failed');
      expect(body.errors.map((e: { path: string }) => e.path)).toEqual([field]);
      expect(body.errors[0].message).not.toMatch(/invalid|expected|required/i);
    });

    it('answers 409 customer.duplicate for the same document however it is written', async () => {
      for (const doc_number of ['31456789', ' 31.456.789 ', '031456789']) {
        const res = await create({ name: 'Otra Persona', doc_type: 'DNI', doc_number });
        expect(res.statusCode, res.body).toBe(409);
        expect(res.json().code).toBe('customer.duplicate');
      }
      // The same digits as another document type are another document (created in beforeAll).
      expect((await list('?doc_number=31456789&doc_type=PASSPORT')).items).toHaveLength(1);
    });

    it('answers 404 customer.not_found for an unknown id', async () => {
      const res = await t.call('GET', `/api/v1/customers/${UNKNOWN_ID}`);
      expect(res.statusCode).toBe(404);
      expect(res.json().code).toBe('customer.not_found');
    });
  });

  describe('roles', () => {
    it.each(['clerk', 'auditor'] as const)('refuses a %s every customer route with 403', async (role) => {
      const key = await t.keyFor(role);
      for (const [method, url, body] of [
        ['POST', '/api/v1/customers', { name: 'X', doc_type: 'DNI', doc_number: '40111222' }],
        ['GET', `/api/v1/customers/${person.id}`, undefined],
        ['GET', '/api/v1/customers', undefined],
        ['GET', '/api/v1/customers?doc_number=31456789', undefined],
      ] as const) {
        const res = await t.call(method, url, { key, ...(body ? { body } : {}) });
        expect(res.statusCode, `${method} ${url}`).toBe(403);
        expect(res.json().code).toBe('auth.forbidden');
        expect(res.body).not.toContain('Yrigoyen');
      }
    });

    it('lets a manager create and read customers', async () => {
      const key = await t.keyFor('manager');
      const res = await create({ name: 'Cliente Del Gerente', doc_type: 'DNI', doc_number: '40111333' }, key);
      expect(res.statusCode, res.body).toBe(201);
      expect((await t.call('GET', `/api/v1/customers/${res.json().id}`, { key })).statusCode).toBe(200);
    });

    it('refuses anonymous requests with 401', async () => {
      expect((await t.call('GET', `/api/v1/customers/${person.id}`, { key: null })).statusCode).toBe(401);
    });
  });

  describe('exact lookups through blind indexes', () => {
    it.each([
      ['the document and its type', '?doc_number=31456789&doc_type=DNI'],
      ['the document with dots and its type', '?doc_number=31.456.789&doc_type=DNI'],
      ['the email in another letter case', `?email=${encodeURIComponent(PERSON.email.toUpperCase())}`],
      ['the email lower-cased with spaces', `?email=${encodeURIComponent(`  ${PERSON.email.toLowerCase()} `)}`],
    ])('finds the person by %s, as a whole record', async (_label, query) => {
      const { items, next_cursor } = await list(query);
      expect(items).toEqual([person]);
      expect(next_cursor).toBeNull();
    });

    it('finds a document under every type it is valid for when no type is given', async () => {
      // The same digits were registered as a DNI and, for someone else, as a passport.
      const both = await list('?doc_number=31456789');
      expect(both.items.map((i) => i.doc_type).sort()).toEqual(['DNI', 'PASSPORT']);
      expect(both.items.find((i) => i.doc_type === 'DNI')).toEqual(person);
      const passport = await list('?doc_number=31456789&doc_type=PASSPORT');
      expect(passport.items.map((i) => i.name)).toEqual(['Viajero']);
    });

    it('finds nobody for a document or email nobody has', async () => {
      expect((await list('?doc_number=29999111')).items).toEqual([]);
      expect((await list('?email=nadie%40ejemplo.com')).items).toEqual([]);
      expect((await list('?doc_number=20-12345678-6&doc_type=CUIL')).items).toEqual([]);
    });

    it.each([
      ['?doc_type=DNI', 'doc_type'],
      ['?doc_number=12&doc_type=DNI', 'doc_number'],
      ['?doc_number=..--', 'doc_number'],
      ['?email=no-es-email', 'email'],
      ['?doc_number=31456789&email=a%40b.com', 'email'],
    ])('answers 400 for the lookup %s, at %s', async (query, field) => {
      const res = await t.call('GET', `/api/v1/customers${query}`);
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().errors.map((e: { path: string }) => e.path)).toEqual([field]);
    });
  });

  describe('the list without a filter', () => {
    it('shows ids and masked names only, and walks every customer once with cursors', async () => {
      const all: Record<string, unknown>[] = [];
      let cursor: string | null = null;
      do {
        const pageResult = await list(`?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
        expect(pageResult.items.length).toBeLessThanOrEqual(2);
        all.push(...pageResult.items);
        cursor = pageResult.next_cursor;
      } while (cursor);
      for (const item of all) expect(Object.keys(item).sort()).toEqual(['id', 'masked_name']);
      expect(new Set(all.map((i) => i.id)).size).toBe(all.length);
      expect(all.find((i) => i.id === person.id)).toEqual({ id: person.id, masked_name: 'Z*** Q*** Y***' });
      expect(JSON.stringify(all)).not.toMatch(/Yrigoyen|31456789|@/);
    });
  });

  describe('audit', () => {
    it('records the creation and every read of personal data, without the data itself', async () => {
      const resource = `customer:${person.id}`;
      const before = (await auditOf(resource)).length;
      await t.call('GET', `/api/v1/customers/${person.id}`);
      await list(`?email=${encodeURIComponent(PERSON.email)}`);
      const events = await auditOf(resource);
      expect(events[0]).toMatchObject({
        action: 'customers.customer.create',
        outcome: 'success',
        actor: expect.stringMatching(/^api_key:/),
        details: { fields: ['name', 'doc_type', 'doc_number', 'email', 'phone', 'address'], marketing_consent: true },
      });
      const reads = events.slice(before);
      expect(reads.map((e) => [e.action, e.outcome, e.details.lookup ?? null])).toEqual([
        ['customers.customer.read', 'success', null],
        ['customers.customer.read', 'success', 'email'],
      ]);
      expect(reads[0]!.details.fields).toEqual(['name', 'doc_type', 'doc_number', 'email', 'phone', 'address']);
      const text = JSON.stringify(events).toLowerCase();
      for (const secret of SECRETS) expect(text).not.toContain(secret.toLowerCase());
    });

    it('records each masked list with the ids it showed', async () => {
      await list('?limit=3');
      const [event] = await queryRows<AuditRow>(
        t.db.database.db,
        sql`select action, resource, outcome, actor, details from audit_events where action = 'customers.customer.list' order by seq desc limit 1`,
      );
      expect(event).toMatchObject({ outcome: 'success', resource: null, details: { fields: ['name'], masked: true, count: 3 } });
      expect(event!.details.customer_ids).toHaveLength(3);
    });
  });

  describe('tampering', () => {
    it('answers 500 crypto.decrypt_failed, revealing nothing, when a field was moved from another customer', async () => {
      const other = (await create({ name: 'Beatriz Ibarra', doc_type: 'DNI', doc_number: '27888999' })).json();
      const victim = (await create({ name: 'Carlos Medina', doc_type: 'DNI', doc_number: '26777888' })).json();
      await t.db.database.db.execute(
        sql`update customers set name_sealed = (select name_sealed from customers where id = ${other.id}) where id = ${victim.id}`,
      );
      const res = await t.call('GET', `/api/v1/customers/${victim.id}`);
      expect(res.statusCode).toBe(500);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(Object.keys(res.json()).sort()).toEqual(['code', 'detail', 'status', 'title', 'type']);
      expect(res.json().code).toBe('crypto.decrypt_failed');
      expect(res.body).not.toMatch(/Beatriz|Carlos|Medina|Ibarra|aes|gcm|auth/i);
      const events = await auditOf(`customer:${victim.id}`);
      expect(events.at(-1)).toMatchObject({ action: 'customers.customer.read', outcome: 'error', details: { code: 'crypto.decrypt_failed' } });
      // No success event for the failed read: it rolled back with the read.
      expect(events.filter((e) => e.action === 'customers.customer.read' && e.outcome === 'success')).toHaveLength(0);
      // The masked list refuses too, rather than skipping the damaged row silently.
      const listed = await t.call('GET', '/api/v1/customers?limit=500');
      expect(listed.statusCode).toBe(500);
      expect(listed.json().code).toBe('crypto.decrypt_failed');
      // Erasure needs no decryption: the damaged record can still be erased (and leaves later lists).
      expect((await t.call('DELETE', `/api/v1/customers/${victim.id}`)).statusCode).toBe(200);
    });

    it('answers 500 crypto.decrypt_failed when a ciphertext byte was changed', async () => {
      const c = (await create({ name: 'Dora Luna', doc_type: 'DNI', doc_number: '25666777', email: 'dora@example.com' })).json();
      await t.db.database.db.execute(
        sql`update customers set email_sealed = jsonb_set(email_sealed, '{tag}', to_jsonb('AAAAAAAAAAAAAAAAAAAAAA'::text)) where id = ${c.id}`,
      );
      const res = await t.call('GET', `/api/v1/customers/${c.id}`);
      expect(res.statusCode).toBe(500);
      expect(res.json().code).toBe('crypto.decrypt_failed');
      expect((await t.call('DELETE', `/api/v1/customers/${c.id}`)).statusCode).toBe(200);
    });
  });

  describe('no plaintext anywhere', () => {
    it('stores nothing of the person in plaintext in any column of any table', async () => {
      const tables = await queryRows<{ schema: string; name: string }>(
        t.db.database.db,
        sql`select table_schema as schema, table_name as name from information_schema.tables
            where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')`,
      );
      expect(tables.map((x) => x.name)).toEqual(expect.arrayContaining(['customers', 'data_keys', 'audit_events']));
      let dump = '';
      for (const table of tables) {
        const rows = await queryRows(t.db.database.db, sql`select * from ${sql.identifier(table.schema)}.${sql.identifier(table.name)}`);
        dump += JSON.stringify(rows);
      }
      expect(dump).toContain(person.id);
      const lower = dump.toLowerCase();
      for (const secret of SECRETS) expect(lower, secret).not.toContain(secret.toLowerCase());
    });

    it('never wrote the person to the server log', () => {
      expect(t.logLines.length).toBeGreaterThan(10);
      const log = t.logLines.join('\n').toLowerCase();
      for (const secret of SECRETS) expect(log, secret).not.toContain(secret.toLowerCase());
    });
  });
});
