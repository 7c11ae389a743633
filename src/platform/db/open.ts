// Opens the configured engine: PGlite in $INVENTARIO_DATA_DIR/pg (locked), or a pg pool.
import path from 'node:path';
import type { Config } from '../../config.ts';
import { openPg, openPglite } from './engines.ts';
import { acquireDataDirLock } from './data-dir-lock.ts';
import type { Database } from './types.ts';

export async function openDatabase(config: Config, purpose: string): Promise<Database> {
  if (config.databaseUrl) {
    return openPg({ url: config.databaseUrl, poolSize: config.dbPoolSize, applicationName: `inventario-${purpose}` });
  }
  const lock = acquireDataDirLock(config.dataDir, purpose);
  try {
    const database = await openPglite({ dataDir: path.join(config.dataDir, 'pg') });
    return {
      ...database,
      close: async () => {
        try {
          await database.close();
        } finally {
          lock.release();
        }
      },
    };
  } catch (err) {
    lock.release();
    throw err;
  }
}
