// The tamper-evident chain on both engines: sealing without serializing writers (late commits,
// rolled-back gaps, concurrent writers), verification, signed checkpoints, and every kind of
// tampering a database superuser can do (tests run as one: ALTER TABLE ... DISABLE TRIGGER ALL).
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { configFrom } from '../../src/config.ts';
import { createServices, type Services } from '../../src/services.ts';
import { queryRows, type Database, type Queryable } from '../../src/platform/db/types.ts';
import { sealPending } from '../../src/platform/audit/sealer.ts';
import { verifyChain } from '../../src/platform/audit/verifier.ts';
import { canonicalEvent, chainHash, GENESIS_HASH } from '../../src/platform/audit/canonical.ts';
import { createCheckpointStore, fileSeedProvider, signatureValid } from '../../src/platform/audit/checkpoints.ts';
import { onlyOn, testEngines } from '../helpers/engines.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-db.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'inventario-audit-'));
  dirs.push(dir);
  return dir;
}

interface Chain {
  db: TestDatabase;
  database: Database;
  services: Services;
  dataDir: string;
  record(n: number, at?: Date): Promise<void>;
  verify(): ReturnType<Services['auditTrail']['verify']>;
}

const CTX = { actor: 'api_key:test', ip: '10.0.0.1', requestId: 'req-1' };

async function openChain(engine: 'pglite' | 'pg'): Promise<Chain> {
  const db = await createTestDatabase(engine);
  const dataDir = tempDir();
  const config = configFrom({ INVENTARIO_DATA_DIR: dataDir, INVENTARIO_MASTER_KEY: randomBytes(32).toString('base64') });
  const services = createServices({ config, database: db.database });
  let n = 0;
  return {
    db,
    database: db.database,
    services,
    dataDir,
    async record(count, at) {
      for (let i = 0; i < count; i++) {
        n += 1;
        if (at) {
          await db.database.db.execute(sql`insert into audit_events (id, at, actor, action, outcome, details)
            values (gen_random_uuid(), ${at.toISOString()}::timestamptz, 'api_key:test', 'catalog.product.create', 'success', ${JSON.stringify({ n })}::jsonb)`);
        } else {
          await services.audit.record(db.database.db, CTX, { action: 'catalog.product.create', resource: `product:${n}`, outcome: 'success', details: { n, nested: { b: 2, a: [1, 'x'] } } });
        }
      }
    },
    verify: () => services.auditTrail.verify({ actor: 'test', ip: null, requestId: null }),
  };
}

/** Runs fn with every trigger (append-only guards, FKs, the seal queue) off, as a superuser can. */
async function asSuperuser(q: Queryable, fn: () => Promise<void>): Promise<void> {
  await q.execute(sql`alter table audit_events disable trigger all`);
  await q.execute(sql`alter table audit_seals disable trigger all`);
  try {
    await fn();
  } finally {
    await q.execute(sql`alter table audit_events enable trigger all`);
    await q.execute(sql`alter table audit_seals enable trigger all`);
  }
}

const seqs = async (q: Queryable) => (await queryRows<{ seq: string }>(q, sql`select e.seq::text as seq from audit_events e order by e.seq`)).map((r) => Number(r.seq));

describe.each(testEngines())('the audit hash chain on %s', (engine) => {
  const open: Chain[] = [];
  const chain = async () => {
    const c = await openChain(engine);
    open.push(c);
    return c;
  };
  afterEach(async () => {
    for (const c of open.splice(0)) await c.db.drop();
  });

  it('seals events in seq order with hash = SHA-256(previous hash || canonical event) and verifies them', async () => {
    const c = await chain();
    await c.record(5);
    const result = await c.services.auditTrail.seal();
    expect(result.sealed).toBe(5);
    const rows = await queryRows<{ position: string; event_seq: string; hash: string }>(
      c.database.db,
      sql`select s.position::text as position, s.event_seq::text as event_seq, encode(s.hash, 'hex') as hash from audit_seals s order by s.position`,
    );
    expect(rows.map((r) => Number(r.event_seq))).toEqual(await seqs(c.database.db));
    // Recompute the first link by hand from the documented canonical form.
    const [first] = await queryRows<Record<string, unknown>>(
      c.database.db,
      sql`select e.seq::text as seq, e.id::text as id, to_char(e.at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as at, e.actor, e.action, e.resource, e.outcome, e.ip, e.request_id, e.details
          from audit_events e order by e.seq limit 1`,
    );
    const canonical = canonicalEvent(first as never);
    expect(canonical).toMatch(/^\{"action":"catalog\.product\.create","actor":"api_key:test","at":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z","details":\{"n":1,"nested":\{"a":\[1,"x"\],"b":2\}\},"id":"/);
    expect(rows[0]!.hash).toBe(chainHash(GENESIS_HASH, first as never).toString('hex'));
    const report = await c.verify();
    expect(report).toMatchObject({ ok: true, events_checked: 5, first_bad_seq: null, problems: [] });
    expect(report.head_hash).toBe(rows[4]!.hash);
    // The verification itself was recorded as an event, which the next round seals.
    expect((await c.services.auditTrail.seal()).sealed).toBe(1);
    const [event] = await queryRows<{ action: string; outcome: string }>(c.database.db, sql`select e.action, e.outcome from audit_events e order by e.seq desc limit 1`);
    expect(event).toEqual({ action: 'audit.chain.verify', outcome: 'success' });
  });

  it('treats a rolled-back seq as a gap that is not an error', async () => {
    const c = await chain();
    await c.record(2);
    await expect(
      c.database.transaction(async (tx) => {
        await c.services.audit.record(tx, CTX, { action: 'stock.movement.create', outcome: 'success' });
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    await c.record(2);
    const all = await seqs(c.database.db);
    expect(all[2]! - all[1]!).toBe(2);
    expect((await c.verify()).ok).toBe(true);
  });

  onlyOn(engine, 'pg')('seals an event that commits after a higher seq was sealed, at a later position, and never skips it', async () => {
    const c = await chain();
    await c.record(1);
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let inserted!: () => void;
    const insertedYet = new Promise<void>((r) => (inserted = r));
    const late = c.database.transaction(async (tx) => {
      await c.services.audit.record(tx, CTX, { action: 'identity.api_key.create', outcome: 'success', details: { late: true } });
      inserted();
      await held;
    });
    await insertedYet;
    try {
      await c.record(2); // higher seqs, committed first
      // The first event and the two newer ones; the open transaction's event is not visible yet.
      expect((await sealPending(c.database)).sealed).toBe(3);
    } finally {
      release();
      await late;
    }
    const second = await sealPending(c.database);
    expect(second.sealed).toBe(1);
    const order = await queryRows<{ seq: string }>(c.database.db, sql`select s.event_seq::text as seq from audit_seals s order by s.position`);
    const bySeq = await seqs(c.database.db);
    expect(order.map((r) => Number(r.seq))).toEqual([bySeq[0], bySeq[2], bySeq[3], bySeq[1]]);
    expect((await verifyChain(c.database)).ok).toBe(true);
  });

  onlyOn(engine, 'pg')('keeps one chain while many writers insert and two sealers run at once', async () => {
    const c = await chain();
    const writers = Array.from({ length: 8 }, (_, w) =>
      (async () => {
        for (let i = 0; i < 25; i++) {
          await c.database.transaction(async (tx) => {
            await c.services.audit.record(tx, { ...CTX, actor: `api_key:w${w}` }, { action: 'stock.movement.create', outcome: 'success', details: { i } });
          });
        }
      })(),
    );
    const sealers = (async () => {
      for (let i = 0; i < 20; i++) await Promise.all([sealPending(c.database, { batchSize: 7 }), sealPending(c.database, { batchSize: 5 })]);
    })();
    await Promise.all([...writers, sealers]);
    await sealPending(c.database);
    const [counts] = await queryRows<{ events: string; seals: string; max: string }>(
      c.database.db,
      sql`select (select count(*) from audit_events)::text as events, (select count(*) from audit_seals)::text as seals, (select max(position) from audit_seals)::text as max`,
    );
    expect(counts).toEqual({ events: '200', seals: '200', max: '200' });
    expect((await verifyChain(c.database)).ok).toBe(true);
  });

  it('writes checkpoints signed with Ed25519 into a private directory, and verifies against them', async () => {
    const c = await chain();
    await c.record(3);
    await c.services.auditTrail.seal();
    const checkpoint = (await c.services.auditTrail.checkpointIfDue())!;
    expect(checkpoint).toMatchObject({ version: 1, seal_position: 3 });
    expect(signatureValid(checkpoint)).toBe(true);
    expect(signatureValid({ ...checkpoint, seal_position: 2 })).toBe(false);
    // Within the interval and with the head unchanged, no new checkpoint.
    expect(await c.services.auditTrail.checkpointIfDue()).toBeNull();
    const dir = path.join(c.dataDir, 'audit-checkpoints');
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    const [file] = fs.readdirSync(dir);
    expect(fs.statSync(path.join(dir, file!)).mode & 0o777).toBe(0o600);
    const report = await c.verify();
    expect(report.ok).toBe(true);
    expect(report.last_checkpoint).toMatchObject({ seal_position: 3, matches: true, head_hash: checkpoint.head_hash });
  });

  it('flags an event waiting too long for its seal, and one inserted without ever being queued', async () => {
    const c = await chain();
    await c.record(2);
    await sealPending(c.database);
    await c.record(1, new Date(Date.now() - 3_600_000));
    const stale = await verifyChain(c.database);
    expect(stale.problems.map((p) => p.kind)).toEqual(['unsealed_stale']);
    expect(stale.first_bad_seq).toBe((await seqs(c.database.db))[2]);
    await asSuperuser(c.database.db, () => c.record(1));
    await sealPending(c.database);
    const report = await verifyChain(c.database);
    expect(report.ok).toBe(false);
    expect(report.problems.map((p) => p.kind)).toEqual(['unsealed_unqueued']);
  });

  describe('catches tampering', () => {
    /** 20 sealed events, a checkpoint at 20, then 5 more sealed events. */
    const tamperable = async () => {
      const c = await chain();
      await c.record(10);
      // A rolled-back write leaves seqs no event has, for a forgery to use.
      await c.database
        .transaction(async (tx) => {
          for (let i = 0; i < 3; i++) await c.services.audit.record(tx, CTX, { action: 'x.y', outcome: 'success' });
          throw new Error('rollback');
        })
        .catch(() => undefined);
      await c.record(10);
      await c.services.auditTrail.seal();
      await c.services.auditTrail.checkpointIfDue();
      await c.record(5);
      await c.services.auditTrail.seal();
      expect((await verifyChain(c.database, { checkpoints: c.services.auditTrail.checkpoints })).ok).toBe(true);
      return { c, seqs: await seqs(c.database.db) };
    };

    it('an edited event', async () => {
      const { c, seqs: s } = await tamperable();
      await asSuperuser(c.database.db, async () => {
        await c.database.db.execute(sql`update audit_events set details = '{"n": 999}' where seq = ${s[6]!}`);
      });
      const report = await c.verify();
      expect(report.ok).toBe(false);
      expect(report.first_bad_seq).toBe(s[6]);
      expect(report.problems[0]).toMatchObject({ kind: 'hash_mismatch', seq: s[6] });
    });

    it('an edit of nothing but the microseconds of its time', async () => {
      const { c, seqs: s } = await tamperable();
      await asSuperuser(c.database.db, async () => {
        await c.database.db.execute(sql`update audit_events set at = at + interval '1 microsecond' where seq = ${s[3]!}`);
      });
      expect((await c.verify()).first_bad_seq).toBe(s[3]);
    });

    it('a deleted event', async () => {
      const { c, seqs: s } = await tamperable();
      await asSuperuser(c.database.db, async () => {
        await c.database.db.execute(sql`delete from audit_events where seq = ${s[12]!}`);
      });
      const report = await c.verify();
      expect(report).toMatchObject({ ok: false, first_bad_seq: s[12] });
      expect(report.problems[0]!.kind).toBe('missing_event');
    });

    it('a forged event inserted among old ones, queued or not', async () => {
      const { c, seqs: s } = await tamperable();
      const gap = s[9]! + 1;
      const hourAgo = new Date(Date.now() - 3_600_000).toISOString();
      // Bypassing the queue: never sealed.
      await asSuperuser(c.database.db, async () => {
        await c.database.db.execute(sql`insert into audit_events (seq, id, at, actor, action, outcome) values (${gap}, gen_random_uuid(), ${hourAgo}::timestamptz, 'user:x', 'stock.movement.create', 'success')`);
      });
      const first = await c.verify();
      expect(first).toMatchObject({ ok: false, first_bad_seq: gap });
      expect(first.problems.map((p) => p.kind)).toContain('unsealed_unqueued');
      // Through the queue: sealed at the end of the chain, long after its neighbours.
      await c.database.db.execute(sql`insert into audit_events (seq, id, at, actor, action, outcome) values (${gap + 1}, gen_random_uuid(), ${hourAgo}::timestamptz, 'user:x', 'stock.movement.create', 'success')`);
      const second = await c.verify();
      expect(second.problems.find((p) => p.seq === gap + 1)?.kind).toBe('late_seal');
    });

    it('the contents of two events swapped', async () => {
      const { c, seqs: s } = await tamperable();
      await asSuperuser(c.database.db, async () => {
        await c.database.db.execute(sql`update audit_events a set at = b.at, actor = b.actor, action = b.action, resource = b.resource,
            outcome = b.outcome, ip = b.ip, request_id = b.request_id, details = b.details
          from (select * from audit_events where seq in (${s[2]!}, ${s[15]!})) b where a.seq in (${s[2]!}, ${s[15]!}) and b.seq <> a.seq`);
      });
      const report = await c.verify();
      expect(report.first_bad_seq).toBe(s[2]);
      expect(report.problems.filter((p) => p.kind === 'hash_mismatch').map((p) => p.seq)).toEqual([s[2], s[15]]);
    });

    it('a consistent rewrite of events and seals, caught only by the signed checkpoint', async () => {
      const { c, seqs: s } = await tamperable();
      await asSuperuser(c.database.db, async () => {
        await c.database.db.execute(sql`update audit_events set actor = 'someone-else' where seq = ${s[4]!}`);
        await c.database.db.execute(sql`delete from audit_seals`);
        await c.database.db.execute(sql`delete from audit_pending`);
        await c.database.db.execute(sql`insert into audit_pending select seq from audit_events`);
      });
      await sealPending(c.database);
      // The chain is consistent in itself again...
      expect((await verifyChain(c.database)).ok).toBe(true);
      // ...but not with what was signed before.
      const report = await c.verify();
      expect(report.ok).toBe(false);
      expect(report.problems.map((p) => p.kind)).toEqual(['checkpoint_mismatch']);
      expect(report.first_bad_seq).toBe(s[0]);
      expect(report.last_checkpoint?.matches).toBe(false);
    });

    it('the newest events and their seals removed (a chain shorter than a checkpoint)', async () => {
      const { c, seqs: s } = await tamperable();
      await asSuperuser(c.database.db, async () => {
        await c.database.db.execute(sql`delete from audit_seals where position > 15`);
        await c.database.db.execute(sql`delete from audit_events where seq >= ${s[15]!}`);
      });
      const report = await c.verify();
      expect(report.ok).toBe(false);
      expect(report.problems.map((p) => p.kind)).toContain('checkpoint_ahead');
    });

    it('a checkpoint file altered, or signed with another key', async () => {
      const { c } = await tamperable();
      const dir = c.services.auditTrail.checkpoints.dir;
      const [name] = fs.readdirSync(dir);
      const file = path.join(dir, name!);
      const original = JSON.parse(fs.readFileSync(file, 'utf8'));
      fs.writeFileSync(file, JSON.stringify({ ...original, head_hash: 'a'.repeat(64) }));
      expect((await c.verify()).problems.map((p) => p.kind)).toEqual(['checkpoint_bad_signature']);
      const foreign = createCheckpointStore({ dir, seed: () => randomBytes(32) });
      fs.rmSync(file);
      await foreign.write({ position: original.seal_position, eventSeq: original.event_seq, hash: original.head_hash, sealedAt: new Date() });
      expect((await c.verify()).problems.map((p) => p.kind)).toEqual(['checkpoint_untrusted']);
    });
  });
});

describe('the fallback checkpoint seed', () => {
  it('is 32 random bytes in a 0600 file of the data directory, stable across calls', async () => {
    const dir = tempDir();
    const provider = fileSeedProvider(dir);
    const a = await provider();
    const b = await provider();
    expect(a.equals(b)).toBe(true);
    expect(a).toHaveLength(32);
    expect(fs.statSync(path.join(dir, 'audit-checkpoint-seed')).mode & 0o777).toBe(0o600);
    const other = await fileSeedProvider(tempDir())();
    expect(other.equals(a)).toBe(false);
  });
});
