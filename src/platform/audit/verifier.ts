// Recomputes the whole chain, streaming seals in position order in batches (never the whole
// table in memory), and compares it with the signed checkpoints kept outside the database.
//
// What it catches: an edited event (hash mismatch), a deleted event (seal without event), a
// deleted or renumbered seal (gap), content swapped between events (mismatch at both), a forged
// event inserted among old ones (sealed late, far behind its seq neighbours, or never queued),
// events left unsealed too long, and a consistent rewrite of events and seals (disagrees with a
// checkpoint, or the chain is shorter than one).
import { sql } from 'drizzle-orm';
import { queryRows, type Database } from '../db/types.ts';
import { CHAIN_EVENT_COLUMNS, GENESIS_HASH, chainHash, type ChainEvent } from './canonical.ts';
import { signatureValid, type Checkpoint, type CheckpointStore } from './checkpoints.ts';
import { readHead } from './sealer.ts';

export type ProblemKind =
  | 'hash_mismatch'
  | 'missing_event'
  | 'seal_gap'
  | 'late_seal'
  | 'seal_time_regression'
  | 'unsealed_unqueued'
  | 'unsealed_stale'
  | 'checkpoint_mismatch'
  | 'checkpoint_ahead'
  | 'checkpoint_bad_signature'
  | 'checkpoint_untrusted'
  | 'checkpoint_unreadable';

export interface ChainProblem {
  kind: ProblemKind;
  seq: number | null;
  position: number | null;
  /** Spanish: shown to the auditor. */
  message: string;
}

export interface CheckpointSummary {
  seal_position: number;
  event_seq: number;
  head_hash: string;
  at: string;
  public_key: string;
  /** Whether the chain agrees at that position; null when that position could not be compared (a gap). */
  matches: boolean | null;
}

export interface VerifyReport {
  ok: boolean;
  events_checked: number;
  head_position: number;
  head_hash: string | null;
  first_bad_seq: number | null;
  last_checkpoint: CheckpointSummary | null;
  problems: ChainProblem[];
  warnings: string[];
}

export interface VerifyOptions {
  checkpoints?: CheckpointStore;
  batchSize?: number;
  /** An event may wait this long for its seal before it is a problem (default 5 min). */
  unsealedGraceMs?: number;
  /** The longest a writer's transaction may plausibly stay open (default 10 min). */
  maxLateCommitMs?: number;
  maxProblems?: number;
}

// Seal times come from the database clock; a step back of NTP is tolerated, a rewrite is not.
const CLOCK_TOLERANCE_MS = 60_000;

interface SealRow extends ChainEvent {
  position: string;
  event_seq: string;
  hash: string;
  sealed_ms: number;
  at_ms: number | null;
  missing: boolean;
}

/** Checks the checkpoint files themselves; returns those fit to compare the chain with. */
async function usableCheckpoints(store: CheckpointStore | undefined, problems: ChainProblem[], warnings: string[]): Promise<Checkpoint[]> {
  if (!store) return [];
  const stored = store.list();
  if (stored.length === 0) {
    warnings.push(`No hay puntos de control en ${store.dir}: la cadena se comprobó solo contra sí misma.`);
    return [];
  }
  let trusted: string | undefined;
  try {
    trusted = await store.publicKey();
  } catch {
    warnings.push('No se pudo cargar la clave de firma de los puntos de control: se comparan sin confirmar su origen.');
  }
  const usable: Checkpoint[] = [];
  for (const s of stored) {
    const c = s.checkpoint;
    if (!c) {
      problems.push({ kind: 'checkpoint_unreadable', seq: null, position: null, message: `El punto de control ${s.file} no se puede leer.` });
    } else if (!signatureValid(c)) {
      problems.push({ kind: 'checkpoint_bad_signature', seq: c.event_seq, position: null, message: `La firma del punto de control ${s.file} no es válida.` });
    } else if (trusted !== undefined && c.public_key !== trusted) {
      problems.push({ kind: 'checkpoint_untrusted', seq: c.event_seq, position: null, message: `El punto de control ${s.file} está firmado con una clave ajena.` });
    } else {
      usable.push(c);
    }
  }
  return usable.sort((a, b) => a.seal_position - b.seal_position || a.at.localeCompare(b.at));
}

export async function verifyChain(database: Database, options: VerifyOptions = {}): Promise<VerifyReport> {
  const batchSize = options.batchSize ?? 5000;
  const graceMs = options.unsealedGraceMs ?? 5 * 60_000;
  const maxLateMs = options.maxLateCommitMs ?? 10 * 60_000;
  const maxProblems = options.maxProblems ?? 100;
  const problems: ChainProblem[] = [];
  const warnings: string[] = [];
  // Problems are found in chain order; this keys each one for first_bad_seq.
  const order = new Map<ChainProblem, number>();
  const report = (p: ChainProblem, key: number) => {
    if (problems.length >= maxProblems) return;
    problems.push(p);
    order.set(p, key);
  };

  // Checkpoints first, head second: a checkpoint written meanwhile by the sealer is then never
  // beyond the head this run verifies up to.
  const checkpoints = await usableCheckpoints(options.checkpoints, problems, warnings);
  const head = await readHead(database.db);
  const headPosition = head?.position ?? 0;
  let cpIndex = 0;

  let previous: Buffer | null = GENESIS_HASH;
  let expected = 1;
  let checked = 0;
  let maxSeq = 0;
  let lastSealedMs = -Infinity;
  // Running maximum sealed seq per seal time, for seal times within maxLateMs of the current one.
  const recent: { sealedMs: number; maxSeq: number }[] = [];
  let maxSeqBeforeWindow = 0;
  let lastAgreeing = 0;
  let seqAfterAgreement: number | null = null;
  const matched = new Map<Checkpoint, boolean>();

  for (let after = 0; after < headPosition; ) {
    const rows = await queryRows<SealRow>(
      database.db,
      sql`select s.position::text as position, s.event_seq::text as event_seq, encode(s.hash, 'hex') as hash,
            (extract(epoch from s.sealed_at) * 1000)::float8 as sealed_ms, (extract(epoch from e.at) * 1000)::float8 as at_ms,
            (e.id is null) as missing, ${CHAIN_EVENT_COLUMNS}
          from audit_seals s left join audit_events e on e.seq = s.event_seq
          where s.position > ${after} and s.position <= ${headPosition}
          order by s.position limit ${batchSize}`,
    );
    if (rows.length === 0) break;
    for (const row of rows) {
      const position = Number(row.position);
      const seq = Number(row.event_seq);
      const sealedMs = Number(row.sealed_ms);
      if (position === lastAgreeing + 1) seqAfterAgreement = seq;
      if (position !== expected) {
        report({ kind: 'seal_gap', seq, position: expected, message: `Faltan los sellos de las posiciones ${expected} a ${position - 1}.` }, expected);
        previous = null;
      }
      if (row.missing) {
        report({ kind: 'missing_event', seq, position, message: `El evento ${seq} fue sellado pero ya no existe.` }, position);
      } else if (previous && chainHash(previous, row).toString('hex') !== row.hash) {
        report({ kind: 'hash_mismatch', seq, position, message: `El evento ${seq} no coincide con su sello: fue modificado o reemplazado.` }, position);
      }
      // Later links are checked against the stored hash, so one edit is reported once.
      previous = Buffer.from(row.hash, 'hex');

      if (sealedMs < lastSealedMs - CLOCK_TOLERANCE_MS) {
        report({ kind: 'seal_time_regression', seq, position, message: `El sello ${position} es anterior a los sellos que lo preceden.` }, position);
      }
      lastSealedMs = Math.max(lastSealedMs, sealedMs);
      while (recent.length > 0 && recent[0]!.sealedMs < sealedMs - maxLateMs) maxSeqBeforeWindow = recent.shift()!.maxSeq;
      if (!row.missing && seq < maxSeq) {
        // Sealed after a higher seq: legitimate only for a transaction that committed late, so
        // its seq was taken recently. A forged event slipped among old ones is not.
        const tooLate = seq < maxSeqBeforeWindow || (row.at_ms !== null && sealedMs - row.at_ms > maxLateMs);
        if (tooLate) {
          report({ kind: 'late_seal', seq, position, message: `El evento ${seq} apareció mucho después que los eventos posteriores: posible inserción.` }, position);
        }
      }
      maxSeq = Math.max(maxSeq, seq);
      const last = recent[recent.length - 1];
      if (last && last.sealedMs === sealedMs) last.maxSeq = maxSeq;
      else recent.push({ sealedMs, maxSeq });

      for (; cpIndex < checkpoints.length && checkpoints[cpIndex]!.seal_position <= position; cpIndex++) {
        const c = checkpoints[cpIndex]!;
        if (c.seal_position < position) continue; // its position was inside a gap; reported above
        const agrees = c.head_hash === row.hash;
        matched.set(c, agrees);
        if (agrees) {
          lastAgreeing = position;
        } else {
          report(
            {
              kind: 'checkpoint_mismatch',
              seq: seqAfterAgreement,
              position: lastAgreeing + 1,
              message: `La cadena no coincide con el punto de control firmado en la posición ${position} (${c.at}): fue reescrita desde la posición ${lastAgreeing + 1}.`,
            },
            lastAgreeing + 1,
          );
        }
      }
      checked += 1;
      expected = position + 1;
      after = position;
    }
  }

  for (const c of checkpoints.slice(cpIndex)) {
    if (c.seal_position <= headPosition) continue;
    matched.set(c, false);
    report(
      {
        kind: 'checkpoint_ahead',
        seq: c.event_seq,
        position: c.seal_position,
        message: `Un punto de control firmado (${c.at}) llega a la posición ${c.seal_position}, pero la cadena termina en ${headPosition}: se eliminaron eventos.`,
      },
      headPosition + 0.5,
    );
  }

  const unsealed = await queryRows<{ seq: string; queued: boolean }>(
    database.db,
    sql`select e.seq::text as seq, (p.seq is not null) as queued
        from audit_events e left join audit_pending p on p.seq = e.seq
        where not exists (select 1 from audit_seals s where s.event_seq = e.seq)
          and (p.seq is null or e.at < now() - make_interval(secs => ${graceMs / 1000}))
        order by e.seq limit ${maxProblems}`,
  );
  for (const u of unsealed) {
    const seq = Number(u.seq);
    report(
      u.queued
        ? { kind: 'unsealed_stale', seq, position: null, message: `El evento ${seq} lleva más de ${Math.round(graceMs / 60_000)} min sin sellar.` }
        : { kind: 'unsealed_unqueued', seq, position: null, message: `El evento ${seq} no está sellado ni en espera de sello: se insertó eludiendo los controles.` },
      headPosition + 1 + seq / Number.MAX_SAFE_INTEGER,
    );
  }

  const ranked = problems.filter((p) => p.seq !== null && order.has(p)).sort((a, b) => order.get(a)! - order.get(b)!);
  const latest = checkpoints[checkpoints.length - 1];
  return {
    ok: problems.length === 0,
    events_checked: checked,
    head_position: headPosition,
    head_hash: head?.hash ?? null,
    first_bad_seq: ranked[0]?.seq ?? null,
    last_checkpoint: latest
      ? {
          seal_position: latest.seal_position,
          event_seq: latest.event_seq,
          head_hash: latest.head_hash,
          at: latest.at,
          public_key: latest.public_key,
          matches: matched.get(latest) ?? null,
        }
      : null,
    problems,
    warnings,
  };
}
