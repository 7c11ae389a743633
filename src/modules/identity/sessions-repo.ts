import { and, eq, lt, ne, or, sql } from 'drizzle-orm';
import type { Queryable } from '../../platform/db/types.ts';
import { userSessions, users } from './tables.ts';

export interface ActiveSession {
  sessionId: string;
  userId: string;
  username: string;
  role: string;
  expiresAt: Date;
  lastSeenAt: Date;
  /** Seconds since last_seen_at by the database clock: every instance judges idleness alike. */
  idleSeconds: number;
}

export function createSessionsRepo(db: Queryable) {
  return {
    async insert(row: { id: string; tokenHash: string; userId: string; absoluteSeconds: number }): Promise<Date> {
      const [created] = await db
        .insert(userSessions)
        .values({
          id: row.id,
          tokenHash: row.tokenHash,
          userId: row.userId,
          expiresAt: sql`now() + make_interval(secs => ${row.absoluteSeconds})`,
        })
        .returning({ expiresAt: userSessions.expiresAt });
      return created!.expiresAt;
    },

    /**
     * The live session for a token hash: not past its absolute expiry, not idle for longer than
     * idleSeconds, and its user not disabled. Anything else reads as no session at all.
     */
    async findActive(tokenHash: string, idleSeconds: number): Promise<ActiveSession | undefined> {
      const [row] = await db
        .select({
          sessionId: userSessions.id,
          userId: users.id,
          username: users.username,
          role: users.role,
          expiresAt: userSessions.expiresAt,
          lastSeenAt: userSessions.lastSeenAt,
          idleSeconds: sql<string>`extract(epoch from (now() - ${userSessions.lastSeenAt}))`,
        })
        .from(userSessions)
        .innerJoin(users, eq(users.id, userSessions.userId))
        .where(
          and(
            eq(userSessions.tokenHash, tokenHash),
            sql`${userSessions.expiresAt} > now()`,
            sql`${userSessions.lastSeenAt} > now() - make_interval(secs => ${idleSeconds})`,
            sql`${users.disabledAt} is null`,
          ),
        );
      return row ? { ...row, idleSeconds: Number(row.idleSeconds) } : undefined;
    },

    async touch(sessionId: string): Promise<void> {
      await db.update(userSessions).set({ lastSeenAt: sql`now()` }).where(eq(userSessions.id, sessionId));
    },

    /** Deletes the session with this token hash, whoever owns it; returns its id and user. */
    async deleteByTokenHash(tokenHash: string): Promise<{ id: string; userId: string } | undefined> {
      const [row] = await db
        .delete(userSessions)
        .where(eq(userSessions.tokenHash, tokenHash))
        .returning({ id: userSessions.id, userId: userSessions.userId });
      return row;
    },

    /** Ends every session of a user (password reset, disabling), except one if given. */
    async deleteForUser(userId: string, exceptSessionId?: string): Promise<number> {
      const rows = await db
        .delete(userSessions)
        .where(and(eq(userSessions.userId, userId), exceptSessionId ? ne(userSessions.id, exceptSessionId) : undefined))
        .returning({ id: userSessions.id });
      return rows.length;
    },

    /** Sessions past either limit can never be used again; removing them keeps the table small. */
    async purgeExpired(idleSeconds: number): Promise<number> {
      const rows = await db
        .delete(userSessions)
        .where(
          or(
            lt(userSessions.expiresAt, sql`now()`),
            lt(userSessions.lastSeenAt, sql`now() - make_interval(secs => ${idleSeconds})`),
          ),
        )
        .returning({ id: userSessions.id });
      return rows.length;
    },
  };
}
