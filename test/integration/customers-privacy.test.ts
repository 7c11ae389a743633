// Data-subject rights (issue 6, items 1–5; API.md "Customers and privacy"; DOMAIN.md "Personal
// data"): export, rectification with sealed history, erasure by crypto-shredding (with legal
// holds), consent with history, restriction honoured by the marketing audience, and the erasure
// journal a restore replays.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/platform/db/types.ts';
import { DataKeyDestroyedError } from '../../src/platform/crypto/service.ts';
import { erasureJournalPath, readErasureJournalFile } from '../../src/modules/customers/erasure-journal.ts';
import { replayErasureJournal } from '../../src/modules/customers/erasure-replay.ts';
import { buildApp } from '../../src/app.ts';
import { createLogger } from '../../src/platform/observability/logger.ts';
import { testEngines } from '../helpers/engines.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { createProduct, move, onHand, receive } from '../helpers/fixtures.ts';

const UNKNOWN_ID = '0195b7a4-0000-7000-8000-0000000000fe';

const PERSON = {
  name: 'Zacarías Quintero Yrigoyen',
  doc_type: 'DNI',
  doc_number: '31456789',
  email: 'zacarias.yrigoyen@ejemplo-prueba.com.ar',
  phone: '+54 9 351 555-0199',
  address: 'Bv. Chacabuco 1234, Córdoba',
  marketing_consent: true,
  consent_source: 'web',
};
// Someone else whose data must never appear in PERSON's export.
const OTHER = {
  name: 'Hermenegilda Ortúzar',
  doc_type: 'DNI',
  doc_number: '28777666',
  email: 'hermenegilda@otra-persona.com.ar',
  phone: '+54 11 4444-7788',
  marketing_consent: true,
};

type Json = Record<string, unknown> & { id: string };

describe.each(testEngines())('data-subject rights on %s', (engine) => {
  let t: TestApp;
  let dataDir: string;
  let person: Json;
  let other: Json;
  let productId: string;
  let personSaleAt: string;
  let nextDoc = 40_100_000;

  const create = async (body: Record<string, unknown>) => {
    const res = await t.call('POST', '/api/v1/customers', { body });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as Json;
  };
  const someone = (extra: Record<string, unknown> = {}) =>
    create({ name: 'Persona De Prueba', doc_type: 'DNI', doc_number: String((nextDoc += 1)), email: `p${nextDoc}@prueba.com.ar`, ...extra });
  const db = () => t.db.database.db;
  const row = async (id: string) =>
    (await queryRows<Record<string, unknown>>(db(), sql`select * from customers where id = ${id}`))[0]!;
  const keyRow = async (id: string) =>
    (await queryRows<{ wrapped_key: string | null; destroyed_at: Date | null; subject: string }>(db(), sql`select wrapped_key, destroyed_at, subject from data_keys where id = ${id}`))[0];
  const auditOf = (id: string, action: string) =>
    queryRows<{ details: Record<string, unknown>; actor: string }>(
      db(),
      sql`select details, actor from audit_events where resource = ${`customer:${id}`} and action = ${action} order by seq`,
    );
  const audience = async (key?: string) => {
    const res = await t.call('GET', '/api/v1/customers/marketing-audience?limit=500', key ? { key } : {});
    expect(res.statusCode, res.body).toBe(200);
    return (res.json().items as Json[]).map((i) => i.id);
  };
  const sale = (customerId: string, quantity = 1) => move(t, { product_id: productId, type: 'out', quantity, customer_id: customerId });
  /** A sale recorded `years` ago through the ledger's own (seeder) path. */
  const oldSale = (customerId: string, years: number) =>
    t.db.database.transaction((tx) =>
      t.services.stock.applyMovement(tx, { product_id: productId, type: 'out', quantity: '1', customer_id: customerId }, {
        actor: 'test',
        at: new Date(Date.now() - years * 366 * 86_400_000),
      }),
    );

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'inv-privacy-'));
    t = await createTestApp(engine, { INVENTARIO_DATA_DIR: dataDir });
    person = await create(PERSON);
    other = await create(OTHER);
    productId = (await createProduct(t, { name: 'Yerba Mate Suave 1kg' })).id;
    await receive(t, productId, 100);
  });
  afterAll(async () => {
    await t?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  describe('sales that name a customer', () => {
    it('records the customer on an outgoing sale, and refuses it on other movement types', async () => {
      const res = await sale(person.id, 2);
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json().movement).toMatchObject({ type: 'out', quantity: '-2', customer_id: person.id });
      personSaleAt = res.json().movement.created_at;
      expect((await sale(other.id)).statusCode).toBe(201);
      const bad = await move(t, { product_id: productId, type: 'in', quantity: 1, customer_id: person.id });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().errors.map((e: { path: string }) => e.path)).toEqual(['customer_id']);
    });

    it('answers 404 customer.not_found for an unknown customer and moves nothing', async () => {
      const before = await onHand(t, productId);
      const res = await sale(UNKNOWN_ID);
      expect(res.statusCode).toBe(404);
      expect(res.json().code).toBe('customer.not_found');
      expect(await onHand(t, productId)).toBe(before);
    });
  });

  describe('consent', () => {
    it('records the initial consent with its channel, and withdrawal as easily as giving', async () => {
      const first = await t.call('GET', `/api/v1/customers/${person.id}/consent`);
      expect(first.statusCode, first.body).toBe(200);
      expect(first.json()).toMatchObject({ marketing_consent: true, restricted: false, restriction_history: [] });
      expect(first.json().consent_history).toEqual([expect.objectContaining({ marketing_consent: true, source: 'web' })]);

      const withdrawn = await t.call('POST', `/api/v1/customers/${person.id}/consent`, { body: { marketing_consent: false, source: 'telefono' } });
      expect(withdrawn.statusCode, withdrawn.body).toBe(200);
      expect(withdrawn.json().marketing_consent).toBe(false);
      expect(await audience()).not.toContain(person.id);

      const manager = await t.keyFor('manager');
      const given = await t.call('POST', `/api/v1/customers/${person.id}/consent`, { key: manager, body: { marketing_consent: true, source: 'mostrador' } });
      expect(given.statusCode, given.body).toBe(200);
      expect(given.json().consent_history.map((e: { marketing_consent: boolean; source: string }) => [e.marketing_consent, e.source])).toEqual([
        [true, 'web'],
        [false, 'telefono'],
        [true, 'mostrador'],
      ]);
      expect(given.json().consent_history[2].actor).toMatch(/^api_key:/);
      expect(await audience(manager)).toContain(person.id);
      expect((await auditOf(person.id, 'customers.consent.update')).map((e) => e.details)).toEqual([
        { marketing_consent: false, source: 'telefono' },
        { marketing_consent: true, source: 'mostrador' },
      ]);
    });

    it.each([
      [{ marketing_consent: 'sí', source: 'web' }, 'marketing_consent'],
      [{ marketing_consent: false, source: 'paloma mensajera' }, 'source'],
      [{ marketing_consent: false }, 'source'],
    ])('answers 400 for %j and changes nothing', async (body, field) => {
      const res = await t.call('POST', `/api/v1/customers/${person.id}/consent`, { body });
      expect(res.statusCode).toBe(400);
      expect(res.json().errors.map((e: { path: string }) => e.path)).toEqual([field]);
      const state = (await t.call('GET', `/api/v1/customers/${person.id}/consent`)).json();
      expect(state.marketing_consent).toBe(true);
      expect(state.consent_history).toHaveLength(3);
    });
  });

  describe('restriction and the marketing audience', () => {
    it('lists only consented, unrestricted, live people, with their contact fields', async () => {
      const noConsent = await someone();
      const res = await t.call('GET', '/api/v1/customers/marketing-audience?limit=500');
      const items = res.json().items as Json[];
      expect(items.find((i) => i.id === other.id)).toEqual({ id: other.id, name: OTHER.name, email: OTHER.email, phone: OTHER.phone });
      expect(items.map((i) => i.id)).not.toContain(noConsent.id);
      const [event] = await queryRows<{ details: Record<string, unknown> }>(
        db(),
        sql`select details from audit_events where action = 'customers.marketing_audience.list' order by seq desc limit 1`,
      );
      expect(event!.details.customer_ids).toEqual(items.map((i) => i.id));
    });

    it('drops a restricted person from the audience until the restriction is lifted, with history', async () => {
      const restrict = await t.call('POST', `/api/v1/customers/${other.id}/restriction`, { body: { restricted: true, reason: 'objection' } });
      expect(restrict.statusCode, restrict.body).toBe(200);
      expect(restrict.json()).toMatchObject({ marketing_consent: true, restricted: true, restriction_reason: 'objection' });
      expect(await audience()).not.toContain(other.id);

      const lifted = await t.call('POST', `/api/v1/customers/${other.id}/restriction`, { body: { restricted: false, reason: 'other' } });
      expect(lifted.json()).toMatchObject({ restricted: false, restriction_reason: null, restricted_at: null });
      expect(lifted.json().restriction_history.map((e: { restricted: boolean }) => e.restricted)).toEqual([true, false]);
      expect(await audience()).toContain(other.id);
    });

    it('answers 400 for an unknown reason and stays unrestricted', async () => {
      const res = await t.call('POST', `/api/v1/customers/${other.id}/restriction`, { body: { restricted: true, reason: 'porque sí' } });
      expect(res.statusCode).toBe(400);
      expect(await audience()).toContain(other.id);
    });
  });

  describe('rectification', () => {
    it('corrects fields, keeps the old values sealed, and audits field names only', async () => {
      const res = await t.call('PATCH', `/api/v1/customers/${person.id}`, { body: { email: 'zq.nuevo@ejemplo-prueba.com.ar', address: null } });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ ...{ name: PERSON.name, phone: PERSON.phone }, email: 'zq.nuevo@ejemplo-prueba.com.ar', address: null });
      expect((await t.call('GET', `/api/v1/customers?email=${encodeURIComponent(PERSON.email)}`)).json().items).toEqual([]);
      expect((await t.call('GET', `/api/v1/customers?email=zq.nuevo%40ejemplo-prueba.com.ar`)).json().items.map((c: Json) => c.id)).toEqual([person.id]);

      const [event] = await auditOf(person.id, 'customers.customer.update');
      expect(event!.details.changed).toEqual(['email', 'address']);
      const stored = JSON.stringify(await queryRows(db(), sql`select * from customer_rectifications where customer_id = ${person.id}`));
      for (const secret of ['zacarias.yrigoyen', 'Chacabuco', 'zq.nuevo']) {
        expect(stored).not.toContain(secret);
        expect(JSON.stringify(event)).not.toContain(secret);
      }
    });

    it('re-indexes a corrected document: the old one is free, a taken one is 409 and changes nothing', async () => {
      const c = await someone();
      const taken = await t.call('PATCH', `/api/v1/customers/${c.id}`, { body: { doc_number: OTHER.doc_number } });
      expect(taken.statusCode).toBe(409);
      expect(taken.json().code).toBe('customer.duplicate');
      expect((await t.call('GET', `/api/v1/customers/${c.id}`)).json().doc_number).toBe(c.doc_number);

      const manager = await t.keyFor('manager');
      const moved = await t.call('PATCH', `/api/v1/customers/${c.id}`, { key: manager, body: { doc_type: 'PASSPORT', doc_number: 'aab123456' } });
      expect(moved.statusCode, moved.body).toBe(200);
      expect(moved.json()).toMatchObject({ doc_type: 'PASSPORT', doc_number: 'AAB123456' });
      expect((await t.call('GET', `/api/v1/customers?doc_number=${c.doc_number as string}&doc_type=DNI`)).json().items).toEqual([]);
    });

    it.each([
      [{}, ''],
      [{ marketing_consent: false }, 'marketing_consent'],
      [{ name: '   ' }, 'name'],
      [{ doc_number: '12' }, 'doc_number'],
      [{ email: 'no-es-un-email' }, 'email'],
    ])('answers 400 for %j and changes nothing', async (body, field) => {
      const before = await row(person.id);
      const res = await t.call('PATCH', `/api/v1/customers/${person.id}`, { body });
      expect(res.statusCode, res.body).toBe(400);
      if (field) expect(res.json().errors.map((e: { path: string }) => e.path)).toEqual([field]);
      expect(await row(person.id)).toEqual(before);
    });
  });

  describe('export (access and portability)', () => {
    let doc: Record<string, unknown> & { customer: Json; audit_events: Json[]; purchases: Json[]; rectification_history: Json[] };

    beforeAll(async () => {
      // A masked list names both people in one audit event: the export must not carry the other id.
      expect((await t.call('GET', '/api/v1/customers?limit=500')).statusCode).toBe(200);
      const res = await t.call('GET', `/api/v1/customers/${person.id}/export`);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.headers['content-disposition']).toContain('attachment');
      doc = res.json();
    });

    it('holds the record, histories, purchases and audit events, versioned and dated', () => {
      expect(doc.format_version).toBe(1);
      expect(Date.now() - Date.parse(doc.generated_at as string)).toBeLessThan(60_000);
      expect(doc.customer).toMatchObject({ id: person.id, name: PERSON.name, doc_number: PERSON.doc_number, email: 'zq.nuevo@ejemplo-prueba.com.ar', marketing_consent: true, restricted: false, erased_at: null });
      expect((doc.consent_history as unknown[]).length).toBe(3);
      expect(doc.rectification_history).toEqual([
        expect.objectContaining({ fields: ['email', 'address'], old_values: { email: PERSON.email, address: PERSON.address } }),
      ]);
      expect(doc.purchases).toEqual([expect.objectContaining({ product_id: productId, product_name: 'Yerba Mate Suave 1kg', quantity: '2' })]);
      const actions = doc.audit_events.map((e) => e.action);
      expect(actions).toEqual(expect.arrayContaining(['customers.customer.create', 'customers.customer.read', 'customers.customer.update', 'customers.consent.update', 'stock.movement.create', 'customers.customer.list']));
      expect(doc.audit_events.every((e) => /^(api_key|user):|^system/.test(e.actor as string))).toBe(true);
    });

    it("carries no other person's data", () => {
      const text = JSON.stringify(doc);
      for (const secret of [other.id, OTHER.name, 'Ortúzar', OTHER.doc_number, OTHER.email, '4444-7788']) expect(text).not.toContain(secret);
    });

    it('is itself an audit event, without personal values', async () => {
      const [event] = await auditOf(person.id, 'customers.customer.export');
      expect(event!.details).toMatchObject({ format_version: 1, purchases: 1 });
      expect(JSON.stringify(event)).not.toContain('Yrigoyen');
    });

    it.each(['manager', 'clerk', 'auditor'] as const)('refuses a %s the export, erasure, preview and legal holds', async (role) => {
      const key = await t.keyFor(role);
      for (const [method, url, body] of [
        ['GET', `/api/v1/customers/${person.id}/export`, undefined],
        ['GET', `/api/v1/customers/${person.id}/erasure-preview`, undefined],
        ['DELETE', `/api/v1/customers/${person.id}`, undefined],
        ['POST', `/api/v1/customers/${person.id}/legal-holds`, { reason: 'litigation' }],
      ] as const) {
        const res = await t.call(method, url, { key, ...(body ? { body } : {}) });
        expect(res.statusCode, `${role} ${method} ${url}`).toBe(403);
        expect(res.body).not.toContain('Yrigoyen');
      }
    });

    it.each(['clerk', 'auditor'] as const)('refuses a %s rectification, consent, restriction and the audience', async (role) => {
      const key = await t.keyFor(role);
      for (const [method, url, body] of [
        ['PATCH', `/api/v1/customers/${person.id}`, { name: 'Otro' }],
        ['GET', `/api/v1/customers/${person.id}/consent`, undefined],
        ['POST', `/api/v1/customers/${person.id}/consent`, { marketing_consent: false, source: 'web' }],
        ['POST', `/api/v1/customers/${person.id}/restriction`, { restricted: true, reason: 'objection' }],
        ['GET', '/api/v1/customers/marketing-audience', undefined],
      ] as const) {
        expect((await t.call(method, url, { key, ...(body ? { body } : {}) })).statusCode, `${role} ${method} ${url}`).toBe(403);
      }
      expect((await row(person.id)).name_sealed).not.toBeNull();
    });
  });

  describe('erasure', () => {
    it('erases everything of a person without a legal hold; the ledger keeps a pseudonym', async () => {
      const c = await someone({ phone: '+54 11 5555-0000', address: 'Calle Falsa 123', marketing_consent: true });
      await oldSale(c.id, 11); // beyond the 10-year fiscal retention
      const before = await row(c.id);
      const keyId = before.data_key_id as string;

      const preview = await t.call('GET', `/api/v1/customers/${c.id}/erasure-preview`);
      expect(preview.json()).toMatchObject({ erased: ['name', 'doc_type', 'doc_number', 'email', 'phone', 'address'], retained: [], fiscal_sales: 0 });
      expect(await row(c.id)).toEqual(before); // a preview changes nothing

      const res = await t.call('DELETE', `/api/v1/customers/${c.id}`);
      expect(res.statusCode, res.body).toBe(200);
      const receipt = res.json();
      expect(receipt).toMatchObject({ customer_id: c.id, retained: [], erased: ['name', 'doc_type', 'doc_number', 'email', 'phone', 'address'] });
      expect(receipt.pseudonym).toMatch(/^cliente-borrado-[0-9a-f]{10}$/);

      for (const url of [`/api/v1/customers/${c.id}`, `/api/v1/customers/${c.id}/export`, `/api/v1/customers/${c.id}/consent`]) {
        const gone = await t.call('GET', url);
        expect(gone.statusCode, url).toBe(410);
        expect(gone.json().code).toBe('customer.erased');
      }
      expect((await t.call('DELETE', `/api/v1/customers/${c.id}`)).statusCode).toBe(410);
      expect((await sale(c.id)).statusCode).toBe(410);
      expect(await audience()).not.toContain(c.id);

      // The key is gone: the row has no wrapped key, and a sealed value taken before cannot be opened.
      expect(await keyRow(keyId)).toMatchObject({ wrapped_key: null, destroyed_at: expect.anything() });
      await expect(t.services.crypto.openDataKey(db(), keyId)).rejects.toBeInstanceOf(DataKeyDestroyedError);
      const after = await row(c.id);
      expect(after).toMatchObject({ name_sealed: null, doc_number_sealed: null, email_sealed: null, doc_index: null, email_index: null, pseudonym: receipt.pseudonym, marketing_consent: false });

      // The document can be registered again; the ledger row still points at the pseudonymised row.
      const again = await create({ name: 'Persona Nueva', doc_type: 'DNI', doc_number: c.doc_number });
      expect(again.id).not.toBe(c.id);
      const ledger = await queryRows<{ customer_id: string }>(db(), sql`select customer_id from stock_movements where customer_id = ${c.id}`);
      expect(ledger).toHaveLength(1);

      const [event] = await auditOf(c.id, 'customers.customer.erase');
      expect(event!.details).toMatchObject({ receipt_id: receipt.receipt_id, destroyed_data_key_id: keyId, retained: [] });
      expect(JSON.stringify(event)).not.toMatch(/Persona De Prueba|Calle Falsa|5555-0000/);
    });

    it('keeps what a fiscal record and an open debt need, re-sealed under a new key, and says why and until when', async () => {
      const preview = (await t.call('GET', `/api/v1/customers/${person.id}/erasure-preview`)).json();
      const fiscalUntil = new Date(personSaleAt);
      fiscalUntil.setUTCFullYear(fiscalUntil.getUTCFullYear() + 10);
      const until = fiscalUntil.toISOString().slice(0, 10);
      expect(preview).toMatchObject({
        fiscal_sales: 1,
        erased: ['email', 'phone'],
        retained: [
          { field: 'name', reason: 'fiscal', until },
          { field: 'doc_type', reason: 'fiscal', until },
          { field: 'doc_number', reason: 'fiscal', until },
        ],
      });

      const hold = await t.call('POST', `/api/v1/customers/${person.id}/legal-holds`, { body: { reason: 'open_debt', note: 'Fiado pendiente' } });
      expect(hold.statusCode, hold.body).toBe(201);
      const withDebt = (await t.call('GET', `/api/v1/customers/${person.id}/erasure-preview`)).json();
      expect(withDebt.erased).toEqual(['email']);
      expect(withDebt.retained).toEqual(expect.arrayContaining([
        { field: 'name', reason: 'open_debt', until: null },
        { field: 'phone', reason: 'open_debt', until: null },
      ]));

      const released = await t.call('DELETE', `/api/v1/customers/${person.id}/legal-holds/${hold.json().id}`);
      expect(released.statusCode, released.body).toBe(200);
      expect(released.json()).toMatchObject({ note: null, released_by: expect.stringMatching(/^api_key:/) });

      const oldKey = (await row(person.id)).data_key_id as string;
      const res = await t.call('DELETE', `/api/v1/customers/${person.id}`);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ erased: ['email', 'phone'], retained: preview.retained });

      expect((await t.call('GET', `/api/v1/customers/${person.id}`)).statusCode).toBe(410);
      const after = await row(person.id);
      expect(after.data_key_id).not.toBe(oldKey);
      expect(await keyRow(oldKey)).toMatchObject({ wrapped_key: null });
      expect(after).toMatchObject({ email_sealed: null, phone_sealed: null, doc_index: null, email_index: null });

      // Only the admin export shows what is kept; the rectification history went with the old key.
      const doc = (await t.call('GET', `/api/v1/customers/${person.id}/export`)).json();
      expect(doc.customer).toMatchObject({ name: PERSON.name, doc_number: PERSON.doc_number, email: null, phone: null, pseudonym: after.pseudonym });
      expect(doc.rectification_history).toEqual([]);
      expect(doc.erasures).toEqual([expect.objectContaining({ receipt_id: res.json().receipt_id, erased: ['email', 'phone'] })]);
      expect(doc.purchases).toHaveLength(1);

      // The document is free for a new registration; a second DELETE keeps the same fiscal fields.
      await create({ name: 'Otro Titular', doc_type: 'DNI', doc_number: PERSON.doc_number });
      const again = await t.call('DELETE', `/api/v1/customers/${person.id}`);
      expect(again.json()).toMatchObject({ erased: [], retained: preview.retained });
    });

    it('answers 4xx for bad holds and ids, changing nothing', async () => {
      const c = await someone();
      const cases: [string, string, unknown, number][] = [
        ['POST', `/api/v1/customers/${c.id}/legal-holds`, { reason: 'capricho' }, 400],
        ['POST', `/api/v1/customers/${c.id}/legal-holds`, { reason: 'litigation', until: '2001-01-01' }, 400],
        ['POST', `/api/v1/customers/${UNKNOWN_ID}/legal-holds`, { reason: 'litigation' }, 404],
        ['DELETE', `/api/v1/customers/${c.id}/legal-holds/${UNKNOWN_ID}`, undefined, 404],
        ['DELETE', `/api/v1/customers/${UNKNOWN_ID}`, undefined, 404],
        ['DELETE', '/api/v1/customers/no-es-un-id', undefined, 400],
        ['GET', `/api/v1/customers/${UNKNOWN_ID}/export`, undefined, 404],
      ];
      for (const [method, url, body, status] of cases) {
        const res = await t.call(method, url, body === undefined ? {} : { body });
        expect(res.statusCode, `${method} ${url} ${res.body}`).toBe(status);
      }
      expect((await t.call('GET', `/api/v1/customers/${c.id}/erasure-preview`)).json().legal_holds).toEqual([]);
      expect((await t.call('GET', `/api/v1/customers/${c.id}`)).statusCode).toBe(200);
    });

    it('journals each erasure outside the database, and a restored older copy is erased again by replay', async () => {
      const c = await someone({ phone: '+54 11 5555-1111' });
      const snapshot = await row(c.id);
      const keyId = snapshot.data_key_id as string;
      const wrapped = (await keyRow(keyId))!.wrapped_key!;
      const res = await t.call('DELETE', `/api/v1/customers/${c.id}`);
      expect(res.statusCode).toBe(200);

      const journal = readErasureJournalFile(erasureJournalPath(dataDir));
      const entry = journal.find((e) => e.customer_id === c.id)!;
      expect(entry).toMatchObject({ receipt_id: res.json().receipt_id, destroyed_data_key_id: keyId, retained: [] });
      expect(fs.readFileSync(erasureJournalPath(dataDir), 'utf8')).not.toMatch(/Persona De Prueba|5555-1111/);

      // "Restore" the state an older backup holds: the live row and its wrapped key, no receipt.
      const restoreOlderCopy = async () => {
        await db().execute(sql`update data_keys set wrapped_key = ${wrapped}, destroyed_at = null where id = ${keyId}`);
        await db().execute(sql`delete from customer_erasures where customer_id = ${c.id}`);
        await db().execute(sql`update customers set name_sealed = ${JSON.stringify(snapshot.name_sealed)}::jsonb, doc_type_sealed = ${JSON.stringify(snapshot.doc_type_sealed)}::jsonb,
          doc_number_sealed = ${JSON.stringify(snapshot.doc_number_sealed)}::jsonb, email_sealed = ${JSON.stringify(snapshot.email_sealed)}::jsonb,
          phone_sealed = ${JSON.stringify(snapshot.phone_sealed)}::jsonb, doc_index = ${snapshot.doc_index as string}, email_index = ${snapshot.email_index as string},
          erased_at = null, pseudonym = null, erasure_retained = null where id = ${c.id}`);
        // The copy holds the wrapped key again, but the register of shredded keys refuses it.
        const live = await t.call('GET', `/api/v1/customers/${c.id}`);
        expect(live.statusCode).not.toBe(200);
        expect(live.body).not.toMatch(/Persona De Prueba|5555-1111/);
      };

      // A server starting over the restored copy replays the journal before it serves anything.
      await restoreOlderCopy();
      const restarted = await buildApp({ config: t.config, database: t.db.database, logger: createLogger({ level: 'silent' }) });
      try {
        const res2 = await restarted.app.inject({ method: 'GET', url: `/api/v1/customers/${c.id}`, headers: { authorization: `Bearer ${t.adminKey}` } });
        expect(res2.statusCode).toBe(410);
      } finally {
        await restarted.app.close();
      }
      expect(await keyRow(keyId)).toMatchObject({ wrapped_key: null });

      // The restore tooling can do the same without a server.
      await restoreOlderCopy();
      const replay = await replayErasureJournal({ database: t.db.database, crypto: t.services.crypto, dataDir });
      expect(replay.applied).toEqual([c.id]);
      expect((await t.call('GET', `/api/v1/customers/${c.id}`)).statusCode).toBe(410);
      expect(await keyRow(keyId)).toMatchObject({ wrapped_key: null });
      const [replayed] = (await auditOf(c.id, 'customers.customer.erase')).slice(-1);
      expect(replayed).toMatchObject({ actor: 'system:restore', details: { replayed: true, receipt_id: entry.receipt_id } });
      // Replaying again is a no-op.
      expect((await replayErasureJournal({ database: t.db.database, crypto: t.services.crypto, entries: journal })).applied).toEqual([]);
    });
  });
});
