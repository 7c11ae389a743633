// Master keys, data keys and rotation against a real database (ARCHITECTURE.md "Security
// architecture": KCV-checked master keys, envelope encryption, rotation by re-wrapping).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFrom } from '../../src/config.ts';
import { queryRows, type Database } from '../../src/platform/db/types.ts';
import { MasterKeyError } from '../../src/platform/crypto/errors.ts';
import type { KeySource } from '../../src/platform/crypto/key-source.ts';
import { readKeyringFile } from '../../src/platform/crypto/keyring-file.ts';
import { keyCheckValue, randomKey } from '../../src/platform/crypto/primitives.ts';
import { rotateMasterKey } from '../../src/platform/crypto/rotation.ts';
import { createCryptoService, DataKeyDestroyedError, openCryptoService, type CryptoService, type SealedField } from '../../src/platform/crypto/service.ts';
import { DecryptError } from '../../src/platform/crypto/primitives.ts';
import { onlyOn, testEngines } from '../helpers/engines.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-db.ts';

const dirs: string[] = [];
// The data directory holds the register of shredded keys.
const config = configFrom({ INVENTARIO_DATA_DIR: tempDir() });
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crypto-keys-'));
  dirs.push(dir);
  return dir;
}

function keyringSource(): Extract<KeySource, { kind: 'keyring' }> {
  const dir = tempDir();
  const file = path.join(dir, 'keyring.json');
  return { kind: 'keyring', file, origin: `the keyring ${file}`, managed: true };
}
const single = (key: Buffer): KeySource => ({ kind: 'single', key, origin: 'INVENTARIO_MASTER_KEY' });
const open = (database: Database, source: KeySource) => openCryptoService({ config, database, source });

interface Sealed {
  dataKeyId: string;
  recordId: string;
  sealed: SealedField;
  plaintext: string;
}

async function sealSome(crypto: CryptoService, database: Database, n: number, label: string): Promise<Sealed[]> {
  const out: Sealed[] = [];
  for (let i = 0; i < n; i++) {
    const recordId = `0195b7a4-0000-7000-8000-${String(out.length + 1).padStart(12, '0')}`;
    const plaintext = `${label} ${i} Pérez`;
    out.push(
      await database.transaction(async (tx) => {
        const dek = await crypto.createDataKey(tx, `test:${label}:${i}:${Math.random()}`);
        return { dataKeyId: dek.id, recordId, plaintext, sealed: crypto.sealField(dek, { table: 't', recordId, field: 'name' }, plaintext) };
      }),
    );
  }
  return out;
}

async function openAll(crypto: CryptoService, database: Database, items: Sealed[]): Promise<string[]> {
  return database.transaction(async (tx) => {
    const out: string[] = [];
    for (const item of items) {
      const dek = await crypto.openDataKey(tx, item.dataKeyId);
      out.push(crypto.openField(dek, { table: 't', recordId: item.recordId, field: 'name' }, item.sealed));
    }
    return out;
  });
}

describe.each(testEngines())('master keys and data keys on %s', (engine) => {
  let db: TestDatabase;
  let source: Extract<KeySource, { kind: 'keyring' }>;
  let crypto: CryptoService;

  beforeAll(async () => {
    db = await createTestDatabase(engine);
    source = keyringSource();
    crypto = await open(db.database, source);
  });
  afterAll(async () => db?.drop());

  const versions = () =>
    queryRows<{ version: number; kcv: string; retired: boolean }>(
      db.database.db,
      sql`select version, kcv, retired_at is not null as retired from master_key_versions order by version`,
    );

  it('creates the keyring on first start (0600) and records only its key check value in the database', async () => {
    expect(fs.statSync(source.file).mode & 0o777).toBe(0o600);
    const keyring = readKeyringFile(source.file, { requirePrivate: true })!;
    const key = keyring.versions[0]!.key;
    expect(await versions()).toEqual([{ version: 1, kcv: keyCheckValue(key), retired: false }]);
    expect(crypto.activeKey()).toEqual({ version: 1, kcv: keyCheckValue(key) });
    // The key itself is nowhere in the database, in any encoding.
    const dump = JSON.stringify(await queryRows(db.database.db, sql`select * from master_key_versions`)) + JSON.stringify(await queryRows(db.database.db, sql`select * from data_keys`));
    for (const encoding of ['base64', 'hex', 'base64url'] as const) expect(dump).not.toContain(key.toString(encoding));
  });

  it('round-trips sealed fields through stored data keys, across instances', async () => {
    const items = await sealSome(crypto, db.database, 3, 'round');
    const other = await open(db.database, source);
    expect(await openAll(other, db.database, items)).toEqual(items.map((i) => i.plaintext));
  });

  it('refuses to start with a wrong key, naming the KCV it expected, and stores nothing', async () => {
    const before = await versions();
    const wrong = randomKey();
    const attempt = open(db.database, single(wrong));
    await expect(attempt).rejects.toThrow(MasterKeyError);
    await expect(open(db.database, single(wrong))).rejects.toThrow(new RegExp(`wrong master key: .*KCV ${keyCheckValue(wrong)}.*KCV ${before[0]!.kcv}`));
    expect(await versions()).toEqual(before);
  });

  it('refuses to start when the keyring file is missing but the database has encrypted data, and creates none', async () => {
    const missing = keyringSource();
    await expect(open(db.database, missing)).rejects.toThrow(/does not exist, but the database holds data encrypted with version 1/);
    expect(fs.existsSync(missing.file)).toBe(false);
  });

  it('accepts the same key given alone (as a key recovered from shares would be)', async () => {
    const key = readKeyringFile(source.file, { requirePrivate: true })!.versions[0]!.key;
    const recovered = await open(db.database, single(key));
    expect(recovered.deriveKey('audit.checkpoint.ed25519').equals(crypto.deriveKey('audit.checkpoint.ed25519'))).toBe(true);
  });

  it('derives independent keys per purpose and blind indexes that are equal for equal input only', () => {
    expect(crypto.deriveKey('a.one').equals(crypto.deriveKey('a.two'))).toBe(false);
    expect(crypto.deriveKey('a.one', 64)).toHaveLength(64);
    expect(crypto.blindIndex('customer.email', 'x@y.com')).toBe(crypto.blindIndex('customer.email', 'x@y.com'));
    expect(crypto.blindIndex('customer.email', 'x@y.com')).not.toBe(crypto.blindIndex('customer.doc_number', 'x@y.com'));
    expect(() => crypto.deriveKey('Bad Purpose')).toThrow();
  });

  it('crypto-shreds a data key: afterwards nothing sealed under it opens', async () => {
    const [item] = await sealSome(crypto, db.database, 1, 'shred');
    expect(await db.database.transaction((tx) => crypto.destroyDataKey(tx, item!.dataKeyId))).toBe(true);
    await expect(openAll(crypto, db.database, [item!])).rejects.toThrow(DataKeyDestroyedError);
    const [row] = await queryRows<{ wrapped_key: string | null }>(db.database.db, sql`select wrapped_key from data_keys where id = ${item!.dataKeyId}`);
    expect(row!.wrapped_key).toBeNull();
    expect(await db.database.transaction((tx) => crypto.destroyDataKey(tx, item!.dataKeyId))).toBe(false);
  });

  it('refuses to create keys for reserved subjects and to destroy the derivation root', async () => {
    await expect(db.database.transaction((tx) => crypto.createDataKey(tx, 'system:x'))).rejects.toThrow(/invalid data key subject/);
    const [root] = await queryRows<{ id: string }>(db.database.db, sql`select id from data_keys where subject = 'system:derivation-root'`);
    expect(await db.database.transaction((tx) => crypto.destroyDataKey(tx, root!.id))).toBe(false);
  });

  it('treats a data key row moved to another subject as undecryptable', async () => {
    const [item] = await sealSome(crypto, db.database, 1, 'moved');
    await db.database.db.execute(sql`update data_keys set subject = 'test:someone-else' where id = ${item!.dataKeyId}`);
    await expect(openAll(crypto, db.database, [item!])).rejects.toThrow(DecryptError);
  });
});

// A copy of the database made before a key was shredded (a backup, restored) still holds the
// wrapped key; putting the row back as it was stands in for that copy.
describe.each(testEngines())('shredded keys stay shredded in older copies of the database on %s', (engine) => {
  let db: TestDatabase;
  let source: Extract<KeySource, { kind: 'keyring' }>;
  let crypto: CryptoService;

  beforeAll(async () => {
    db = await createTestDatabase(engine);
    source = keyringSource();
    crypto = await open(db.database, source);
  });
  afterAll(async () => db?.drop());

  async function shredKeepingTheOldRow(item: Sealed, record: boolean): Promise<() => Promise<void>> {
    const [old] = await queryRows<{ wrapped_key: string }>(db.database.db, sql`select wrapped_key from data_keys where id = ${item.dataKeyId}`);
    expect(await db.database.transaction((tx) => crypto.destroyDataKey(tx, item.dataKeyId))).toBe(true);
    if (record) crypto.recordShredded([item.dataKeyId]);
    return async () => {
      await db.database.db.execute(sql`update data_keys set wrapped_key = ${old!.wrapped_key}, destroyed_at = null where id = ${item.dataKeyId}`);
    };
  }

  it('refuses a recorded key even where a copy still holds it wrapped, on this and any later instance', async () => {
    const [item, other] = await sealSome(crypto, db.database, 2, 'copy');
    const restoreOldRow = await shredKeepingTheOldRow(item!, true);
    await restoreOldRow();
    await expect(openAll(crypto, db.database, [item!])).rejects.toThrow(DataKeyDestroyedError);
    const later = await open(db.database, source);
    await expect(openAll(later, db.database, [item!])).rejects.toThrow(DataKeyDestroyedError);
    expect(await openAll(later, db.database, [other!])).toEqual([other!.plaintext]);
    const register = fs.readFileSync(path.join(config.dataDir, 'shredded-data-keys.jsonl'), 'utf8');
    expect(register).toContain(item!.dataKeyId);
    expect(register).not.toContain(other!.dataKeyId);
  });

  it('registers at the next start a key the database marks destroyed but the register missed (a crash in between)', async () => {
    const [item] = await sealSome(crypto, db.database, 1, 'crash');
    const restoreOldRow = await shredKeepingTheOldRow(item!, false);
    await open(db.database, source);
    await restoreOldRow();
    await expect(openAll(crypto, db.database, [item!])).rejects.toThrow(DataKeyDestroyedError);
  });

  it('does not register a destruction that rolled back: the person stays readable', async () => {
    const [item] = await sealSome(crypto, db.database, 1, 'rollback');
    await expect(
      db.database.transaction(async (tx) => {
        await crypto.destroyDataKey(tx, item!.dataKeyId);
        throw new Error('erasure failed after the key was destroyed');
      }),
    ).rejects.toThrow(/erasure failed/);
    const later = await open(db.database, source);
    expect(await openAll(later, db.database, [item!])).toEqual([item!.plaintext]);
  });
});

describe.each(testEngines())('master key rotation on %s', (engine) => {
  let db: TestDatabase;
  let source: Extract<KeySource, { kind: 'keyring' }>;
  let before: CryptoService;
  let items: Sealed[];
  let oldKey: Buffer;

  beforeAll(async () => {
    db = await createTestDatabase(engine);
    source = keyringSource();
    before = await open(db.database, source);
    oldKey = readKeyringFile(source.file, { requirePrivate: true })!.versions[0]!.key;
    items = await sealSome(before, db.database, 5, 'rot');
  });
  afterAll(async () => db?.drop());

  it('re-wraps every data key in batches, retires the old version, and old data still decrypts', async () => {
    const derivedBefore = before.deriveKey('audit.checkpoint.ed25519');
    const indexBefore = before.blindIndex('customer.doc_number', 'DNI:12345678');
    const progress: number[] = [];
    const summary = await rotateMasterKey({ config, database: db.database, source, batchSize: 2, onBatch: (n) => progress.push(n) });
    expect(summary).toMatchObject({ previous_version: 1, new_version: 2, data_keys_rewrapped: 6, batches: 3, retired_versions: [1], keyring_file: source.file });
    expect(progress).toEqual([2, 4, 6]);

    const keyring = readKeyringFile(source.file, { requirePrivate: true })!;
    expect(keyring.active).toBe(2);
    expect(keyring.versions.map((v) => [v.version, v.retiredAt !== null])).toEqual([
      [1, true],
      [2, false],
    ]);
    expect(summary.kcv).toBe(keyCheckValue(keyring.versions[1]!.key));
    const rows = await queryRows<{ kek_version: number; n: string }>(
      db.database.db,
      sql`select kek_version, count(*)::text as n from data_keys where destroyed_at is null group by kek_version`,
    );
    expect(rows).toEqual([{ kek_version: 2, n: '6' }]);
    const [v1] = await queryRows<{ retired: boolean }>(db.database.db, sql`select retired_at is not null as retired from master_key_versions where version = 1`);
    expect(v1!.retired).toBe(true);

    const after = await open(db.database, source);
    expect(await openAll(after, db.database, items)).toEqual(items.map((i) => i.plaintext));
    // Derived keys (blind indexes, the audit signing seed) survive the rotation unchanged.
    expect(after.deriveKey('audit.checkpoint.ed25519').equals(derivedBefore)).toBe(true);
    expect(after.blindIndex('customer.doc_number', 'DNI:12345678')).toBe(indexBefore);
  });

  it('never wraps a new data key with the retired version, even from an instance that started before the rotation', async () => {
    // `before` still has only version 1 in memory: it reads the new version from the keyring file.
    const [fresh] = await sealSome(before, db.database, 1, 'after');
    const [row] = await queryRows<{ kek_version: number }>(db.database.db, sql`select kek_version from data_keys where id = ${fresh!.dataKeyId}`);
    expect(row!.kek_version).toBe(2);
    expect(before.activeKey().version).toBe(2);
    expect(await openAll(before, db.database, items)).toEqual(items.map((i) => i.plaintext));
  });

  it('refuses the retired key alone, and accepts the new one alone', async () => {
    await expect(open(db.database, single(oldKey))).rejects.toThrow(/version 1, which was retired/);
    const newKey = readKeyringFile(source.file, { requirePrivate: true })!.versions[1]!.key;
    const withNew = await open(db.database, single(newKey));
    expect(await openAll(withNew, db.database, items)).toEqual(items.map((i) => i.plaintext));
  });

  it('rotates again on top of a rotation, keeping every old version in the keyring file', async () => {
    const summary = await rotateMasterKey({ config, database: db.database, source });
    expect(summary).toMatchObject({ previous_version: 2, new_version: 3, retired_versions: [2] });
    expect(readKeyringFile(source.file, { requirePrivate: true })!.versions.map((v) => v.version)).toEqual([1, 2, 3]);
    expect(await openAll(await open(db.database, source), db.database, items)).toEqual(items.map((i) => i.plaintext));
  });

  onlyOn(engine, 'pg')('re-wraps a data key that was being created under the old version while the rotation ran', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let created: string | undefined;
    const creating = db.database.transaction(async (tx) => {
      created = (await before.createDataKey(tx, `test:race:${Math.random()}`)).id;
      await gate; // holds its version row FOR SHARE, uncommitted, while the rotation runs
    });
    while (!created) await new Promise((r) => setTimeout(r, 10));
    const rotating = rotateMasterKey({ config, database: db.database, source });
    // Long enough for the rotation to re-wrap everything visible and block on retiring.
    await new Promise((r) => setTimeout(r, 800));
    release();
    await creating;
    const summary = await rotating;
    const [row] = await queryRows<{ kek_version: number }>(db.database.db, sql`select kek_version from data_keys where id = ${created}`);
    expect(row!.kek_version).toBe(summary.new_version);
    expect(await openAll(await open(db.database, source), db.database, items)).toEqual(items.map((i) => i.plaintext));
  });

  it('refuses to rotate a key given alone: there is no keyring to add the new version to', async () => {
    const keyring = readKeyringFile(source.file, { requirePrivate: true })!;
    const key = keyring.versions.find((v) => v.version === keyring.active)!.key;
    await expect(rotateMasterKey({ config, database: db.database, source: single(key) })).rejects.toThrow(/rotation needs a keyring file/);
  });

  it('reports a keyring that lacks a version data keys are still wrapped with', async () => {
    const lost = keyringSource();
    fs.writeFileSync(lost.file, JSON.stringify({ versions: [{ version: 1, key: oldKey.toString('base64'), created_at: 'x' }], active: 1 }), { mode: 0o600 });
    await expect(createCryptoService({ config, database: db.database, source: lost }).ready()).rejects.toThrow(/outdated|does not hold/);
  });
});
