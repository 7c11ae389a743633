// `inventario retention run` as a real process on an embedded data directory: it refuses to open
// the database behind a running server (one line saying what to do), asks that server with --url
// and INVENTARIO_API_KEY, and once the server is stopped applies the policy itself — removing an
// invoice file past the fiscal period — and prints the report. On PostgreSQL it opens the server
// database directly.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPglite } from '../../src/platform/db/engines.ts';
import { testEngines } from '../helpers/engines.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-db.ts';
import { killAllChildren, linesOf, makeTempDir, migratedDataDir, newBootstrapKey, removeTempDirs, runCli, startServer, type ServerProcess } from './helpers.ts';

afterAll(async () => {
  await killAllChildren();
  removeTempDirs();
});

interface Report {
  dry_run: boolean;
  trigger: string;
  classes: { class: string; due: number; applied: number }[];
}

describe('inventario retention run on an embedded data directory', () => {
  const bootstrapKey = newBootstrapKey();
  let dataDir: string;
  let server: ServerProcess;
  // The scheduled sweep stays off: the test decides when retention runs.
  const cli = (args: string[], env: Record<string, string> = {}) =>
    runCli(['retention', 'run', ...args], { INVENTARIO_DATA_DIR: dataDir, RETENTION_INTERVAL_HOURS: '0', ...env });
  const classOf = (r: Report, name: string) => r.classes.find((c) => c.class === name)!;

  beforeAll(async () => {
    dataDir = migratedDataDir('retention-cli');
    server = await startServer({ dataDir, bootstrapKey, env: { RETENTION_INTERVAL_HOURS: '0' } });
  });

  it('refuses to open the database while the server holds it, in one line', async () => {
    const res = await cli(['--dry-run']);
    expect(res.code).toBe(1);
    expect(linesOf(res.stderr)).toHaveLength(1);
    expect(res.stderr).toMatch(/stop it first, or ask it with `inventario retention run --url http:\/\/127\.0\.0\.1:\d+`/);
  });

  it('asks the running server with --url and INVENTARIO_API_KEY, removing nothing in a dry run', async () => {
    const res = await cli(['--dry-run', '--url', server.baseUrl, '--json'], { INVENTARIO_API_KEY: bootstrapKey });
    expect(res.code, res.stderr).toBe(0);
    const report = JSON.parse(res.stdout) as Report;
    expect(report).toMatchObject({ dry_run: true, trigger: 'api' });
    expect(report.classes.map((c) => c.class)).toEqual(['customers_inactive', 'sessions', 'idempotency_records', 'audit_events', 'invoice_files', 'backups']);
  });

  it('applies the policy itself once the server is stopped, and prints the report', async () => {
    expect((await server.stop()).code).toBe(0);
    // An invoice from 2012 with its stored file: past the 10-year fiscal period.
    const sha = randomBytes(32).toString('hex');
    const file = path.join(dataDir, 'invoices', sha.slice(0, 2), sha);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, '%PDF factura vieja');
    const db = await openPglite({ dataDir: path.join(dataDir, 'pg') });
    try {
      await db.db.execute(
        sql`insert into invoices (id, status, sources, created_by, file_sha256, file_type, issue_date) values (gen_random_uuid(), 'draft', '{}'::jsonb, 'test', ${sha}, 'pdf', '2012-03-01')`,
      );
    } finally {
      await db.close();
    }
    const res = await cli(['--json']);
    expect(res.code, res.stderr).toBe(0);
    const report = JSON.parse(res.stdout) as Report;
    expect(report).toMatchObject({ dry_run: false, trigger: 'cli' });
    expect(classOf(report, 'invoice_files')).toMatchObject({ due: 1, applied: 1 });
    expect(fs.existsSync(file)).toBe(false);
  });
});

describe.each(testEngines().filter((e) => e === 'pg'))('inventario retention run on %s', (engine) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(engine);
  });
  afterAll(async () => db?.drop());

  it('opens the server database directly (no embedded lock to respect) and applies the policy', async () => {
    await db.database.db.execute(
      sql`insert into idempotency_keys (scope, key, request_hash, status, claim_token, locked_until, expires_at)
          values ('api_key:test', 'old', 'h', 'done', gen_random_uuid(), now(), now() - interval '1 day')`,
    );
    const res = await runCli(['retention', 'run', '--json'], { DATABASE_URL: db.url!, INVENTARIO_DATA_DIR: makeTempDir('retention-pg'), RETENTION_INTERVAL_HOURS: '0' });
    expect(res.code, res.stderr).toBe(0);
    const report = JSON.parse(res.stdout) as Report;
    expect(report).toMatchObject({ dry_run: false, trigger: 'cli' });
    expect(report.classes.find((c) => c.class === 'idempotency_records')).toMatchObject({ due: 1, applied: 1 });
  });
});
