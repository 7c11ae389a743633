// API.md: after DELETE /api/v1/customers/{id} "the personal data cannot be decrypted from the
// database or from any backup". A backup taken before the erasure still holds the person's data
// key (wrapped by the same master key), so restoring it must re-apply the erasure journal kept
// outside the database; this proves the restore path does, on both engines.
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
import { loadCrypto, replayErasures } from '../../src/modules/ops/backup/checks.ts';
import { backupKeysFromConfig } from '../../src/modules/ops/backup/keys.ts';
import { testEngines } from '../helpers/engines.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-db.ts';

async function readName(database: Database, crypto: CryptoService, id: string): Promise<string> {
  const [row] = await queryRows<{ k: string; name_sealed: unknown }>(database.db, sql`select data_key_id::text as k, name_sealed from customers where id = ${id}`);
  const dek = await crypto.openDataKey(database.db, row!.k);
  return crypto.openField(dek, { table: 'customers', recordId: id, field: 'name' }, row!.name_sealed);
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
    const create = async (name: string, doc: string) => {
      const res = await t.call('POST', '/api/v1/customers', { body: { name, doc_type: 'DNI', doc_number: doc } });
      expect(res.statusCode, res.body).toBe(201);
      return res.json().id as string;
    };
    const erased = await create('Hermenegilda Ocampo Siri', '30111999');
    const kept = await create('Teodoro Palacios', '30222888');
    const { file } = await createBackup({ database: t.db.database, dataDir, keys: backupKeysFromConfig(t.config) });

    const erase = await t.call('DELETE', `/api/v1/customers/${erased}`);
    expect(erase.statusCode, erase.body).toBe(200);

    const target = await createTestDatabase(engine);
    cleanup.push(target);
    // The same master key and the production data directory (where the erasure journal lives).
    const config = configFrom({ INVENTARIO_DATA_DIR: dataDir, INVENTARIO_MASTER_KEY: t.config.masterKey });
    await restoreBackup({ file, keys: backupKeysFromConfig(config), target: target.database, dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'inventario-erasure-files-')) });
    const crypto = await loadCrypto(target.database, config);
    // The old copy still holds the person's data key: exactly what the journal is for.
    expect(await readName(target.database, crypto, erased)).toBe('Hermenegilda Ocampo Siri');

    const replay = await replayErasures(target.database, crypto, dataDir);
    expect(replay.applied).toEqual([erased]);
    await expect(readName(target.database, crypto, erased)).rejects.toBeInstanceOf(DecryptError);
    expect(await readName(target.database, crypto, kept)).toBe('Teodoro Palacios');
    // Replaying again changes nothing.
    expect((await replayErasures(target.database, crypto, dataDir)).applied).toEqual([]);
  });
});
