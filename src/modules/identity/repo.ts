import { and, asc, eq, gt, inArray, isNull, or, sql } from 'drizzle-orm';
import type { Queryable } from '../../platform/db/types.ts';
import { apiKeys, users } from './tables.ts';

export type ApiKeyRow = typeof apiKeys.$inferSelect;

export function createIdentityRepo(db: Queryable) {
  return {
    async insertApiKey(row: typeof apiKeys.$inferInsert): Promise<ApiKeyRow> {
      const [created] = await db.insert(apiKeys).values(row).returning();
      return created!;
    },

    /** Candidate keys sharing a visible prefix; the caller compares hashes in constant time. */
    findByPrefix(prefix: string): Promise<ApiKeyRow[]> {
      return db.select().from(apiKeys).where(eq(apiKeys.prefix, prefix)).limit(10);
    },

    findById(id: string): Promise<ApiKeyRow[]> {
      return db.select().from(apiKeys).where(eq(apiKeys.id, id));
    },

    list(limit: number, afterId: string | undefined): Promise<ApiKeyRow[]> {
      return db
        .select()
        .from(apiKeys)
        .where(afterId ? gt(apiKeys.id, afterId) : undefined)
        .orderBy(asc(apiKeys.id))
        .limit(limit + 1);
    },

    async revoke(id: string): Promise<ApiKeyRow | undefined> {
      const [row] = await db
        .update(apiKeys)
        .set({ revokedAt: sql`coalesce(${apiKeys.revokedAt}, now())` })
        .where(eq(apiKeys.id, id))
        .returning();
      return row;
    },

    /** Display names of the given users and API keys (for labelling audit actors). */
    async namesOf(userIds: string[], keyIds: string[]): Promise<{ users: Array<{ id: string; name: string }>; keys: Array<{ id: string; name: string }> }> {
      const [userRows, keyRows] = await Promise.all([
        userIds.length ? db.select({ id: users.id, name: users.username }).from(users).where(inArray(users.id, userIds)) : [],
        keyIds.length ? db.select({ id: apiKeys.id, name: apiKeys.name }).from(apiKeys).where(inArray(apiKeys.id, keyIds)) : [],
      ]);
      return { users: userRows, keys: keyRows };
    },

    async touchLastUsed(id: string): Promise<void> {
      await db.update(apiKeys).set({ lastUsedAt: sql`now()` }).where(eq(apiKeys.id, id));
    },

    async countActiveAdmins(): Promise<number> {
      const [row] = await db
        .select({ n: sql<string>`count(*)` })
        .from(apiKeys)
        .where(
          and(
            eq(apiKeys.role, 'admin'),
            isNull(apiKeys.revokedAt),
            or(isNull(apiKeys.expiresAt), gt(apiKeys.expiresAt, sql`now()`)),
          ),
        );
      return Number(row?.n ?? 0);
    },
  };
}
