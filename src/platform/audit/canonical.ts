// The exact bytes a seal covers. Anyone holding a copy of the tables can recompute the chain
// from this definition alone (docs/security/audit-trail.md):
//
//   canonical(event) = JSON with keys sorted by UTF-16 code unit, no whitespace, of
//     { action, actor, at, details, id, ip, outcome, request_id, resource, seq }
//   where seq is a decimal string, at is UTC with microseconds (2026-03-01T12:00:00.123456Z),
//   and details is sorted the same way at every depth (arrays keep their order).
//   hash(n) = SHA-256(hash(n-1) || UTF-8 canonical(event sealed at position n)), hash(0) = 32 zero bytes.
import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';

export const GENESIS_HASH = Buffer.alloc(32);

/** An event as the chain sees it: every column, timestamps already rendered exactly. */
export interface ChainEvent {
  seq: string;
  id: string;
  /** UTC, microsecond precision, from CANONICAL_AT_SQL. */
  at: string;
  actor: string;
  action: string;
  resource: string | null;
  outcome: string;
  ip: string | null;
  request_id: string | null;
  details: unknown;
}

/**
 * Renders `at` in SQL with every stored digit: a JavaScript Date keeps milliseconds only, so a
 * change in the microseconds would otherwise go unnoticed.
 */
export const CANONICAL_AT_SQL = sql`to_char(e.at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** The event columns selected as ChainEvent from `audit_events e`. */
export const CHAIN_EVENT_COLUMNS = sql`e.seq::text as seq, e.id::text as id, ${CANONICAL_AT_SQL} as at, e.actor, e.action,
  e.resource, e.outcome, e.ip, e.request_id, e.details`;

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    // undefined never comes out of jsonb; treat it as null rather than emit invalid JSON.
    return value === undefined ? 'null' : JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
}

export function canonicalEvent(event: ChainEvent): string {
  return canonicalJson({
    seq: event.seq,
    id: event.id,
    at: event.at,
    actor: event.actor,
    action: event.action,
    resource: event.resource,
    outcome: event.outcome,
    ip: event.ip,
    request_id: event.request_id,
    details: event.details,
  });
}

export function chainHash(previous: Buffer, event: ChainEvent): Buffer {
  return createHash('sha256').update(previous).update(canonicalEvent(event), 'utf8').digest();
}
