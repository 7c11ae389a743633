// `inventario audit verify|report` as real processes: against a running server (--url), against
// a stopped server's data directory, and against copies of it tampered with in every way a
// superuser could (exit 1 on each). PostgreSQL too when TEST_DATABASE_URL is set.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPglite } from '../../src/platform/db/engines.ts';
import { configFrom } from '../../src/config.ts';
import { createServices } from '../../src/services.ts';
import { sealPending } from '../../src/platform/audit/sealer.ts';
import type { Queryable } from '../../src/platform/db/types.ts';
import { testEngines } from '../helpers/engines.ts';
import { createTestDatabase } from '../helpers/test-db.ts';
import { createProduct, killAllChildren, linesOf, makeTempDir, migratedDataDir, newBootstrapKey, removeTempDirs, runCli, startServer, waitFor, type ServerProcess } from './helpers.ts';

afterAll(async () => {
  await killAllChildren();
  removeTempDirs();
});

interface Report {
  ok: boolean;
  events_checked: number;
  first_bad_seq: number | null;
  problems: { kind: string; seq: number | null }[];
  last_checkpoint: { seal_position: number; matches: boolean | null } | null;
}

/** The tampering a database superuser can do with every trigger disabled. */
const TAMPERING: Record<string, (q: Queryable) => Promise<unknown>> = {
  'an edited event': (q) => q.execute(sql`update audit_events set actor = 'nadie' where seq = (select min(seq) from audit_events)`),
  'a deleted event': (q) => q.execute(sql`delete from audit_events where seq = (select min(seq) + 1 from audit_events)`),
  'a forged event among old ones': (q) =>
    q.execute(sql`insert into audit_events (seq, id, at, actor, action, outcome)
      values ((select min(seq) from audit_events) - 1, gen_random_uuid(), now() - interval '1 day', 'api_key:x', 'stock.movement.create', 'success')`),
  'two events swapped': (q) =>
    q.execute(sql`update audit_events a set actor = b.actor, action = b.action, resource = b.resource, details = b.details
      from (select * from audit_events where seq in (select seq from audit_events order by seq limit 2)) b
      where a.seq in (select seq from audit_events order by seq limit 2) and b.seq <> a.seq`),
  'everything rewritten consistently': async (q) => {
    await q.execute(sql`update audit_events set details = '{"rewritten": true}' where seq = (select min(seq) from audit_events)`);
    await q.execute(sql`delete from audit_seals`);
    await q.execute(sql`delete from audit_pending`);
    await q.execute(sql`insert into audit_pending select seq from audit_events`);
  },
};

async function superuser(q: Queryable, fn: (q: Queryable) => Promise<unknown>): Promise<void> {
  await q.execute(sql`alter table audit_events disable trigger all`);
  await q.execute(sql`alter table audit_seals disable trigger all`);
  await fn(q);
  await q.execute(sql`alter table audit_events enable trigger all`);
  await q.execute(sql`alter table audit_seals enable trigger all`);
}

const parse = (stdout: string) => JSON.parse(stdout) as Report;

describe('inventario audit on an embedded data directory', () => {
  const bootstrapKey = newBootstrapKey();
  let dataDir: string;
  let server: ServerProcess;
  const cli = (args: string[], env: Record<string, string> = {}, dir = dataDir) => runCli(['audit', ...args], { INVENTARIO_DATA_DIR: dir, ...env });

  beforeAll(async () => {
    dataDir = migratedDataDir('audit-cli');
    server = await startServer({ dataDir, bootstrapKey, env: { AUDIT_CHECKPOINT_INTERVAL_SECONDS: '1' } });
    for (let i = 0; i < 3; i++) await createProduct(server, bootstrapKey, { name: `Producto <b>${i}</b>` });
    // The sealer runs every second and checkpoints the head once it moved (at most every 1 s here).
    const dir = path.join(dataDir, 'audit-checkpoints');
    await waitFor(
      'a checkpoint covering the products',
      () => {
        const files = fs.existsSync(dir) ? fs.readdirSync(dir) : [];
        const positions = files.map((f) => Number(/checkpoint-(\d+)-/.exec(f)?.[1] ?? 0));
        return Math.max(0, ...positions) >= 4 ? true : undefined;
      },
      30_000,
    );
  });

  it('refuses to open the database while the server holds it, in one line', async () => {
    const res = await cli(['verify']);
    expect(res.code).toBe(1);
    expect(linesOf(res.stderr)).toHaveLength(1);
    expect(res.stderr).toMatch(/stop it first, or ask it with `inventario audit verify --url http:\/\/127\.0\.0\.1:\d+`/);
  });

  it('asks the running server with --url and INVENTARIO_API_KEY', async () => {
    const missingKey = await cli(['verify', '--url', server.baseUrl]);
    expect(missingKey.code).toBe(2);
    expect(missingKey.stderr).toMatch(/INVENTARIO_API_KEY/);
    const res = await cli(['verify', '--url', server.baseUrl, '--json'], { INVENTARIO_API_KEY: bootstrapKey });
    expect(res.code, res.stderr).toBe(0);
    expect(parse(res.stdout)).toMatchObject({ ok: true, problems: [] });
    const csv = await cli(['report', '--url', server.baseUrl, '--format', 'csv'], { INVENTARIO_API_KEY: bootstrapKey });
    expect(csv.code, csv.stderr).toBe(0);
    expect(csv.stdout.split('\r\n')[0]).toBe('seq,at,actor,action,resource,outcome,ip,request_id,details');
    expect(csv.stdout).toContain('catalog.product.create');
  });

  it('verifies a stopped server’s data directory against its signed checkpoints (exit 0)', async () => {
    expect((await server.stop()).code).toBe(0);
    const res = await cli(['verify', '--json']);
    expect(res.code, res.stderr).toBe(0);
    const report = parse(res.stdout);
    expect(report).toMatchObject({ ok: true, first_bad_seq: null });
    expect(report.last_checkpoint).toMatchObject({ matches: true });
    expect(report.last_checkpoint!.seal_position).toBeGreaterThanOrEqual(4);
  });

  it('writes reports as JSON, CSV and escaped HTML, to stdout or a private file', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const json = await cli(['report', '--from', '2020-01-01', '--to', today]);
    expect(json.code, json.stderr).toBe(0);
    const body = JSON.parse(json.stdout);
    expect(body.summary.by_action).toEqual(expect.arrayContaining([{ key: 'catalog.product.create', count: 3 }]));
    expect(body.events.length).toBe(body.summary.total);
    const out = path.join(dataDir, 'informe.html');
    const html = await cli(['report', '--format', 'html', '--out', out]);
    expect(html.code, html.stderr).toBe(0);
    // Not a terminal: the confirmation is JSON.
    expect(JSON.parse(html.stdout)).toEqual({ out, format: 'html', events: body.summary.total });
    expect(fs.statSync(out).mode & 0o777).toBe(0o600);
    const page = fs.readFileSync(out, 'utf8');
    expect(page).toContain('Informe de auditoría');
    expect(page).not.toContain('<b>0</b>');
    const bad = await cli(['report', '--format', 'pdf']);
    expect(bad.code).toBe(2);
    const range = await cli(['report', '--from', '2026-02-01', '--to', '2026-01-01']);
    expect([range.code, range.stderr.trim()]).toEqual([2, 'error: El rango de fechas está vacío.']);
  });

  it.each(Object.keys(TAMPERING))('exits 1 on %s', async (kind) => {
    const copy = makeTempDir('audit-tampered');
    fs.cpSync(dataDir, copy, { recursive: true });
    const db = await openPglite({ dataDir: path.join(copy, 'pg') });
    try {
      await superuser(db.db, TAMPERING[kind]!);
      if (kind === 'everything rewritten consistently') await sealPending(db);
    } finally {
      await db.close();
    }
    const res = await cli(['verify', '--json'], {}, copy);
    expect(res.code, res.stderr).toBe(1);
    const report = parse(res.stdout);
    expect(report.ok).toBe(false);
    expect(report.first_bad_seq).not.toBeNull();
    // Only the signed checkpoints (every one written before the rewrite) can tell.
    if (kind === 'everything rewritten consistently') expect(new Set(report.problems.map((p) => p.kind))).toEqual(new Set(['checkpoint_mismatch']));
  });
});

describe.runIf(testEngines().includes('pg'))('inventario audit verify on PostgreSQL', () => {
  it.each(['an edited event', 'everything rewritten consistently'])('exits 0 while intact and 1 after %s', async (kind) => {
    const db = await createTestDatabase('pg', 2);
    const dataDir = makeTempDir('audit-pg');
    const env = { DATABASE_URL: db.url!, INVENTARIO_DATA_DIR: dataDir, INVENTARIO_MASTER_KEY: randomBytes(32).toString('base64') };
    try {
      const services = createServices({ config: configFrom(env), database: db.database });
      for (let i = 0; i < 5; i++) await services.audit.record(db.database.db, { actor: 'api_key:x', ip: null, requestId: null }, { action: 'catalog.product.create', outcome: 'success', details: { i } });
      await services.auditTrail.seal();
      await services.auditTrail.checkpointIfDue();
      const intact = await runCli(['audit', 'verify', '--json'], env);
      expect(intact.code, intact.stderr).toBe(0);
      await superuser(db.database.db, TAMPERING[kind]!);
      await sealPending(db.database);
      const res = await runCli(['audit', 'verify', '--json'], env);
      expect(res.code, res.stderr).toBe(1);
      expect(parse(res.stdout).ok).toBe(false);
    } finally {
      await db.drop();
    }
  });
});
