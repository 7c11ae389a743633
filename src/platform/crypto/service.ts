// The key service: created once at start-up, shared by every service that touches personal data.
//
// Start-up proves the configured master key is the right one before anything is decrypted: each
// master key version has a key check value (KCV) in the database, and a start with a key whose
// KCV does not match refuses with one clear line. Keys derived for other purposes (blind indexes,
// the audit checkpoint signing seed) come from a random derivation root stored like any data key,
// wrapped by the master key: a rotation re-wraps it and every derived key stays the same, so
// blind indexes and signatures made before a rotation remain valid after it.
import { uuidv7 } from 'uuidv7';
import type { Database, Queryable } from '../db/types.ts';
import { findPgError } from '../db/sqlstate.ts';
import { DecryptError, MasterKeyError } from './errors.ts';
import { openField, sealField, unwrapDataKey, wrapDataKey, type DataKey, type FieldContext, type SealedField } from './envelope.ts';
import { readKeyringSource, resolveKeySource, type KeySource, type KeySourceConfig } from './key-source.ts';
import { createKeyringFileIfMissing } from './keyring-file.ts';
import { hkdf, hmac, keyCheckValue, randomKey, wipe } from './primitives.ts';
import { createKeyRepo, type MasterKeyVersionRow } from './repo.ts';
import { dataDirShreddedKeysPath, openShreddedKeyRegister, type ShreddedKeyRegister } from './shredded-keys.ts';

/** The data key whose plaintext is the root of every derived key. Never destroyed. */
export const DERIVATION_ROOT_SUBJECT = 'system:derivation-root';

/** A data key that was crypto-shredded: its ciphertexts are unreadable for good. */
export class DataKeyDestroyedError extends DecryptError {
  override name = 'DataKeyDestroyedError';
  constructor() {
    super('data key was destroyed');
  }
}

export interface CryptoServiceOptions {
  config: KeySourceConfig;
  database: Database;
  /** Overrides the configuration (tests). */
  source?: KeySource;
}

export interface CryptoService {
  /** Loads the master keys and checks them against the database; rejects with MasterKeyError. */
  ready(): Promise<void>;
  /** The version and KCV new data keys are wrapped with. Requires ready(). */
  activeKey(): { version: number; kcv: string };
  /**
   * A key for `purpose` (HKDF-SHA256, info = purpose), stable across master key rotations and
   * identical on every instance. Purposes in use: `blind-index:<name>`, `audit.checkpoint.ed25519`.
   * Requires ready(). Returns a fresh copy the caller may wipe.
   */
  deriveKey(purpose: string, length?: number): Buffer;
  /** HMAC-SHA256 of an already normalized value under the key for `blind-index:<purpose>`. */
  blindIndex(purpose: string, normalizedValue: string): string;
  /** A new data key for `subject`, stored wrapped. Call inside the transaction that uses it. */
  createDataKey(q: Queryable, subject: string): Promise<DataKey>;
  /** Unwraps a stored data key; DecryptError (DataKeyDestroyedError once shredded). */
  openDataKey(q: Queryable, id: string): Promise<DataKey>;
  /**
   * Crypto-shreds a data key in the caller's transaction; false when it was already destroyed or
   * never existed. Once that transaction commits, call recordShredded with the id.
   */
  destroyDataKey(q: Queryable, id: string): Promise<boolean>;
  /**
   * Adds committed destructions to the register beside the keyring (shredded-keys.ts), so no
   * copy of the database made before them, restored with these keys, can open those keys again.
   */
  recordShredded(ids: readonly string[]): void;
  sealField(dek: DataKey, ctx: FieldContext, plaintext: string): SealedField;
  /** Throws DecryptError when the value was altered, moved, or sealed under another key. */
  openField(dek: DataKey, ctx: FieldContext, sealed: unknown): string;
}

interface LoadedState {
  source: KeySource;
  keys: Map<number, Buffer>;
  active: number;
  root: Buffer;
  derived: Map<string, Buffer>;
  shredded: ShreddedKeyRegister;
}

function describeVersions(rows: MasterKeyVersionRow[]): string {
  return rows.map((r) => `version ${r.version} (KCV ${r.kcv}${r.retiredAt ? ', retired' : ''})`).join(', ');
}

/** Compares each key with the database, registering versions it does not know yet. */
async function reconcile(q: Queryable, origin: string, keys: Map<number, Buffer>): Promise<MasterKeyVersionRow[]> {
  const repo = createKeyRepo(q);
  for (let pass = 0; pass < 2; pass++) {
    const rows = await repo.listVersions();
    const byVersion = new Map(rows.map((r) => [r.version, r]));
    let registered = false;
    for (const [version, key] of keys) {
      const kcv = keyCheckValue(key);
      const row = byVersion.get(version);
      if (row && row.kcv !== kcv) {
        throw new MasterKeyError(
          `wrong master key: ${origin} has version ${version} with KCV ${kcv}, but the database expects KCV ${row.kcv}; refusing to start`,
        );
      }
      if (!row) {
        await repo.insertVersion(version, kcv);
        registered = true;
      }
    }
    // Read again: another instance may have registered the same version number first.
    if (!registered) return rows;
  }
  return repo.listVersions();
}

async function loadKeys(database: Database, source: KeySource): Promise<{ keys: Map<number, Buffer>; active: number }> {
  const q = database.db;
  const repo = createKeyRepo(q);
  let rows = await repo.listVersions();
  if (source.kind === 'single') {
    const kcv = keyCheckValue(source.key);
    if (rows.length === 0) {
      await repo.insertVersion(1, kcv);
      rows = await repo.listVersions();
    }
    const match = rows.find((r) => r.kcv === kcv);
    if (!match) {
      throw new MasterKeyError(
        `wrong master key: ${source.origin} has KCV ${kcv}, which matches none of the database's master keys (${describeVersions(rows)}); refusing to start`,
      );
    }
    if (match.retiredAt) {
      const live = rows.filter((r) => !r.retiredAt).map((r) => `version ${r.version} (KCV ${r.kcv})`);
      throw new MasterKeyError(`${source.origin} is master key version ${match.version}, which was retired; configure the current key: ${live.join(', ') || 'none'}`);
    }
    return { keys: new Map([[match.version, Buffer.from(source.key)]]), active: match.version };
  }
  let keyring = readKeyringSource(source);
  if (!keyring) {
    if (rows.length > 0) {
      throw new MasterKeyError(
        `${source.origin} does not exist, but the database holds data encrypted with ${describeVersions(rows)}; restore the keyring file, or recover the key with \`inventario keys recover\` and set INVENTARIO_MASTER_KEY_FILE`,
      );
    }
    keyring = createKeyringFileIfMissing(source.file).keyring;
  }
  const keys = new Map(keyring.versions.map((v) => [v.version, v.key]));
  rows = await reconcile(q, source.origin, keys);
  const activeRow = rows.find((r) => r.version === keyring.active);
  if (activeRow?.retiredAt) {
    throw new MasterKeyError(`${source.origin} is outdated: its active version ${keyring.active} was retired by a rotation; copy the current keyring here`);
  }
  return { keys, active: keyring.active };
}

async function loadRoot(database: Database, state: Pick<LoadedState, 'keys' | 'active'>, origin: string): Promise<Buffer> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const row = await createKeyRepo(database.db).findLiveDataKeyBySubject(DERIVATION_ROOT_SUBJECT);
    if (row) {
      try {
        return unwrapDataKey(state.keys.get(row.kekVersion)!, row.kekVersion, row.id, row.subject, row.wrappedKey!);
      } catch {
        throw new MasterKeyError(`the derivation root key does not open with ${origin} although its KCV matched; the data_keys table was altered`);
      }
    }
    try {
      return await database.transaction(async (tx) => {
        if (!(await createKeyRepo(tx).lockLiveVersion(state.active))) throw new MasterKeyError(`master key version ${state.active} is retired`);
        const root = randomKey();
        const id = uuidv7();
        const wrappedKey = wrapDataKey(state.keys.get(state.active)!, state.active, id, DERIVATION_ROOT_SUBJECT, root);
        await createKeyRepo(tx).insertDataKey({ id, subject: DERIVATION_ROOT_SUBJECT, wrappedKey, kekVersion: state.active });
        return root;
      });
    } catch (err) {
      // Another instance created it at the same moment: read theirs.
      if (findPgError(err)?.code !== '23505') throw err;
    }
  }
  throw new MasterKeyError('could not create the derivation root key');
}

async function initialize(database: Database, source: KeySource, shredded: ShreddedKeyRegister): Promise<LoadedState> {
  const { keys, active } = await loadKeys(database, source);
  const inUse = await createKeyRepo(database.db).versionsInUse();
  const missing = inUse.filter((v) => !keys.has(v));
  if (missing.length > 0) {
    throw new MasterKeyError(`data keys are wrapped with master key version ${missing.join(', ')}, which ${source.origin} does not hold; refusing to start`);
  }
  const root = await loadRoot(database, { keys, active }, source.origin);
  // Repairs a crash between an erasure's commit and its register line.
  shredded.add(await createKeyRepo(database.db).listDestroyedIds());
  return { source, keys, active, root, derived: new Map(), shredded };
}

const PURPOSE = /^[a-z0-9][a-z0-9._:-]{0,127}$/;

/**
 * A key service that loads itself on first use (or on ready()). The composition root creates it
 * synchronously; buildApp awaits ready() so a wrong key stops the server before it listens.
 */
export function createCryptoService(options: CryptoServiceOptions): CryptoService {
  const { database } = options;
  let state: LoadedState | undefined;
  let loading: Promise<LoadedState> | undefined;

  const load = (): Promise<LoadedState> => {
    if (state) return Promise.resolve(state);
    loading ??= initialize(
      database,
      options.source ?? resolveKeySource(options.config),
      openShreddedKeyRegister(dataDirShreddedKeysPath(options.config.dataDir)),
    ).then(
      (s) => (state = s),
      (err: unknown) => {
        loading = undefined; // a later call may try again (the database may have been down)
        throw err;
      },
    );
    return loading;
  };
  const loaded = (): LoadedState => {
    if (!state) throw new Error('the key service is not ready: await crypto.ready() first');
    return state;
  };

  /** Picks up versions another process added to the keyring file (an online rotation). */
  async function reload(q: Queryable, s: LoadedState): Promise<void> {
    if (s.source.kind !== 'keyring') return;
    const keyring = readKeyringSource(s.source);
    if (!keyring) return;
    const fresh = new Map(keyring.versions.filter((v) => !s.keys.has(v.version)).map((v) => [v.version, v.key]));
    if (fresh.size > 0) {
      await reconcile(q, s.source.origin, fresh);
      for (const [v, key] of fresh) s.keys.set(v, key);
    }
    if (s.keys.has(keyring.active)) s.active = keyring.active;
  }

  const derive = (s: LoadedState, purpose: string, length: number): Buffer => {
    if (!PURPOSE.test(purpose)) throw new Error(`invalid key purpose ${JSON.stringify(purpose)}`);
    if (!Number.isInteger(length) || length < 16 || length > 1024) throw new Error('derived key length must be 16–1024 bytes');
    const cacheKey = `${purpose}/${length}`;
    let key = s.derived.get(cacheKey);
    if (!key) {
      key = hkdf(s.root, purpose, length);
      s.derived.set(cacheKey, key);
    }
    return key;
  };

  return {
    ready: async () => void (await load()),

    activeKey() {
      const s = loaded();
      return { version: s.active, kcv: keyCheckValue(s.keys.get(s.active)!) };
    },

    deriveKey(purpose, length = 32) {
      return Buffer.from(derive(loaded(), purpose, length));
    },

    blindIndex(purpose, normalizedValue) {
      return hmac(derive(loaded(), `blind-index:${purpose}`, 32), normalizedValue).toString('base64url');
    },

    async createDataKey(q, subject) {
      if (!subject || subject.startsWith('system:')) throw new Error(`invalid data key subject ${JSON.stringify(subject)}`);
      const s = await load();
      if (!(await createKeyRepo(q).lockLiveVersion(s.active))) {
        // A rotation retired our active version: its keyring file has the new one.
        await reload(q, s);
        if (!(await createKeyRepo(q).lockLiveVersion(s.active))) {
          throw new MasterKeyError(`master key version ${s.active} is retired and ${s.source.origin} has no newer version`);
        }
      }
      const id = uuidv7();
      const key = randomKey();
      const wrappedKey = wrapDataKey(s.keys.get(s.active)!, s.active, id, subject, key);
      await createKeyRepo(q).insertDataKey({ id, subject, wrappedKey, kekVersion: s.active });
      return { id, subject, kekVersion: s.active, key };
    },

    async openDataKey(q, id) {
      const s = await load();
      if (s.shredded.has(id)) throw new DataKeyDestroyedError();
      const row = await createKeyRepo(q).findDataKey(id);
      if (!row) throw new DecryptError('unknown data key');
      if (row.destroyedAt || !row.wrappedKey) throw new DataKeyDestroyedError();
      if (!s.keys.has(row.kekVersion)) await reload(q, s);
      const kek = s.keys.get(row.kekVersion);
      if (!kek) throw new DecryptError(`master key version ${row.kekVersion} is not available`);
      return { id: row.id, subject: row.subject, kekVersion: row.kekVersion, key: unwrapDataKey(kek, row.kekVersion, row.id, row.subject, row.wrappedKey) };
    },

    async destroyDataKey(q, id) {
      const row = await createKeyRepo(q).findDataKey(id);
      if (!row || row.subject.startsWith('system:')) return false;
      return Boolean(await createKeyRepo(q).destroyDataKey(id));
    },

    recordShredded(ids) {
      loaded().shredded.add(ids);
    },

    sealField,
    openField,
  };
}

/** The async factory: a key service that is already loaded and checked. */
export async function openCryptoService(options: CryptoServiceOptions): Promise<CryptoService> {
  const service = createCryptoService(options);
  await service.ready();
  return service;
}

export { wipe };
export type { DataKey, FieldContext, SealedField };
