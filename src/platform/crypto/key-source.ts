// Where the master key comes from, decided once from the configuration:
//   INVENTARIO_MASTER_KEY       one key, base64 (production: from a secret store)
//   INVENTARIO_MASTER_KEY_FILE  a file holding one base64 key, or a keyring JSON
//   neither                     $INVENTARIO_DATA_DIR/keyring.json, created on first start
// The data-dir keyring is used with server PostgreSQL too: the key never goes into the database.
import fs from 'node:fs';
import type { Config } from '../../config.ts';
import { MasterKeyError } from './errors.ts';
import { dataDirKeyringPath, readKeyringFile, type Keyring } from './keyring-file.ts';
import { parseBase64Key } from './primitives.ts';

export type KeySource =
  | {
      kind: 'keyring';
      file: string;
      /** Human label for messages. */
      origin: string;
      /** The data-dir default: we create it, and insist it stays private (0600). */
      managed: boolean;
    }
  | { kind: 'single'; key: Buffer; origin: string };

export type KeySourceConfig = Pick<Config, 'masterKey' | 'masterKeyFile' | 'dataDir'>;

export function resolveKeySource(config: KeySourceConfig): KeySource {
  if (config.masterKey) {
    // config.ts already checked it decodes to 32 bytes.
    return { kind: 'single', key: Buffer.from(config.masterKey, 'base64'), origin: 'INVENTARIO_MASTER_KEY' };
  }
  if (config.masterKeyFile) {
    const file = config.masterKeyFile;
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (err) {
      throw new MasterKeyError(`INVENTARIO_MASTER_KEY_FILE: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    if (text.trimStart().startsWith('{')) {
      return { kind: 'keyring', file, origin: `the keyring ${file} (INVENTARIO_MASTER_KEY_FILE)`, managed: false };
    }
    const key = parseBase64Key(text);
    if (!key) throw new MasterKeyError(`INVENTARIO_MASTER_KEY_FILE: ${file} must hold a 32-byte key in base64 or a keyring JSON`);
    return { kind: 'single', key, origin: `INVENTARIO_MASTER_KEY_FILE (${file})` };
  }
  const file = dataDirKeyringPath(config.dataDir);
  return { kind: 'keyring', file, origin: `the keyring ${file}`, managed: true };
}

/** Reads a keyring source; undefined when its file does not exist yet. */
export function readKeyringSource(source: Extract<KeySource, { kind: 'keyring' }>): Keyring | undefined {
  return readKeyringFile(source.file, { requirePrivate: source.managed });
}
