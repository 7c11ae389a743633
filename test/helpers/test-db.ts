// A fresh, migrated database per test file, cloned from the run's template.
import fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { openPg, openPglite } from '../../src/platform/db/engines.ts';
import type { Database, EngineName } from '../../src/platform/db/types.ts';
import { testDatabaseUrl, withDatabaseName } from './engines.ts';

export interface TestDatabase {
  database: Database;
  /** For pg: the connection URL of this scratch database (to start real servers against it). */
  url?: string;
  drop(): Promise<void>;
}

export async function createTestDatabase(engine: EngineName, poolSize = 10): Promise<TestDatabase> {
  if (engine === 'pglite') {
    const tar = fs.readFileSync(inject('pgliteTemplate'));
    const database = await openPglite({ loadDataDir: new Blob([tar]) });
    return { database, drop: () => database.close() };
  }
  const url = testDatabaseUrl();
  const template = inject('pgTemplateDb');
  if (!url || !template) throw new Error('PostgreSQL tests need TEST_DATABASE_URL');
  const name = `inventario_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`create database ${name} template ${template}`);
  } finally {
    await admin.end();
  }
  const dbUrl = withDatabaseName(url, name);
  const database = openPg({ url: dbUrl, poolSize });
  return {
    database,
    url: dbUrl,
    drop: async () => {
      await database.close();
      const a = new pg.Client({ connectionString: url });
      await a.connect();
      await a.query(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}
