// Issue 7 §1: encrypted logical backups. A backup of a live store restores into an empty
// database of either engine (including embedded → server PostgreSQL) with every row, every
// invoice file, a verifying audit chain and a consistent ledger; a damaged, cut or foreign-key
// backup is refused with one clear reason and writes nothing; a database with data is refused.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFrom } from '../../src/config.ts';
import { queryRows, type Database, type EngineName } from '../../src/platform/db/types.ts';
import { createInvoiceFileStore } from '../../src/modules/invoices/storage.ts';
import { createBackup } from '../../src/modules/ops/backup/writer.ts';
import { scanBackup, peekManifest } from '../../src/modules/ops/backup/reader.ts';
import { restoreBackup } from '../../src/modules/ops/backup/restore.ts';
import { openCopy } from '../../src/modules/ops/backup/copy-load.ts';
import { checkRestored, loadCrypto } from '../../src/modules/ops/backup/checks.ts';
import { backupKeysFromConfig } from '../../src/modules/ops/backup/keys.ts';
import { BackupError, backupKeysOf, type BackupManifest } from '../../src/modules/ops/backup/format.ts';
import { planBackupRetention } from '../../src/modules/ops/backup/retention.ts';
import { startBackupJobs } from '../../src/modules/ops/backup/jobs.ts';
import { createLogger } from '../../src/platform/observability/logger.ts';
import { testEngines } from '../helpers/engines.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-db.ts';

const NAME = 'Eufemia Barrionuevo Tcherkasky';
const INVOICE_BYTES = Buffer.concat([Buffer.from('%PDF-1.4 factura de prueba\n'), randomBytes(300_000)]);

async function expectBackupError(promise: Promise<unknown>, reason: BackupError['reason'], re: RegExp): Promise<void> {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(BackupError);
  expect((err as BackupError).reason).toBe(reason);
  expect((err as BackupError).message).toMatch(re);
  expect((err as BackupError).message).not.toContain('\n');
}

async function totalRows(database: Database): Promise<number> {
  const [row] = await queryRows<{ n: string }>(
    database.db,
    sql`select (select count(*) from products) + (select count(*) from customers) + (select count(*) from audit_events) as n`,
  );
  return Number(row!.n);
}

describe.each(testEngines())('backups of a %s store', (engine) => {
  let t: TestApp;
  let dataDir: string;
  let file: string;
  let manifest: BackupManifest;
  let customerId: string;
  const scratch: TestDatabase[] = [];
  const scratchDirs: string[] = [];
  const newTarget = async (e: EngineName) => {
    const db = await createTestDatabase(e);
    scratch.push(db);
    return db;
  };
  const newDir = () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'inventario-restore-'));
    scratchDirs.push(d);
    return d;
  };

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'inventario-backup-'));
    scratchDirs.push(dataDir);
    t = await createTestApp(engine, { INVENTARIO_DATA_DIR: dataDir });
    const product = await t.call('POST', '/api/v1/products', { body: { sku: 'YERBA-1KG', name: 'Yerba 1 kg', category: 'Almacén', cost_price: '2500.50', min_stock: '3' } });
    expect(product.statusCode, product.body).toBe(201);
    const pid = product.json().id as string;
    for (const [type, quantity] of [['in', '12'], ['out', '2'], ['in', '3']] as const) {
      const mv = await t.call('POST', '/api/v1/stock/movements', { body: { product_id: pid, type, quantity, ...(type === 'in' ? { unit_cost: '2400' } : {}) }, idempotencyKey: randomBytes(8).toString('hex') });
      expect(mv.statusCode, mv.body).toBe(201);
    }
    const customer = await t.call('POST', '/api/v1/customers', { body: { name: NAME, doc_type: 'DNI', doc_number: '27444555', email: 'eufemia@example.com' } });
    expect(customer.statusCode, customer.body).toBe(201);
    customerId = customer.json().id;
    await createInvoiceFileStore(dataDir).put(INVOICE_BYTES);
    // A sealed chain with a signed checkpoint, as a running server leaves it.
    const sealed = await t.services.auditTrail.seal();
    await t.services.auditTrail.checkpoints.write(sealed.head!);
  });

  afterAll(async () => {
    for (const db of scratch) await db.drop();
    await t?.close();
    for (const d of scratchDirs) fs.rmSync(d, { recursive: true, force: true });
  });

  it('writes an encrypted backup with a manifest of every table, the invoice files and the chain head', async () => {
    const result = await createBackup({ database: t.db.database, dataDir, keys: backupKeysFromConfig(t.config) });
    file = result.file;
    manifest = result.manifest;
    expect(path.dirname(file)).toBe(path.join(dataDir, 'backups'));
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(manifest).toMatchObject({ format_version: 1, engine, files: { count: 1, bytes: INVOICE_BYTES.length } });
    expect(manifest.schema_version).toMatch(/^\d{4}_/);
    expect(manifest.row_counts).toMatchObject({ products: 1, stock_movements: 3, customers: 1, locations: 1 });
    expect(manifest.row_counts.audit_events).toBeGreaterThan(3);
    expect(manifest.audit_chain_head).toMatchObject({ position: expect.any(Number), hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(manifest.content_sha256).toMatch(/^[0-9a-f]{64}$/);
    // Nothing readable inside: not the product, not the invoice bytes.
    const bytes = fs.readFileSync(file);
    expect(bytes.includes('YERBA-1KG')).toBe(false);
    expect(bytes.includes(INVOICE_BYTES.subarray(0, 64))).toBe(false);
    expect(bytes.includes(Buffer.from(t.config.masterKey!, 'base64'))).toBe(false);
    expect((await peekManifest(file)).manifest).toEqual(manifest);
  });

  it('verifies the whole file without restoring it', async () => {
    const scanned = await scanBackup(file, backupKeysFromConfig(t.config));
    expect(scanned.manifest).toEqual(manifest);
  });

  it.each(testEngines())(`restores into an empty %s database: rows, files, ledger, audit chain, personal data`, async (targetEngine) => {
    const target = await newTarget(targetEngine);
    const targetDir = newDir();
    fs.cpSync(path.join(dataDir, 'audit-checkpoints'), path.join(targetDir, 'audit-checkpoints'), { recursive: true });
    const config = configFrom({ INVENTARIO_DATA_DIR: targetDir, INVENTARIO_MASTER_KEY: t.config.masterKey });
    const result = await restoreBackup({ file, keys: backupKeysFromConfig(config), target: target.database, dataDir: targetDir });
    expect(result.row_counts).toEqual(manifest.row_counts);
    expect(result.files_restored).toBe(1);
    const sha = fs.readdirSync(path.join(targetDir, 'invoices')).filter((d) => !d.startsWith('.'));
    expect(sha).toHaveLength(1);
    const restoredFile = path.join(targetDir, 'invoices', sha[0]!, fs.readdirSync(path.join(targetDir, 'invoices', sha[0]!))[0]!);
    expect(fs.readFileSync(restoredFile).equals(INVOICE_BYTES)).toBe(true);

    const crypto = await loadCrypto(target.database, config);
    const steps = await checkRestored({ database: target.database, config, manifest, restoredCounts: result.row_counts, schemaVersion: result.schema_version, decryptSample: 5 }, crypto);
    expect(steps.filter((s) => !s.ok), JSON.stringify(steps)).toEqual([]);
    expect(steps.find((s) => s.step === 'audit_chain')!.detail).toMatch(/checkpoint at position \d+ matches/);
    const levels = sql`select l.on_hand::text as on_hand, p.cost_price::text as cost_price from products p join stock_levels l on l.product_id = p.id`;
    const [p] = await queryRows<{ on_hand: string; cost_price: string }>(target.database.db, levels);
    expect(p!.on_hand).toMatch(/^13(\.0+)?$/);
    expect(p).toEqual((await queryRows(t.db.database.db, levels))[0]);
    // The restored store works: new audit events continue the sequence, the customer reads back.
    const [seq] = await queryRows<{ next: string; max: string }>(target.database.db, sql`select nextval(pg_get_serial_sequence('audit_events', 'seq'))::text as next, (select max(seq) from audit_events)::text as max`);
    expect(BigInt(seq!.next)).toBeGreaterThan(BigInt(seq!.max));
    const dek = await crypto.openDataKey(target.database.db, (await queryRows<{ k: string }>(target.database.db, sql`select data_key_id::text as k from customers where id = ${customerId}`))[0]!.k);
    const [row] = await queryRows<{ name_sealed: unknown }>(target.database.db, sql`select name_sealed from customers where id = ${customerId}`);
    expect(crypto.openField(dek, { table: 'customers', recordId: customerId, field: 'name' }, row!.name_sealed)).toBe(NAME);
  });

  it('POST /api/v1/backups makes one and GET lists it (admin only); drill reports are for admins and auditors; /metrics shows the backup age', async () => {
    const made = await t.call('POST', '/api/v1/backups');
    expect(made.statusCode, made.body).toBe(201);
    const body = made.json();
    expect(body).toMatchObject({ manifest: { engine, row_counts: { customers: 1 } }, copy: null });
    expect(body.file).not.toContain('/');
    const list = await t.call('GET', '/api/v1/backups');
    expect(list.statusCode).toBe(200);
    expect(list.json().items.map((i: { file: string }) => i.file)).toContain(body.file);
    expect(list.json().items[0]).not.toHaveProperty('path');
    const auditor = await t.keyFor('auditor');
    expect((await t.call('GET', '/api/v1/backups', { key: auditor })).statusCode).toBe(403);
    expect((await t.call('POST', '/api/v1/backups', { key: auditor })).statusCode).toBe(403);
    const reports = await t.call('GET', '/api/v1/dr/reports', { key: auditor });
    expect(reports.statusCode, reports.body).toBe(200);
    expect(reports.json()).toEqual({ items: [], next_cursor: null });
    const metrics = await t.call('GET', '/metrics');
    const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(metrics.body)?.[1]);
    expect(value('inventario_backup_last_success_timestamp_seconds')).toBeGreaterThan(Date.now() / 1000 - 600);
    expect(value('inventario_backup_age_seconds')).toBeLessThan(600);
    expect(value('inventario_dr_drill_last_success_timestamp_seconds')).toBe(0);
    expect(metrics.body).toMatch(/^inventario_dr_drill_rto_seconds /m);
  });

  describe('refuses, writing nothing', () => {
    let target: TestDatabase;
    let targetDir: string;
    beforeAll(async () => {
      target = await newTarget(engine);
      targetDir = newDir();
    });
    const keys = () => backupKeysFromConfig(t.config);
    const restoreFrom = (f: string, k = keys()) => restoreBackup({ file: f, keys: k, target: target.database, dataDir: targetDir });
    const damaged = (name: string, mutate: (b: Buffer) => Buffer) => {
      const f = path.join(targetDir, name);
      fs.writeFileSync(f, mutate(Buffer.from(fs.readFileSync(file))));
      return f;
    };
    const nothingWritten = async () => {
      expect(await totalRows(target.database)).toBe(0);
      expect(fs.existsSync(path.join(targetDir, 'invoices'))).toBe(false);
    };

    it('a corrupted backup (one byte flipped in the middle)', async () => {
      const f = damaged('flipped.invbak', (b) => {
        b[Math.floor(b.length / 2)]! ^= 0x40;
        return b;
      });
      await expectBackupError(scanBackup(f, keys()), 'corrupted', /corrupted/);
      await expectBackupError(restoreFrom(f), 'corrupted', /corrupted/);
      await nothingWritten();
    });

    it('a truncated backup', async () => {
      const f = damaged('cut.invbak', (b) => b.subarray(0, Math.floor(b.length * 0.7)));
      await expectBackupError(restoreFrom(f), 'truncated', /truncated/);
      const f2 = damaged('cut-end.invbak', (b) => b.subarray(0, b.length - 20));
      await expectBackupError(restoreFrom(f2), 'truncated', /truncated/);
      await nothingWritten();
    });

    it('a backup made with another master key', async () => {
      await expectBackupError(restoreFrom(file, backupKeysOf(randomBytes(32))), 'wrong_key', new RegExp(`wrong key: .*KCV ${manifest.kek_kcv}`));
      await nothingWritten();
    });

    it('a load that fails in the middle of a COPY (or on a row the database refuses) rolls back and leaves the connection usable', async () => {
      const { database } = target;
      const load = (lines: string[], failAfter: boolean) =>
        database.transaction(async (tx) => {
          await tx.execute(sql`create table copy_probe (n int, s text)`);
          const sink = openCopy(database.engine, tx, 'copy_probe', ['n', 's']);
          try {
            for (const l of lines) await sink.write(Buffer.from(l));
            if (failAfter) throw new BackupError('the backup is corrupted: test', 'corrupted');
            await sink.end();
          } catch (err) {
            await sink.abort(err);
            throw err;
          }
        }, { maxRetries: 0 });
      await expectBackupError(load(['1\ta\n', '2\tb\n'], true), 'corrupted', /test/);
      await expect(load(['1\ta\n', 'not a number\tb\n'], false)).rejects.toThrow(/integer/);
      const [probe] = await queryRows<{ t: string | null }>(database.db, sql`select to_regclass('copy_probe')::text as t`);
      expect(probe!.t).toBeNull();
      await nothingWritten();
    });

    it('a database that already holds data, unless forced', async () => {
      await restoreFrom(file);
      const before = await totalRows(target.database);
      await expectBackupError(restoreFrom(file), 'not_empty', /not empty .*--force/);
      expect(await totalRows(target.database)).toBe(before);
      const forced = await restoreBackup({ file, keys: keys(), target: target.database, dataDir: targetDir, force: true });
      expect(forced.row_counts).toEqual(manifest.row_counts);
    });
  });

  it('BACKUP_SCHEDULE: a due backup is made once by the scheduled job, then retention runs', async () => {
    const before = (await t.services.backups.list()).length;
    // "Now" is a scheduled 03:00 later than every backup made so far.
    const now = () => new Date('2031-01-01T12:00:00Z');
    const job = startBackupJobs(t.services.backups, { database: t.db.database, logger: createLogger({ level: 'silent' }), schedule: '0 3 * * *', timezone: t.config.timezone, checkEveryMs: 100, firstDelayMs: 10, now });
    try {
      const deadline = Date.now() + 20_000;
      while (Date.now() < deadline && !(await t.services.backups.list()).some((e) => Date.now() - Date.parse(e.created_at) < 30_000 && e.complete)) {
        await new Promise((r) => setTimeout(r, 100));
      }
      await new Promise((r) => setTimeout(r, 600)); // several more rounds: none may make another
    } finally {
      job.stop();
    }
    const after = await t.services.backups.list();
    // Retention (7/4/12 counted back from 2031) keeps only the newest: the scheduled one.
    expect(after).toHaveLength(1);
    expect(Date.parse(after[0]!.created_at)).toBeGreaterThan(Date.now() - 60_000);
    expect(before).toBeGreaterThan(1);
  });
});

describe('backup retention (7 daily, 4 weekly, 12 monthly)', () => {
  const now = new Date('2026-11-28T12:00:00Z');
  const at = (iso: string) => ({ name: iso, createdAt: new Date(iso) });

  it('keeps the newest of each recent day, week and month, and the newest of all', () => {
    const entries = [
      // two a day for the last 10 days
      ...Array.from({ length: 10 }, (_, d) => [at(new Date(now.getTime() - d * 86_400_000 - 3_600_000).toISOString()), at(new Date(now.getTime() - d * 86_400_000 - 7_200_000).toISOString())]).flat(),
      at('2026-10-15T03:00:00Z'),
      at('2026-10-02T03:00:00Z'),
      at('2025-12-01T03:00:00Z'),
      at('2025-11-30T03:00:00Z'), // 13th month back: beyond 12 monthly
    ];
    const plan = planBackupRetention(entries, { daily: 7, weekly: 4, monthly: 12 }, now);
    const kept = plan.keep.map((e) => e.name);
    // Daily: the newer of each pair for 7 days.
    for (let d = 0; d < 7; d++) expect(kept).toContain(new Date(now.getTime() - d * 86_400_000 - 3_600_000).toISOString());
    for (let d = 0; d < 10; d++) expect(kept).not.toContain(new Date(now.getTime() - d * 86_400_000 - 7_200_000).toISOString());
    expect(kept).toContain('2026-10-15T03:00:00Z'); // newest of October
    expect(kept).not.toContain('2026-10-02T03:00:00Z');
    expect(kept).toContain('2025-12-01T03:00:00Z');
    expect(kept).not.toContain('2025-11-30T03:00:00Z');
    expect(plan.keep.length + plan.remove.length).toBe(entries.length);
  });

  it('never deletes the only backup, however old, nor one dated in the future', () => {
    const plan = planBackupRetention([at('2020-01-01T00:00:00Z')], undefined, now);
    expect(plan.remove).toEqual([]);
    const future = planBackupRetention([at('2026-12-05T00:00:00Z'), at('2026-11-28T10:00:00Z'), at('2026-11-28T09:00:00Z')], { daily: 1, weekly: 0, monthly: 0 }, now);
    expect(future.remove.map((e) => e.name)).toEqual(['2026-11-28T09:00:00Z']);
  });
});
