// API.md: after DELETE /api/v1/customers/{id} "the personal data cannot be decrypted from the
// database or from any backup". A backup taken before the erasure still holds the person's data
// key (wrapped by the same master key): the key service refuses it through the register of
// shredded keys kept beside the keyring, and the erasure journal re-applies the erasure to the
// restored rows. This proves both, on both engines.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFrom } from '../../src/config.ts';
import { queryRows, type Database } from '../../src/platform/db/types.ts';
import { DecryptError } from '../../src/platform/crypto/errors.ts';
import type { CryptoService } from '../../src/platform/crypto/service.ts';
import { createBackup } from '../../src/modules/ops/backup/writer.ts';
import { restoreBackup } from '../../src/modules/ops/backup/restore.ts';
import { adoptShreddedKeysBeside, loadCrypto, replayErasures } from '../../src/modules/ops/backup/checks.ts';
import { backupKeysFromConfig } from '../../src/modules/ops/backup/keys.ts';
import { testEngines } from '../helpers/engines.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-db.ts';

async function readName(database: Database, crypto: CryptoService, id: string): Promise<string> {
  const [row] = await queryRows<{ k: string; name_sealed: unknown }>(database.db, sql`select data_key_id::text as k, name_sealed from customers where id = ${id}`);
  const dek = await crypto.openDataKey(database.db, row!.k);
  return crypto.openField(dek, { table: 'customers', recordId: id, field: 'name' }, row!.name_sealed);
}

async function createCustomer(app: TestApp, name: string, doc: string): Promise<string> {
  const res = await app.call('POST', '/api/v1/customers', { body: { name, doc_type: 'DNI', doc_number: doc } });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id as string;
}

describe.each(testEngines())('erasure survives restoring an older backup (%s)', (engine) => {
  let t: TestApp;
  let dataDir: string;
  const cleanup: TestDatabase[] = [];

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'inventario-erasure-'));
    t = await createTestApp(engine, { INVENTARIO_DATA_DIR: dataDir });
  });
  afterAll(async () => {
    for (const db of cleanup) await db.drop();
    await t?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('the erased person cannot be decrypted in the restored copy; everyone else can', async () => {
    const erased = await createCustomer(t, 'Hermenegilda Ocampo Siri', '30111999');
    const kept = await createCustomer(t, 'Teodoro Palacios', '30222888');
    const { file } = await createBackup({ database: t.db.database, dataDir, keys: backupKeysFromConfig(t.config) });

    const erase = await t.call('DELETE', `/api/v1/customers/${erased}`);
    expect(erase.statusCode, erase.body).toBe(200);

    const target = await createTestDatabase(engine);
    cleanup.push(target);
    // The same master key and the production data directory (where the erasure journal lives).
    const config = configFrom({ INVENTARIO_DATA_DIR: dataDir, INVENTARIO_MASTER_KEY: t.config.masterKey });
    await restoreBackup({ file, keys: backupKeysFromConfig(config), target: target.database, dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'inventario-erasure-files-')) });
    const crypto = await loadCrypto(target.database, config);
    // The old copy still holds the person's wrapped data key, but the key service refuses it
    // (the register of shredded keys beside the keyring), before any replay has run.
    const [copy] = await queryRows<{ wrapped: boolean }>(target.database.db, sql`select k.wrapped_key is not null as wrapped from data_keys k join customers c on c.data_key_id = k.id where c.id = ${erased}`);
    expect(copy!.wrapped).toBe(true);
    await expect(readName(target.database, crypto, erased)).rejects.toBeInstanceOf(DecryptError);
    expect(await readName(target.database, crypto, kept)).toBe('Teodoro Palacios');

    // The journal then makes the rows read like the live system's: key gone, pseudonym, no index.
    const replay = await replayErasures(target.database, crypto, dataDir);
    expect(replay.applied).toEqual([erased]);
    const [row] = await queryRows<{ erased: boolean; doc_index: string | null; wrapped: boolean }>(
      target.database.db,
      sql`select c.erased_at is not null as erased, c.doc_index, k.wrapped_key is not null as wrapped from customers c join data_keys k on k.id = c.data_key_id where c.id = ${erased}`,
    );
    expect(row).toEqual({ erased: true, doc_index: null, wrapped: false });
    await expect(readName(target.database, crypto, erased)).rejects.toBeInstanceOf(DecryptError);
    expect(await readName(target.database, crypto, kept)).toBe('Teodoro Palacios');
    // Replaying again changes nothing.
    expect((await replayErasures(target.database, crypto, dataDir)).applied).toEqual([]);
  });

  it('after losing the data directory, an older backup copy restored on a new one cannot be decrypted either', async () => {
    const copyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'inventario-erasure-copies-'));
    const app = await createTestApp(engine, { INVENTARIO_DATA_DIR: dataDir, INVENTARIO_MASTER_KEY: t.config.masterKey!, BACKUP_COPY_DIR: copyDir });
    try {
      const erased = await createCustomer(app, 'Eleuteria Basualdo', '30333777');
      const kept = await createCustomer(app, 'Casimiro Ledesma', '30444666');
      const older = await app.call('POST', '/api/v1/backups');
      expect(older.statusCode, older.body).toBe(201);
      expect(older.json().copy).toEqual({ verified: true, error: null });
      expect((await app.call('DELETE', `/api/v1/customers/${erased}`)).statusCode).toBe(200);
      // The next backup carries the register of shredded keys to the copies.
      expect((await app.call('POST', '/api/v1/backups')).statusCode).toBe(201);

      const newDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'inventario-erasure-new-'));
      const config = configFrom({ INVENTARIO_DATA_DIR: newDataDir, INVENTARIO_MASTER_KEY: t.config.masterKey });
      const copyOfOlder = path.join(copyDir, older.json().file as string);
      const target = await createTestDatabase(engine);
      cleanup.push(target);
      await restoreBackup({ file: copyOfOlder, keys: backupKeysFromConfig(config), target: target.database, dataDir: newDataDir });
      expect(adoptShreddedKeysBeside(copyOfOlder, newDataDir)).toBeGreaterThan(0);
      const crypto = await loadCrypto(target.database, config);
      await expect(readName(target.database, crypto, erased)).rejects.toBeInstanceOf(DecryptError);
      expect(await readName(target.database, crypto, kept)).toBe('Casimiro Ledesma');
      fs.rmSync(newDataDir, { recursive: true, force: true });
    } finally {
      await app.close();
      fs.rmSync(copyDir, { recursive: true, force: true });
    }
  });
});
