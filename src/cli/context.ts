// Shared set-up for CLI commands that work on the database directly. The database engines and
// the service graph are imported only when a command runs, so `--help` and argument errors
// answer at once instead of loading PGlite, pg and every module first.
import { loadConfig, ConfigError, type Config } from '../config.ts';
import { DataDirLockedError } from '../platform/db/data-dir-lock.ts';
import type { Database } from '../platform/db/types.ts';
import type { Services } from '../services.ts';
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
  const [{ openDatabase }, { runMigrations }, { createServices }] = await Promise.all([
    import('../platform/db/open.ts'),
    import('../platform/db/migrate.ts'),
    import('../services.ts'),
  ]);
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
