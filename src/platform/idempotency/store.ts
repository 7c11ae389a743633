// Idempotency-Key semantics for writes (API.md, Stock ledger):
//   same key + same body  → the original status and body again (Idempotent-Replayed: true)
//   same key + other body → 422 idempotency.key_reused
//   same key while running → 409 idempotency.in_progress
// A claim row is inserted before the work starts; the business transaction completes it, so
// the response is remembered if and only if the work committed. A claim left by a crashed
// process expires after LEASE_SECONDS and may then be taken over.
import { createHash, randomUUID } from 'node:crypto';
import { and, eq, lt, sql } from 'drizzle-orm';
import type { Database, Queryable } from '../db/types.ts';
import { placeholders, prepareStatement, statementBuilder } from '../db/prepared.ts';
import { AppError } from '../http/errors.ts';
import { idempotencyKeys } from './tables.ts';

const LEASE_SECONDS = 60;

// Every idempotent write runs these two: rendered once (src/platform/db/prepared.ts).
const p = sql.placeholder;
// Insert a claim, or take over one that expired (the whole record) or whose holder crashed
// (in progress past its lease, same request).
const claimStatement = prepareStatement<
  { scope: string; key: string; hash: string; token: string; leaseSeconds: number; ttlHours: number },
  { token: string }
>(
  sql`insert into idempotency_keys (scope, key, request_hash, status, claim_token, locked_until, expires_at)
      values (${p('scope')}, ${p('key')}, ${p('hash')}, 'in_progress', ${p('token')},
              now() + make_interval(secs => ${p('leaseSeconds')}),
              now() + make_interval(hours => ${p('ttlHours')}))
      on conflict (scope, key) do update
        set request_hash = excluded.request_hash, status = 'in_progress', claim_token = excluded.claim_token,
            response_status = null, response_body = null, locked_until = excluded.locked_until,
            created_at = now(), expires_at = excluded.expires_at
        where idempotency_keys.expires_at < now()
           or (idempotency_keys.status = 'in_progress' and idempotency_keys.locked_until < now()
               and idempotency_keys.request_hash = excluded.request_hash)
      returning claim_token::text as token`,
);
type Completion = { status: string; responseStatus: number; responseBody: string };
// Only the holder of the claim may complete it (see heldClaim).
const completeStatement = prepareStatement<Completion & { scope: string; key: string; token: string; held: string }, { key: string }>(
  statementBuilder
    .update(idempotencyKeys)
    .set(placeholders<Completion>(['status', 'responseStatus', 'responseBody']))
    .where(
      and(
        eq(idempotencyKeys.scope, p('scope')),
        eq(idempotencyKeys.key, p('key')),
        eq(idempotencyKeys.claimToken, p('token')),
        eq(idempotencyKeys.status, p('held')),
      ),
    )
    .returning({ key: idempotencyKeys.key }),
  { key: idempotencyKeys.key },
);

export interface IdempotencyClaim {
  scope: string;
  key: string;
  token: string;
}

export type BeginResult =
  | { kind: 'claimed'; claim: IdempotencyClaim }
  | { kind: 'replay'; status: number; body: string };

export const IdempotencyErrors = {
  keyRequired: () =>
    new AppError(400, 'idempotency.key_required', 'Falta el encabezado Idempotency-Key (1 a 200 caracteres).'),
  keyReused: () =>
    new AppError(422, 'idempotency.key_reused', 'Esa Idempotency-Key ya se usó con otro contenido.'),
  inProgress: () =>
    new AppError(409, 'idempotency.in_progress', 'Una solicitud con esa Idempotency-Key todavía se está procesando.', {
      headers: { 'retry-after': '1' },
    }),
};

/** Canonical JSON (sorted keys) so `{a,b}` and `{b,a}` are the same request. */
export function requestHash(value: unknown): string {
  const canonical = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(canonical);
    if (v && typeof v === 'object') {
      return Object.fromEntries(
        Object.keys(v)
          .sort()
          .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
      );
    }
    return v;
  };
  return createHash('sha256').update(JSON.stringify(canonical(value) ?? null)).digest('hex');
}

/** The row of a claim still held by its token (not completed, not taken over). */
function heldClaim(claim: IdempotencyClaim) {
  return and(
    eq(idempotencyKeys.scope, claim.scope),
    eq(idempotencyKeys.key, claim.key),
    eq(idempotencyKeys.claimToken, claim.token),
    eq(idempotencyKeys.status, 'in_progress'),
  );
}

export function createIdempotencyStore(database: Database, options: { ttlHours: number }) {
  return {
    async begin(scope: string, key: string, hash: string): Promise<BeginResult> {
      const token = randomUUID();
      const claimed = await claimStatement.run(database.db, { scope, key, hash, token, leaseSeconds: LEASE_SECONDS, ttlHours: options.ttlHours });
      if (claimed[0]?.token === token) return { kind: 'claimed', claim: { scope, key, token } };

      const [existing] = await database.db
        .select()
        .from(idempotencyKeys)
        .where(and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key)));
      if (!existing) throw IdempotencyErrors.inProgress(); // vanished between statements: let the client retry
      if (existing.requestHash !== hash) throw IdempotencyErrors.keyReused();
      if (existing.status !== 'done' || existing.responseStatus === null || existing.responseBody === null) {
        throw IdempotencyErrors.inProgress();
      }
      return { kind: 'replay', status: existing.responseStatus, body: existing.responseBody };
    },

    /** Inside the business transaction: remember the response, or fail if the claim was lost. */
    async complete(tx: Queryable, claim: IdempotencyClaim, status: number, body: string): Promise<void> {
      const rows = await completeStatement.run(tx, {
        status: 'done',
        responseStatus: status,
        responseBody: body,
        scope: claim.scope,
        key: claim.key,
        token: claim.token,
        held: 'in_progress',
      });
      if (rows.length === 0) throw IdempotencyErrors.inProgress();
    },

    /** After a client error: remember it, so a retry gets the same answer. */
    async completeOutside(claim: IdempotencyClaim, status: number, body: string): Promise<void> {
      await this.complete(database.db, claim, status, body).catch(() => undefined);
    },

    /** After a server error: forget the claim so the client's retry runs again. */
    async release(claim: IdempotencyClaim): Promise<void> {
      await database.db
        .delete(idempotencyKeys)
        .where(heldClaim(claim))
        .catch(() => undefined);
    },

    /** Deletes records past their retention; returns how many. */
    async purgeExpired(): Promise<number> {
      const rows = await database.db
        .delete(idempotencyKeys)
        .where(lt(idempotencyKeys.expiresAt, sql`now()`))
        .returning({ key: idempotencyKeys.key });
      return rows.length;
    },
  };
}

export type IdempotencyStore = ReturnType<typeof createIdempotencyStore>;
