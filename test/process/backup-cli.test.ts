// `inventario backup create|verify|list`, `restore` and `dr drill` as operators run them: real
// processes on real data directories, with the server running and stopped (API.md "Running it").
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseUrl } from '../helpers/engines.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-db.ts';
import { createProduct, killAllChildren, linesOf, makeTempDir, migratedDataDir, newBootstrapKey, removeTempDirs, runCli, startServer, type CliResult, type ServerProcess } from './helpers.ts';

const scratch: TestDatabase[] = [];
afterAll(async () => {
  await killAllChildren();
  for (const db of scratch) await db.drop();
  removeTempDirs();
});

function expectOneLineError(res: CliResult, re: RegExp, code = 1): void {
  expect(res.code, res.stdout).toBe(code);
  expect(linesOf(res.stderr)).toHaveLength(1);
  expect(res.stderr).toMatch(/^error: /);
  expect(res.stderr).toMatch(re);
}

function json(res: CliResult): Record<string, any> {  // eslint-disable-line @typescript-eslint/no-explicit-any -- CLI summaries of several shapes
  expect(res.code, res.stderr).toBe(0);
  expect(linesOf(res.stdout)).toHaveLength(1);
  return JSON.parse(res.stdout);
}

async function seedStore(server: ServerProcess, key: string): Promise<void> {
  const product = await createProduct(server, key);
  const mv = await server.request('POST', '/api/v1/stock/movements', { key, idempotencyKey: randomBytes(8).toString('hex'), body: { product_id: product.id, type: 'in', quantity: '7' } });
  expect(mv.status, mv.text).toBe(201);
  const customer = await server.request('POST', '/api/v1/customers', { key, body: { name: 'Ramona Quiroga', doc_type: 'DNI', doc_number: '29888777' } });
  expect(customer.status, customer.text).toBe(201);
}

describe('with the embedded engine', () => {
  const bootstrapKey = newBootstrapKey();
  let dataDir: string;
  let server: ServerProcess;
  let shares: string[];
  let serverBackup: string;
  let backupFile: string;
  const env = () => ({ INVENTARIO_DATA_DIR: dataDir });

  beforeAll(async () => {
    dataDir = migratedDataDir('bk-data');
    server = await startServer({ dataDir, bootstrapKey });
    await seedStore(server, bootstrapKey);
    const split = json(await runCli(['keys', 'split', '--shares', '3', '--threshold', '2', '--out', path.join(dataDir, '..', path.basename(dataDir) + '-shares')], env()));
    shares = split.files as string[];
  });

  it('while the server runs: create refuses in one line, --url asks the server, verify and the drill still work', async () => {
    expectOneLineError(await runCli(['backup', 'create'], env()), /server holds the embedded database.*backup create --url/);
    const viaServer = json(await runCli(['backup', 'create', '--url', server.baseUrl], { ...env(), INVENTARIO_API_KEY: bootstrapKey }));
    serverBackup = viaServer.file;
    expect(fs.existsSync(serverBackup)).toBe(true);
    expect(viaServer.manifest.row_counts).toMatchObject({ products: 1, customers: 1, stock_movements: 1 });
    expect(json(await runCli(['backup', 'verify', serverBackup], env()))).toMatchObject({ ok: true, manifest: { backup_id: viaServer.manifest.backup_id } });

    // The drill works on files alone: a throwaway PostgreSQL cluster, nothing of production opened.
    const drill = json(await runCli(['dr', 'drill', '--share', shares[0]!, '--share', shares[2]!, '--json'], env()));
    expect(drill).toMatchObject({ ok: true, failed_step: null, target: { kind: 'cluster' }, audit_event: { recorded: false }, backup: { file: serverBackup } });
    expect(drill.audit_event.detail).toMatch(/server holds the embedded database/);
    expect(drill.rto_seconds).toBeGreaterThan(0);
    expect(drill.rpo_seconds).toBeGreaterThanOrEqual(0);
    expect(drill.steps.map((s: { step: string }) => s.step)).toEqual(expect.arrayContaining(['recover_key', 'restore', 'ready_to_serve', 'row_counts', 'ledger_integrity', 'audit_chain', 'decrypt_sample', 'loss']));
    expect(drill.steps.find((s: { step: string }) => s.step === 'decrypt_sample').detail).toMatch(/^1 customer name/);
    expect(fs.readFileSync(drill.report_files.markdown, 'utf8')).toMatch(/Result: \*\*PASSED\*\*/);
    // The loss: the cluster's data directory is gone.
    expect(fs.existsSync(/data in (\S+)/.exec(drill.target.description)![1]!)).toBe(false);
    const reports = await server.request('GET', '/api/v1/dr/reports', { key: bootstrapKey });
    expect(reports.json().items[0]).toMatchObject({ drill_id: drill.drill_id, ok: true });
    expect((await server.stop()).code).toBe(0);
  });

  it('with the server stopped: create, list and verify; a damaged file is refused in one line', async () => {
    const created = json(await runCli(['backup', 'create', '--json'], env()));
    backupFile = created.file;
    expect(path.dirname(backupFile)).toBe(path.join(dataDir, 'backups'));
    const list = json(await runCli(['backup', 'list'], env()));
    expect(list.items.map((i: { file: string }) => i.file)).toEqual([path.basename(backupFile), path.basename(serverBackup)]);
    expect(list.items.every((i: { complete: boolean }) => i.complete)).toBe(true);

    const damaged = path.join(dataDir, 'damaged.invbak');
    const bytes = fs.readFileSync(backupFile);
    bytes[Math.floor(bytes.length / 2)]! ^= 1;
    fs.writeFileSync(damaged, bytes);
    expectOneLineError(await runCli(['backup', 'verify', damaged], env()), /the backup is corrupted/);
  });

  it(`restores into ${testDatabaseUrl() ? 'server PostgreSQL (embedded → server)' : 'a new embedded data directory'}, checked, and refuses to overwrite it`, async () => {
    const target = makeTempDir('bk-target');
    fs.copyFileSync(path.join(dataDir, 'keyring.json'), path.join(target, 'keyring.json'));
    fs.chmodSync(path.join(target, 'keyring.json'), 0o600);
    fs.cpSync(path.join(dataDir, 'audit-checkpoints'), path.join(target, 'audit-checkpoints'), { recursive: true });
    const targetEnv: Record<string, string> = { INVENTARIO_DATA_DIR: target };
    if (testDatabaseUrl()) {
      const db = await createTestDatabase('pg', 2);
      scratch.push(db);
      targetEnv.DATABASE_URL = db.url!;
    }
    const restored = json(await runCli(['restore', backupFile], targetEnv));
    expect(restored).toMatchObject({ ok: true, engine: testDatabaseUrl() ? 'pg' : 'pglite', row_counts: { products: 1, customers: 1 } });
    expect(restored.checks.map((c: { step: string; ok: boolean }) => `${c.step}:${c.ok}`)).toEqual(['migrations:true', 'row_counts:true', 'ledger_integrity:true', 'audit_chain:true']);
    expectOneLineError(await runCli(['restore', backupFile], targetEnv), /not empty .*--force/);
  });

  it('refuses a missing file, a file that is not a backup, a truncated one and a backup of another master key before creating any database', async () => {
    const withKeyring = makeTempDir('bk-refused');
    fs.copyFileSync(path.join(dataDir, 'keyring.json'), path.join(withKeyring, 'keyring.json'));
    fs.chmodSync(path.join(withKeyring, 'keyring.json'), 0o600);
    const notABackup = path.join(withKeyring, 'fotos.zip');
    fs.writeFileSync(notABackup, randomBytes(4096));
    expectOneLineError(await runCli(['restore', notABackup], { INVENTARIO_DATA_DIR: withKeyring }), /not an inventario backup/);
    expectOneLineError(await runCli(['restore', path.join(withKeyring, 'no-existe.invbak')], { INVENTARIO_DATA_DIR: withKeyring }), /no-existe\.invbak/);
    // A header cut short: the file ends inside it.
    const cut = path.join(withKeyring, 'cut.invbak');
    fs.writeFileSync(cut, fs.readFileSync(backupFile).subarray(0, 20));
    expectOneLineError(await runCli(['restore', cut], { INVENTARIO_DATA_DIR: withKeyring }), /backup/);
    expect(fs.existsSync(path.join(withKeyring, 'pg'))).toBe(false);

    // Another shop's master key: named by its check value, and again no database is created.
    const otherKey = makeTempDir('bk-other-key');
    expectOneLineError(await runCli(['restore', backupFile], { INVENTARIO_DATA_DIR: otherKey, INVENTARIO_MASTER_KEY: randomBytes(32).toString('base64') }), /wrong key: the backup was made with the master key KCV/);
    expect(fs.existsSync(path.join(otherKey, 'pg'))).toBe(false);
  });

  it('an older backup restored on a new data directory with the key custody files does not bring an erased person back', async () => {
    // Erase the one customer after backupFile was made.
    const again = await startServer({ dataDir, bootstrapKey });
    const customers = await again.request('GET', '/api/v1/customers', { key: bootstrapKey });
    const id = customers.json().items[0].id as string;
    expect((await again.request('DELETE', `/api/v1/customers/${id}`, { key: bootstrapKey })).status).toBe(200);
    expect((await again.stop()).code).toBe(0);

    // What key custody keeps: the keyring and the register of shredded keys (docs/keys.md). The
    // backup file sits in a copy directory with no journal; the register comes with the keys.
    const target = makeTempDir('bk-custody');
    for (const f of ['keyring.json', 'shredded-data-keys.jsonl']) {
      fs.copyFileSync(path.join(dataDir, f), path.join(target, f));
      fs.chmodSync(path.join(target, f), 0o600);
    }
    fs.cpSync(path.join(dataDir, 'audit-checkpoints'), path.join(target, 'audit-checkpoints'), { recursive: true });
    const restored = json(await runCli(['restore', backupFile], { INVENTARIO_DATA_DIR: target }));
    expect(restored).toMatchObject({ ok: true, row_counts: { customers: 1 }, erasures_replayed: 0 });
    // The copy still holds the person's wrapped key; a server on it refuses to open it.
    const onCopy = await startServer({ dataDir: target, bootstrapKey });
    const read = await onCopy.request('GET', `/api/v1/customers/${id}`, { key: bootstrapKey });
    expect(read.status).not.toBe(200);
    expect(read.text).not.toMatch(/Ramona|Quiroga|29888777/);
    expect((await onCopy.stop()).code).toBe(0);

    // With the erasure journal too, the restore re-applies the erasure: the copy reads as erased.
    const withJournal = makeTempDir('bk-journal');
    for (const f of ['keyring.json', 'shredded-data-keys.jsonl', 'privacy/erasure-journal.jsonl']) {
      fs.mkdirSync(path.dirname(path.join(withJournal, f)), { recursive: true });
      fs.copyFileSync(path.join(dataDir, f), path.join(withJournal, f));
      fs.chmodSync(path.join(withJournal, f), 0o600);
    }
    fs.cpSync(path.join(dataDir, 'audit-checkpoints'), path.join(withJournal, 'audit-checkpoints'), { recursive: true });
    expect(json(await runCli(['restore', backupFile], { INVENTARIO_DATA_DIR: withJournal }))).toMatchObject({ ok: true, erasures_replayed: 1 });
  });

  it('a drill with a wrong share fails and names the step', async () => {
    const foreign = JSON.parse(fs.readFileSync(shares[0]!, 'utf8'));
    const wrong = path.join(dataDir, 'wrong-share.json');
    fs.writeFileSync(wrong, JSON.stringify({ ...foreign, index: 3, share: randomBytes(33).toString('base64') }));
    const failed = await runCli(['dr', 'drill', '--share', shares[0]!, '--share', wrong], env());
    expect(failed.code).toBe(1);
    expect(JSON.parse(failed.stdout)).toMatchObject({ ok: false, failed_step: 'recover_key' });
    expect(failed.stderr).toMatch(/^error: the drill failed at step recover_key: /);
  });
});

if (testDatabaseUrl()) {
  describe('with server PostgreSQL', () => {
    it('backs up while the server runs and drills the backup on a PGlite scratch directory', async () => {
      const db = await createTestDatabase('pg', 4);
      scratch.push(db);
      const bootstrapKey = newBootstrapKey();
      const dataDir = makeTempDir('bk-pg');
      const server = await startServer({ dataDir, databaseUrl: db.url!, bootstrapKey });
      await seedStore(server, bootstrapKey);
      const env = { INVENTARIO_DATA_DIR: dataDir, DATABASE_URL: db.url! };
      const created = json(await runCli(['backup', 'create'], env));
      expect(created.manifest).toMatchObject({ engine: 'pg', row_counts: { customers: 1 } });
      const split = json(await runCli(['keys', 'split', '--shares', '2', '--threshold', '2', '--out', path.join(dataDir, 'shares')], env));
      const drill = json(await runCli(['dr', 'drill', ...split.files.flatMap((f: string) => ['--share', f]), '--target', 'pglite'], env));
      expect(drill).toMatchObject({ ok: true, target: { kind: 'pglite' }, backup: { engine: 'pg' }, audit_event: { recorded: true } });
      const events = await server.request('GET', '/api/v1/audit/events?action=ops.*', { key: bootstrapKey });
      expect(events.json().items.map((e: { action: string }) => e.action)).toEqual(['ops.dr.drill', 'ops.backup.create']);
      await server.stop();
    });
  });
}
