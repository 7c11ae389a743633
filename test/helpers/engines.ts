import { it } from 'vitest';
// Which engines the suite runs on. PGlite always; PostgreSQL when TEST_DATABASE_URL is set.
// In CI (CI=true) a missing PostgreSQL is a failure, never a silent skip.
import type { EngineName } from '../../src/platform/db/types.ts';

export function testDatabaseUrl(): string | undefined {
  const url = process.env.TEST_DATABASE_URL;
  if (!url && process.env.CI === 'true') {
    throw new Error('CI=true but TEST_DATABASE_URL is not set: the PostgreSQL suite must run in CI');
  }
  return url || undefined;
}

export function testEngines(): EngineName[] {
  return testDatabaseUrl() ? ['pglite', 'pg'] : ['pglite'];
}

export function withDatabaseName(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/**
 * A test that only makes sense on one engine (real concurrency needs a pool). Registered only
 * there, so the other engine's run reports nothing instead of a skipped test — in CI a skip is a
 * failure signal.
 */
export function onlyOn(current: EngineName, wanted: EngineName): (name: string, fn: () => Promise<void>, timeout?: number) => void {
  return (name, fn, timeout) => {
    if (current === wanted) it(name, fn, timeout);
  };
}
