import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { openPg, openPglite } from '../../src/platform/db/engines.ts';
import { MIGRATIONS_DIR, MigrationError, runMigrations, verifyMigrationChecksums } from '../../src/platform/db/migrate.ts';
import { queryRows, type Database } from '../../src/platform/db/types.ts';
import { testDatabaseUrl, testEngines, withDatabaseName } from '../helpers/engines.ts';
import { createTestDatabase } from '../helpers/test-db.ts';

async function schemaOf(database: Database) {
  const columns = await queryRows<Record<string, string>>(
    database.db,
    sql`select table_name, column_name, data_type, is_nullable, coalesce(column_default, '') as column_default,
               coalesce(numeric_precision::text, '') as p, coalesce(numeric_scale::text, '') as s
        from information_schema.columns where table_schema = 'public' order by 1, 2`,
  );
  const constraints = await queryRows<Record<string, string>>(
    database.db,
    sql`select conrelid::regclass::text as table_name, conname, pg_get_constraintdef(oid) as def
        from pg_constraint where connamespace = 'public'::regnamespace and contype <> 'n' order by 1, 2`,
  );
  const indexes = await queryRows<Record<string, string>>(
    database.db,
    sql`select tablename, indexname, indexdef from pg_indexes where schemaname = 'public' order by 1, 2`,
  );
  const views = await queryRows<Record<string, string>>(
    database.db,
    sql`select table_name from information_schema.views where table_schema = 'public' order by 1`,
  );
  return { columns, constraints, indexes, views };
}

describe('migrations', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it.runIf(testEngines().includes('pg'))('produce the same schema on PGlite and on PostgreSQL', async () => {
    const lite = await createTestDatabase('pglite');
    cleanups.push(lite.drop);
    const server = await createTestDatabase('pg');
    cleanups.push(server.drop);
    const [a, b] = [await schemaOf(lite.database), await schemaOf(server.database)];
    expect(a.columns.length).toBeGreaterThan(40);
    expect(a).toEqual(b);
  });

  it('are a no-op the second time and report the latest applied migration', async () => {
    const database = await openPglite({});
    cleanups.push(() => database.close());
    const first = await runMigrations(database);
    const second = await runMigrations(database);
    expect(second).toEqual(first);
    expect(first.applied).toBeGreaterThanOrEqual(1);
    expect(first.latest).toMatch(/^\d{4}_/);
  });

  it('refuse to run when an applied migration file was edited afterwards', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'migrations-'));
    fs.cpSync(MIGRATIONS_DIR, dir, { recursive: true });
    const database = await openPglite({});
    cleanups.push(async () => {
      await database.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });
    await runMigrations(database, dir);
    const [first] = fs.readdirSync(dir).filter((f) => f.endsWith('.sql')).sort();
    fs.appendFileSync(path.join(dir, first!), '\n-- an innocent-looking edit\n');
    await expect(verifyMigrationChecksums(database, dir)).rejects.toThrow(MigrationError);
    await expect(runMigrations(database, dir)).rejects.toThrow(/edited after it was applied/);
  });

  it.runIf(testEngines().includes('pg'))('are applied once when several instances start at the same time', async () => {
    const url = testDatabaseUrl()!;
    const name = `inventario_mig_${randomBytes(5).toString('hex')}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    const instances = [0, 1, 2].map(() => openPg({ url: withDatabaseName(url, name), poolSize: 2 }));
    cleanups.push(async () => {
      await Promise.all(instances.map((i) => i.close()));
      const a = new pg.Client({ connectionString: url });
      await a.connect();
      await a.query(`drop database if exists ${name} with (force)`);
      await a.end();
    });
    const results = await Promise.all(instances.map((i) => runMigrations(i)));
    expect(new Set(results.map((r) => r.applied)).size).toBe(1);
    const [count] = await queryRows<{ n: string }>(instances[0]!.db, sql`select count(*)::text as n from locations where code = 'MAIN'`);
    expect(count!.n).toBe('1');
  });
});
