// The sealer appends committed, unsealed events to the hash chain.
//
// Writers never touch the chain: they insert events (and, through a trigger, an audit_pending
// row) in their own transactions, concurrently. bigserial values are taken at insert, not at
// commit, so seq 41 may commit after seq 42 was sealed, and a rolled-back insert leaves a gap
// forever. Neither matters here: the sealer seals whatever pending rows are visible (committed),
// in seq order, at the next positions; chain order is position order. A late commit is sealed
// on the next round at a later position; a rolled-back seq never had a pending row.
//
// One sealer at a time: the scheduler runs the job on one instance, and every sealing
// transaction also takes a transaction-level advisory lock, so an on-demand seal (verify) from
// another instance waits its turn instead of forking the chain. The primary key on position
// would refuse a fork anyway.
import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { queryRows, type Database, type Queryable } from '../db/types.ts';
import { CHAIN_EVENT_COLUMNS, GENESIS_HASH, chainHash, type ChainEvent } from './canonical.ts';

export const SEAL_LOCK_ID = createHash('sha256').update('audit.seal.chain').digest().readBigInt64BE(0).toString();

export interface ChainHead {
  position: number;
  eventSeq: number;
  /** hex */
  hash: string;
  sealedAt: Date;
}

export interface SealResult {
  sealed: number;
  head: ChainHead | null;
  /** Pending rows dropped because their event was already sealed or does not exist. */
  discarded: number;
}

export async function readHead(q: Queryable): Promise<ChainHead | null> {
  const [row] = await queryRows<{ position: string; event_seq: string; hash: string; sealed_at: Date | string }>(
    q,
    // Ordered by the column, not by the text alias of the same name.
    sql`select s.position::text as position, s.event_seq::text as event_seq, encode(s.hash, 'hex') as hash, s.sealed_at
        from audit_seals s order by s.position desc limit 1`,
  );
  return row
    ? { position: Number(row.position), eventSeq: Number(row.event_seq), hash: row.hash, sealedAt: new Date(row.sealed_at) }
    : null;
}

interface PendingRow extends ChainEvent {
  pending_seq: string;
  already_sealed: boolean;
  missing: boolean;
}

/** `{1,2,3}`: one array parameter instead of thousands of scalar ones. */
function pgArray(values: readonly string[]): string {
  return `{${values.join(',')}}`;
}

async function sealBatch(database: Database, batchSize: number): Promise<{ sealed: number; discarded: number; head: ChainHead | null }> {
  return database.transaction(async (tx) => {
    if (database.engine === 'pg') await tx.execute(sql`select pg_advisory_xact_lock(${SEAL_LOCK_ID}::bigint)`);
    // Read after the lock: this is the head no other sealer can move until we commit.
    const head = await readHead(tx);
    const rows = await queryRows<PendingRow>(
      tx,
      sql`select p.seq::text as pending_seq, (s.position is not null) as already_sealed, (e.id is null) as missing,
            ${CHAIN_EVENT_COLUMNS}
          from audit_pending p
          left join audit_events e on e.seq = p.seq
          left join audit_seals s on s.event_seq = p.seq
          order by p.seq
          limit ${batchSize}`,
    );
    if (rows.length === 0) return { sealed: 0, discarded: 0, head };
    const [clock] = await queryRows<{ now: string }>(
      tx,
      sql`select to_char(clock_timestamp() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as now`,
    );
    let previous: Buffer = head ? Buffer.from(head.hash, 'hex') : GENESIS_HASH;
    let position = head?.position ?? 0;
    const positions: string[] = [];
    const seqs: string[] = [];
    const hashes: string[] = [];
    for (const row of rows) {
      if (row.already_sealed || row.missing) continue;
      position += 1;
      previous = chainHash(previous, row);
      positions.push(String(position));
      seqs.push(row.seq);
      hashes.push(previous.toString('hex'));
    }
    if (positions.length > 0) {
      await tx.execute(sql`insert into audit_seals (position, event_seq, hash, sealed_at)
        select u.p, u.s, decode(u.h, 'hex'), ${clock!.now}::timestamptz
        from unnest(${pgArray(positions)}::bigint[], ${pgArray(seqs)}::bigint[], ${pgArray(hashes)}::text[]) as u(p, s, h)`);
    }
    // Exactly the rows read: a lower seq committing meanwhile keeps its pending row for next time.
    await tx.execute(sql`delete from audit_pending where seq = any(${pgArray(rows.map((r) => r.pending_seq))}::bigint[])`);
    const newHead = positions.length
      ? { position, eventSeq: Number(seqs[seqs.length - 1]), hash: previous.toString('hex'), sealedAt: new Date(clock!.now) }
      : head;
    return { sealed: positions.length, discarded: rows.length - positions.length, head: newHead };
  });
}

/** Seals every pending event (up to maxBatches × batchSize per call). */
export async function sealPending(database: Database, options: { batchSize?: number; maxBatches?: number } = {}): Promise<SealResult> {
  const batchSize = options.batchSize ?? 2000;
  const maxBatches = options.maxBatches ?? 1000;
  let sealed = 0;
  let discarded = 0;
  let head: ChainHead | null = null;
  for (let i = 0; i < maxBatches; i++) {
    const batch = await sealBatch(database, batchSize);
    sealed += batch.sealed;
    discarded += batch.discarded;
    head = batch.head;
    if (batch.sealed + batch.discarded < batchSize) break;
  }
  return { sealed, discarded, head };
}

/** How many committed events wait for a seal (a metric, and a sign of a stuck sealer). */
export async function pendingCount(q: Queryable): Promise<number> {
  const [row] = await queryRows<{ n: string }>(q, sql`select count(*)::text as n from audit_pending`);
  return Number(row?.n ?? 0);
}
