// Shared set-up for CLI commands that work on the database directly.
import { loadConfig, ConfigError, type Config } from '../config.ts';
import { openDatabase } from '../platform/db/open.ts';
import { runMigrations } from '../platform/db/migrate.ts';
import { DataDirLockedError } from '../platform/db/data-dir-lock.ts';
import type { Database } from '../platform/db/types.ts';
import { createServices, type Services } from '../services.ts';
import { fail } from './output.ts';

export function configOrExit(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) fail(err.message, 2);
    throw err;
  }
}

export async function withDatabase<T>(
  purpose: string,
  fn: (ctx: { config: Config; database: Database; services: Services }) => Promise<T>,
): Promise<T> {
  const config = configOrExit();
  let database: Database;
  try {
    database = await openDatabase(config, purpose);
  } catch (err) {
    if (err instanceof DataDirLockedError) {
      fail(`${err.message}. While the server runs, use the HTTP API (for example POST /api/v1/api-keys with an admin key).`);
    }
    throw err;
  }
  try {
    await runMigrations(database);
    const services = createServices({ config, database });
    // Load and check the master key before any transaction: on PGlite's single connection a
    // lazy load from inside a transaction would wait on itself.
    await services.crypto.ready();
    return await fn({ config, database, services });
  } finally {
    await database.close();
  }
}
