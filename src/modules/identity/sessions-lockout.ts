// Locks accounts and client addresses after repeated failed credentials: N failures within the
// window lock for lockSeconds, each further lock twice as long, up to maxLockSeconds. Counters
// live in the database so several instances share them; an address lock is also remembered in
// memory, so a flood of made-up API keys from a locked address costs no query at all.
import { and, eq, lt, or, isNull, sql } from 'drizzle-orm';
import type { Config } from '../../config.ts';
import type { Database, Queryable } from '../../platform/db/types.ts';
import type { AuditContext, AuditWriter } from '../../platform/audit/writer.ts';
import { AppError } from '../../platform/http/errors.ts';
import { loginThrottles } from './tables.ts';

export type ThrottleScope = 'account' | 'ip';

export interface ThrottleTarget {
  scope: ThrottleScope;
  key: string;
  /** For the audit event when this failure imposes a lock: `user:<id>` when the account exists. */
  resource?: string | null;
}

// A lock level is forgotten after a quiet day, so one bad morning does not cost hours next month.
const LOCK_LEVEL_MEMORY_SECONDS = 24 * 60 * 60;
const MEMORY_LOCKS_MAX = 10_000;
const PURGE_EVERY_MS = 10 * 60_000;

export function lockedError(seconds: number): AppError {
  const s = Math.max(1, Math.ceil(seconds));
  return new AppError(
    429,
    'auth.locked',
    `Demasiados intentos fallidos: el acceso está bloqueado temporalmente. Reintente en ${s} s.`,
    { headers: { 'retry-after': String(s) } },
  );
}

export function createLockout(database: Database, deps: { audit: AuditWriter; config: Config['loginLockout'] }) {
  const { audit, config } = deps;
  const memoryIpLocks = new Map<string, number>();
  let lastPurge = 0;

  function rememberIpLock(ip: string, seconds: number): void {
    if (memoryIpLocks.size >= MEMORY_LOCKS_MAX) {
      const now = Date.now();
      for (const [k, until] of memoryIpLocks) if (until <= now) memoryIpLocks.delete(k);
      // Still full (a flood from many addresses): forget the oldest; the database still knows.
      if (memoryIpLocks.size >= MEMORY_LOCKS_MAX) memoryIpLocks.delete(memoryIpLocks.keys().next().value!);
    }
    memoryIpLocks.set(ip, Date.now() + seconds * 1000);
  }

  function thresholdOf(scope: ThrottleScope): number {
    return scope === 'account' ? config.maxFailures : config.ipMaxFailures;
  }

  /** Counts one failure for a target; returns the seconds of a lock it imposed (0 if none). */
  async function countFailure(tx: Queryable, target: ThrottleTarget): Promise<{ imposed: number; remaining: number }> {
    const where = and(eq(loginThrottles.scope, target.scope), eq(loginThrottles.key, target.key));
    await tx
      .insert(loginThrottles)
      .values({ scope: target.scope, key: target.key, windowStartedAt: sql`now()`, lastFailureAt: sql`now()` })
      .onConflictDoNothing();
    // Row lock: concurrent failures (several instances) must not lose counts.
    const [row] = await tx
      .select({ r: loginThrottles, now: sql<string>`extract(epoch from now())` })
      .from(loginThrottles)
      .where(where)
      .for('update');
    const now = Number(row!.now) * 1000;
    const r = row!.r;
    if (r.lockedUntil && r.lockedUntil.getTime() > now) return { imposed: 0, remaining: (r.lockedUntil.getTime() - now) / 1000 };
    let lockLevel = now - r.lastFailureAt.getTime() > LOCK_LEVEL_MEMORY_SECONDS * 1000 ? 0 : r.lockLevel;
    let failures = r.failures;
    let windowStartedAt = r.windowStartedAt;
    if (now - windowStartedAt.getTime() >= config.windowSeconds * 1000) {
      failures = 0;
      windowStartedAt = new Date(now);
    }
    failures += 1;
    let lockedUntil: Date | null = null;
    let imposed = 0;
    if (failures >= thresholdOf(target.scope)) {
      imposed = Math.min(config.lockSeconds * 2 ** Math.min(lockLevel, 30), config.maxLockSeconds);
      lockedUntil = new Date(now + imposed * 1000);
      lockLevel += 1;
      failures = 0;
      windowStartedAt = new Date(now);
    }
    await tx
      .update(loginThrottles)
      .set({ failures, windowStartedAt, lockLevel, lockedUntil, lastFailureAt: new Date(now) })
      .where(where);
    return { imposed, remaining: imposed };
  }

  return {
    /** In-memory only: seconds left on a lock this instance knows about for the address. */
    ipLockedFast(ip: string): number {
      const until = memoryIpLocks.get(ip);
      if (until === undefined) return 0;
      const left = (until - Date.now()) / 1000;
      if (left <= 0) memoryIpLocks.delete(ip);
      return Math.max(0, left);
    },

    /** Seconds left on the longest current lock among the targets (0 when none is locked). */
    async lockedFor(targets: ThrottleTarget[]): Promise<number> {
      const rows = await database.db
        .select({
          scope: loginThrottles.scope,
          key: loginThrottles.key,
          left: sql<string>`extract(epoch from (${loginThrottles.lockedUntil} - now()))`,
        })
        .from(loginThrottles)
        .where(
          and(
            or(...targets.map((t) => and(eq(loginThrottles.scope, t.scope), eq(loginThrottles.key, t.key)))),
            sql`${loginThrottles.lockedUntil} > now()`,
          ),
        );
      let longest = 0;
      for (const row of rows) {
        const left = Number(row.left);
        if (row.scope === 'ip') rememberIpLock(row.key, left);
        longest = Math.max(longest, left);
      }
      return longest;
    },

    /**
     * Counts a failure against each target in the caller's transaction and records an
     * `auth.locked` audit event for every lock it imposes. Returns the longest lock now in force.
     */
    async recordFailure(tx: Queryable, targets: ThrottleTarget[], ctx: AuditContext, source: 'login' | 'api_key'): Promise<number> {
      let longest = 0;
      for (const target of targets) {
        const { imposed, remaining } = await countFailure(tx, target);
        if (target.scope === 'ip' && remaining > 0) rememberIpLock(target.key, remaining);
        longest = Math.max(longest, remaining);
        if (imposed > 0) {
          await audit.record(tx, ctx, {
            action: 'auth.locked',
            resource: target.resource ?? (target.scope === 'ip' ? `ip:${target.key}` : null),
            outcome: 'denied',
            details: { scope: target.scope, source, lock_seconds: imposed },
          });
        }
      }
      return longest;
    },

    /** A successful login forgets the account's failures and lock level. */
    async clearAccount(tx: Queryable, username: string): Promise<void> {
      await tx.delete(loginThrottles).where(and(eq(loginThrottles.scope, 'account'), eq(loginThrottles.key, username)));
    },

    /** Drops counters nobody has touched for a day (at most every few minutes per instance). */
    async purgeStale(): Promise<void> {
      if (Date.now() - lastPurge < PURGE_EVERY_MS) return;
      lastPurge = Date.now();
      await database.db
        .delete(loginThrottles)
        .where(
          and(
            lt(loginThrottles.lastFailureAt, sql`now() - make_interval(secs => ${LOCK_LEVEL_MEMORY_SECONDS})`),
            or(isNull(loginThrottles.lockedUntil), lt(loginThrottles.lockedUntil, sql`now()`)),
          ),
        );
    },
  };
}

export type Lockout = ReturnType<typeof createLockout>;
