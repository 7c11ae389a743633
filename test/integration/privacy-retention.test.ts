// Retention as code through the real app, on both engines: the policy from the configuration,
// a dry run that reports and removes nothing, an applied run that removes expired sessions,
// idempotency records and old invoice files (keeping the invoice rows and files a newer invoice
// shares), reports old audit events without touching the chain, anonymises inactive customers
// through the real erasure, audits every step, and never runs twice at once.
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuditWriter } from '../../src/platform/audit/writer.ts';
import { queryRows } from '../../src/platform/db/types.ts';
import { createRetentionService, type RetentionReport } from '../../src/modules/privacy/retention-service.ts';
import { onlyOn, testEngines } from '../helpers/engines.ts';
import { createProduct, move, receive } from '../helpers/fixtures.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

const YEAR = 365.25 * 24 * 3_600_000;
const ctx = { actor: 'test', ip: null, requestId: null };

describe.each(testEngines())('retention policy on %s', (engine) => {
  let t: TestApp;
  let dataDir: string;
  const files: Record<'old' | 'shared' | 'recent', string> = { old: '', shared: '', recent: '' };

  const rows = <T>(q: ReturnType<typeof sql>) => queryRows<T>(t.db.database.db, q);
  const n = async (q: ReturnType<typeof sql>) => Number((await rows<{ n: number }>(q))[0]!.n);
  const byClass = (r: RetentionReport) => Object.fromEntries(r.classes.map((c) => [c.class, c]));
  const fileOf = (sha: string) => path.join(dataDir, 'invoices', sha.slice(0, 2), sha);

  async function storeInvoiceFile(issueDate: string, sha = randomBytes(32).toString('hex'), write = true): Promise<string> {
    if (write) {
      fs.mkdirSync(path.dirname(fileOf(sha)), { recursive: true });
      fs.writeFileSync(fileOf(sha), `%PDF factura ${issueDate}`);
    }
    await t.db.database.db.execute(
      sql`insert into invoices (id, status, sources, created_by, file_sha256, file_type, issue_date) values (gen_random_uuid(), 'draft', '{}'::jsonb, 'test', ${sha}, 'pdf', ${issueDate}::date)`,
    );
    return sha;
  }

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'inventario-retention-'));
    t = await createTestApp(engine, { INVENTARIO_DATA_DIR: dataDir });
    const db = t.db.database.db;
    // Two expired dashboard sessions and a live one; two expired idempotency records and a live one.
    await db.execute(sql`insert into users (id, username, role, password_hash, created_by) values ('0195b7a4-0000-7000-8000-0000000000a1', 'cajera', 'clerk', 'x', 'test')`);
    for (const [i, expires] of [['1', "now() - interval '1 hour'"], ['2', "now() - interval '2 days'"], ['3', "now() + interval '1 hour'"]] as const) {
      await db.execute(
        sql`insert into user_sessions (id, token_hash, user_id, expires_at) values (gen_random_uuid(), ${`hash-${i}`}, '0195b7a4-0000-7000-8000-0000000000a1', ${sql.raw(expires)})`,
      );
    }
    for (const [i, expires] of [['1', "now() - interval '1 hour'"], ['2', "now() - interval '3 days'"], ['3', "now() + interval '1 day'"]] as const) {
      await db.execute(
        sql`insert into idempotency_keys (scope, key, request_hash, status, claim_token, locked_until, expires_at)
            values ('api_key:test', ${`k-${i}`}, 'h', 'done', gen_random_uuid(), now(), ${sql.raw(expires)})`,
      );
    }
    // Invoice files: one from 2012 (due), one from 2012 that a recent invoice also uses (kept),
    // one recent (kept), and a row whose file is already gone (nothing to do).
    files.old = await storeInvoiceFile('2012-03-01');
    files.shared = await storeInvoiceFile('2012-05-01');
    await storeInvoiceFile('2026-01-10', files.shared, false);
    files.recent = await storeInvoiceFile('2026-02-01');
    await storeInvoiceFile('2011-01-01', randomBytes(32).toString('hex'), false);
    // An audit event from eleven years ago (the writer's clock is the test's).
    await createAuditWriter({ enabled: true, clock: () => new Date(Date.now() - 11 * YEAR) }).record(db, ctx, { action: 'test.ancient', outcome: 'success' });
  });
  afterAll(async () => {
    await t?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('shows the policy built from the configuration, with no run yet', async () => {
    const res = await t.call('GET', '/api/v1/privacy/retention');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.last_run).toBeNull();
    expect(body.policy.interval_hours).toBe(24);
    const classes = Object.fromEntries((body.policy.classes as { class: string }[]).map((c) => [c.class, c]));
    expect(Object.keys(classes)).toEqual(['customers_inactive', 'sessions', 'idempotency_records', 'audit_events', 'invoice_files', 'backups']);
    expect(classes.customers_inactive).toMatchObject({ period: { years: 5 }, action: 'anonymise', config: ['RETENTION_CUSTOMERS_INACTIVE_YEARS'] });
    expect(classes.invoice_files).toMatchObject({ period: { years: 10 }, action: 'delete' });
    expect(classes.audit_events).toMatchObject({ period: { years: 10 }, action: 'report_only' });
    expect(classes.idempotency_records).toMatchObject({ period: { hours: 48 } });
  });

  it('reports in a dry run what would be removed, and removes nothing', async () => {
    const res = await t.call('POST', '/api/v1/privacy/retention/run', { body: {} });
    expect(res.statusCode).toBe(200);
    const report = res.json() as RetentionReport;
    expect(report).toMatchObject({ dry_run: true, trigger: 'api' });
    const c = byClass(report);
    expect(c.sessions).toMatchObject({ due: 2, applied: 0 });
    expect(c.idempotency_records).toMatchObject({ due: 2, applied: 0 });
    expect(c.invoice_files).toMatchObject({ due: 1, applied: 0 });
    expect(c.audit_events!.due).toBeGreaterThanOrEqual(1);
    expect(c.audit_events!.retained).toBe(c.audit_events!.due);
    expect(await n(sql`select count(*)::int as n from user_sessions`)).toBe(3);
    expect(await n(sql`select count(*)::int as n from idempotency_keys`)).toBe(3);
    expect(fs.existsSync(fileOf(files.old))).toBe(true);
    const status = (await t.call('GET', '/api/v1/privacy/retention')).json();
    expect(status.last_run.id).toBe(report.id);
    expect(status.last_applied_run).toBeNull();
  });

  it('applies the policy: removes what is due, keeps what is not, and audits each class', async () => {
    const res = await t.call('POST', '/api/v1/privacy/retention/run', { body: { dry_run: false } });
    const report = res.json() as RetentionReport;
    expect(report.dry_run).toBe(false);
    const c = byClass(report);
    expect(c.sessions).toMatchObject({ due: 2, applied: 2 });
    expect(c.idempotency_records).toMatchObject({ due: 2, applied: 2 });
    expect(c.invoice_files).toMatchObject({ due: 1, applied: 1 });
    expect(c.audit_events!.applied).toBe(0);
    expect(await n(sql`select count(*)::int as n from user_sessions`)).toBe(1);
    expect(await n(sql`select count(*)::int as n from idempotency_keys`)).toBe(1);
    expect(fs.existsSync(fileOf(files.old))).toBe(false);
    expect(fs.existsSync(fileOf(files.shared))).toBe(true);
    expect(fs.existsSync(fileOf(files.recent))).toBe(true);
    // The accounting record stays; only the file is gone.
    expect(await n(sql`select count(*)::int as n from invoices where file_sha256 = ${files.old}`)).toBe(1);
    const applied = await rows<{ resource: string; details: { applied: number } }>(
      sql`select resource, details from audit_events where action = 'privacy.retention.apply' order by seq`,
    );
    expect(applied.map((a) => [a.resource, a.details.applied])).toEqual([
      ['retention_class:sessions', 2],
      ['retention_class:idempotency_records', 2],
      ['retention_class:invoice_files', 1],
    ]);
    expect(await n(sql`select count(*)::int as n from audit_events where action = 'privacy.retention.run'`)).toBe(2);
    expect((await t.call('GET', '/api/v1/privacy/retention')).json().last_applied_run.id).toBe(report.id);
    expect((await t.call('GET', '/metrics')).body).toMatch(/^inventario_retention_applied_total\{class="invoice_files"\} [1-9]/m);
    // A second run finds nothing more to do, and the audit chain still verifies.
    const again = byClass((await t.call('POST', '/api/v1/privacy/retention/run', { body: { dry_run: false } })).json());
    expect([again.sessions!.due, again.idempotency_records!.due, again.invoice_files!.due]).toEqual([0, 0, 0]);
    const verify = await t.call('GET', '/api/v1/audit/verify');
    expect(verify.json().ok).toBe(true);
  });

  it('anonymises customers with no activity for the configured years, through the erasure', async () => {
    const create = async (name: string, doc: string) =>
      (await t.call('POST', '/api/v1/customers', { body: { name, doc_type: 'DNI', doc_number: doc, email: `${doc}@ejemplo.com`, marketing_consent: false } })).json()
        .id as string;
    const dormant = await create('Cliente Dormido', '30111222');
    const active = await create('Cliente Activo', '30111333');
    const buyer = await create('Cliente Comprador', '30111444');
    const product = await createProduct(t);
    await receive(t, product.id, 5);
    expect((await move(t, { product_id: product.id, type: 'out', quantity: 1, customer_id: buyer })).statusCode).toBe(201);
    // Six years from now the customers made today are past five years of inactivity, unless
    // something about them changed since; a read is not activity.
    const later = new Date(Date.now() + 6 * YEAR);
    const writer = createAuditWriter({ enabled: true, clock: () => new Date(later.getTime() - 30 * 24 * 3_600_000) });
    await writer.record(t.db.database.db, ctx, { action: 'customers.customer.update', resource: `customer:${active}`, outcome: 'success' });
    await writer.record(t.db.database.db, ctx, { action: 'customers.customer.read', resource: `customer:${dormant}`, outcome: 'success' });
    // A sale to the buyer a month before "later" keeps them too (the ledger is not audited per customer).
    await t.db.database.db.execute(sql`update stock_movements set created_at = ${new Date(later.getTime() - 30 * 24 * 3_600_000)} where customer_id = ${buyer}`);
    const { services } = t;
    const retention = createRetentionService({
      database: t.db.database,
      config: t.config,
      audit: services.audit,
      purgeSessions: async () => (await services.sessions.purgeExpired()).sessions,
      purgeIdempotency: () => services.idempotency.purgeExpired(),
      eraseCustomer: async (id, c) => ({ retained: (await services.customers.erase(id, c)).retained.length > 0 }),
      clock: () => later,
    });
    const dry = byClass(await retention.run({ dryRun: true, trigger: 'cli' }, ctx));
    expect(dry.customers_inactive).toMatchObject({ due: 1, applied: 0 });
    const run = byClass(await retention.run({ dryRun: false, trigger: 'cli' }, ctx));
    expect(run.customers_inactive).toMatchObject({ due: 1, applied: 1 });
    expect((await t.call('GET', `/api/v1/customers/${dormant}`)).statusCode).toBe(410);
    expect((await t.call('GET', `/api/v1/customers/${active}`)).statusCode).toBe(200);
    expect((await t.call('GET', `/api/v1/customers/${buyer}`)).statusCode).toBe(200);
    expect(await n(sql`select count(*)::int as n from audit_events where action = 'privacy.retention.apply' and resource = 'retention_class:customers_inactive'`)).toBe(1);
  });

  it('finishes a partial erasure once its fiscal retention has ended', async () => {
    const res = await t.call('POST', '/api/v1/customers', { body: { name: 'Cliente Fiscal', doc_type: 'DNI', doc_number: '30111555', marketing_consent: false } });
    const id = res.json().id as string;
    const product = await createProduct(t);
    await receive(t, product.id, 2);
    expect((await move(t, { product_id: product.id, type: 'out', quantity: 1, customer_id: id })).statusCode).toBe(201);
    const erased = await t.call('DELETE', `/api/v1/customers/${id}`);
    expect(erased.json().retained.map((r: { reason: string }) => r.reason)).toContain('fiscal');
    const sweep = async () => byClass(await t.services.privacy.retention.run({ dryRun: false, trigger: 'cli' }, ctx)).customers_inactive!;
    // Still within the ten fiscal years: nothing to do.
    expect(await sweep()).toMatchObject({ due: 0, applied: 0 });
    // Eleven years later (the sale and the retention dates moved back instead).
    await t.db.database.db.execute(sql`update stock_movements set created_at = now() - interval '11 years' where customer_id = ${id}`);
    await t.db.database.db.execute(
      sql`update customers set erasure_retained = (select jsonb_agg(jsonb_set(r, '{until}', '"2020-01-01"')) from jsonb_array_elements(erasure_retained) r) where id = ${id}`,
    );
    expect(await sweep()).toMatchObject({ due: 1, applied: 1, retained: 0 });
    const [row] = await rows<{ name: unknown; retained: unknown[] }>(sql`select name_sealed as name, erasure_retained as retained from customers where id = ${id}`);
    expect(row).toEqual({ name: null, retained: [] });
    expect(await sweep()).toMatchObject({ due: 0 });
  });

  it('never runs twice at once, and the schedule runs only when a sweep is due', async () => {
    const retention = t.services.privacy.retention;
    const first = retention.run({ dryRun: true, trigger: 'api' }, ctx);
    await expect(retention.run({ dryRun: true, trigger: 'api' }, ctx)).rejects.toMatchObject({ code: 'privacy.retention_running', status: 409 });
    await first;
    // An applied run happened minutes ago (above): nothing is due within 24 hours.
    expect(await retention.runIfDue(ctx)).toBeUndefined();
    await t.db.database.db.execute(sql`update retention_runs set started_at = now() - interval '25 hours'`);
    const scheduled = await retention.runIfDue(ctx);
    expect(scheduled).toMatchObject({ trigger: 'scheduled', dry_run: false });
  });

  onlyOn(engine, 'pg')('answers 409 while another instance holds the retention lock', async () => {
    const id = createHash('sha256').update('job:privacy.retention').digest().readBigInt64BE(0).toString();
    await t.db.database.withConnection(async (conn) => {
      await conn.execute(sql`select pg_advisory_lock(${id}::bigint)`);
      try {
        const res = await t.call('POST', '/api/v1/privacy/retention/run', { body: {} });
        expect(res.statusCode).toBe(409);
        expect(res.json().code).toBe('privacy.retention_running');
      } finally {
        await conn.execute(sql`select pg_advisory_unlock(${id}::bigint)`);
      }
    });
    expect((await t.call('POST', '/api/v1/privacy/retention/run', { body: {} })).statusCode).toBe(200);
  });

  it('refuses a malformed request and other roles', async () => {
    const bad = await t.call('POST', '/api/v1/privacy/retention/run', { body: { dry_run: 'no' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('validation.failed');
    for (const role of ['manager', 'auditor'] as const) {
      expect((await t.call('POST', '/api/v1/privacy/retention/run', { key: await t.keyFor(role), body: {} })).statusCode).toBe(403);
    }
  });
});
