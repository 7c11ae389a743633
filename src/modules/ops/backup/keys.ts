// The master keys a backup is sealed with and opened with: the configured source (keyring file
// or single key) read from disk, never from the database. A backup made before a rotation still
// opens with the retired version the keyring keeps.
import type { Config } from '../../../config.ts';
import { MasterKeyError } from '../../../platform/crypto/errors.ts';
import { readKeyringSource, resolveKeySource } from '../../../platform/crypto/key-source.ts';
import { BackupError, backupKeysOf, type BackupKeys } from './format.ts';

export function backupKeysFromConfig(config: Pick<Config, 'masterKey' | 'masterKeyFile' | 'dataDir'>): BackupKeys {
  let source;
  try {
    source = resolveKeySource(config);
    if (source.kind === 'single') return backupKeysOf(source.key);
    const keyring = readKeyringSource(source);
    if (!keyring) throw new BackupError(`no master key: ${source.file} does not exist and INVENTARIO_MASTER_KEY is not set`, 'wrong_key');
    const active = keyring.versions.find((v) => v.version === keyring.active)!;
    return backupKeysOf(active.key, keyring.versions.filter((v) => v !== active).map((v) => v.key));
  } catch (err) {
    if (err instanceof MasterKeyError) throw new BackupError(err.message, 'wrong_key');
    throw err;
  }
}
