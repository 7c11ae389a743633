// Master key rotation, online: a new version is added to the keyring file, every live data key
// is re-wrapped in small batches (each its own transaction, so servers keep working), and only
// when none is left under an older version are the older versions marked retired. Retired keys
// stay in the keyring file: backups taken before the rotation still need them.
//
// Crash safety: the keyring file is written before the database learns the new version (a start
// registers versions it finds in the file), and re-running a rotation after a crash finishes the
// job under a newer version.
import { sql } from 'drizzle-orm';
import { queryRows, type Database } from '../db/types.ts';
import { MasterKeyError } from './errors.ts';
import { unwrapDataKey, wrapDataKey } from './envelope.ts';
import { readKeyringSource, resolveKeySource, type KeySource, type KeySourceConfig } from './key-source.ts';
import { writeKeyringFile, type Keyring } from './keyring-file.ts';
import { keyCheckValue, randomKey, wipe } from './primitives.ts';
import { createKeyRepo } from './repo.ts';
import { openCryptoService } from './service.ts';

// Arbitrary constant: one rotation at a time across every instance (server PostgreSQL).
const ROTATION_LOCK_ID = 727_002;

export interface RotationSummary {
  previous_version: number;
  new_version: number;
  kcv: string;
  data_keys_rewrapped: number;
  batches: number;
  retired_versions: number[];
  keyring_file: string;
}

export interface RotationOptions {
  config: KeySourceConfig;
  database: Database;
  source?: KeySource;
  batchSize?: number;
  onBatch?: (rewrapped: number) => void;
}

class StragglersFound extends Error {}

export async function rotateMasterKey(options: RotationOptions): Promise<RotationSummary> {
  const { database } = options;
  const source = options.source ?? resolveKeySource(options.config);
  if (source.kind !== 'keyring') {
    throw new MasterKeyError(
      `${source.origin} holds a single key, and rotation needs a keyring file to add the new version to; point INVENTARIO_MASTER_KEY_FILE to a keyring JSON (see docs/keys.md)`,
    );
  }
  // Opening the service proves the keyring matches the database (and creates it on a new store).
  await openCryptoService({ config: options.config, database, source });

  const run = async (): Promise<RotationSummary> => {
    const keyring = readKeyringSource(source)!;
    const rows = await createKeyRepo(database.db).listVersions();
    const newVersion = Math.max(...keyring.versions.map((v) => v.version), ...rows.map((r) => r.version)) + 1;
    const newKey = randomKey();
    const kcv = keyCheckValue(newKey);
    const now = new Date().toISOString();
    const rotated: Keyring = {
      versions: [...keyring.versions, { version: newVersion, key: newKey, createdAt: now, retiredAt: null }],
      active: newVersion,
    };
    writeKeyringFile(source.file, rotated);
    await createKeyRepo(database.db).insertVersion(newVersion, kcv);

    const keys = new Map(rotated.versions.map((v) => [v.version, v.key]));
    const batchSize = options.batchSize ?? 200;
    let rewrapped = 0;
    let batches = 0;
    let retired: number[];
    for (let round = 0; ; round++) {
      for (;;) {
        const n = await database.transaction(async (tx) => {
          const repo = createKeyRepo(tx);
          const batch = await repo.keysToRewrap(newVersion, batchSize);
          for (const row of batch) {
            const oldKek = keys.get(row.kekVersion);
            if (!oldKek) throw new MasterKeyError(`data key ${row.id} is wrapped with master key version ${row.kekVersion}, which the keyring does not hold`);
            const dek = unwrapDataKey(oldKek, row.kekVersion, row.id, row.subject, row.wrappedKey!);
            await repo.setWrapped(row.id, wrapDataKey(newKey, newVersion, row.id, row.subject, dek), newVersion);
            wipe(dek);
          }
          return batch.length;
        });
        if (n === 0) break;
        rewrapped += n;
        batches += 1;
        options.onBatch?.(rewrapped);
      }
      try {
        retired = await database.transaction(async (tx) => {
          const repo = createKeyRepo(tx);
          // The UPDATE waits for transactions that hold an old version FOR SHARE while creating a
          // data key; the count after it sees those keys, and another pass re-wraps them.
          const versions = await repo.retireAllBut(newVersion);
          if ((await repo.countNotWrappedBy(newVersion)) > 0) throw new StragglersFound();
          return versions;
        });
        break;
      } catch (err) {
        if (!(err instanceof StragglersFound) || round >= 10) throw err;
      }
    }

    const retiredAt = new Date().toISOString();
    writeKeyringFile(source.file, {
      active: newVersion,
      versions: rotated.versions.map((v) => (v.version === newVersion || v.retiredAt ? v : { ...v, retiredAt })),
    });
    return {
      previous_version: keyring.active,
      new_version: newVersion,
      kcv,
      data_keys_rewrapped: rewrapped,
      batches,
      retired_versions: retired,
      keyring_file: source.file,
    };
  };

  if (database.engine !== 'pg') return run(); // the embedded engine belongs to this process alone
  return database.withConnection(async (conn) => {
    const [lock] = await queryRows<{ ok: boolean }>(conn, sql`select pg_try_advisory_lock(${ROTATION_LOCK_ID}) as ok`);
    if (!lock?.ok) throw new MasterKeyError('another key rotation is running; wait for it to finish');
    try {
      return await run();
    } finally {
      await conn.execute(sql`select pg_advisory_unlock(${ROTATION_LOCK_ID})`);
    }
  });
}
