import { asc, eq, gt, sql } from 'drizzle-orm';
import type { Queryable } from '../../platform/db/types.ts';
import { users } from './tables.ts';

export type UserRow = typeof users.$inferSelect;

/** Fields an update may change; everything else about a user is fixed or derived. */
export interface UserChanges {
  role?: string;
  passwordHash?: string;
  /** A sealed email with the data key it is sealed under, or null to remove it. */
  email?: { dataKeyId: string; sealed: unknown } | null;
  disabled?: boolean;
}

export function createUsersRepo(db: Queryable) {
  return {
    async insert(row: typeof users.$inferInsert): Promise<UserRow> {
      const [created] = await db.insert(users).values(row).returning();
      return created!;
    },

    async findById(id: string): Promise<UserRow | undefined> {
      const [row] = await db.select().from(users).where(eq(users.id, id));
      return row;
    },

    /** Locks the row: role and password changes read the old value and write the new one. */
    async findByIdForUpdate(id: string): Promise<UserRow | undefined> {
      const [row] = await db.select().from(users).where(eq(users.id, id)).for('update');
      return row;
    },

    async findByUsername(username: string): Promise<UserRow | undefined> {
      const [row] = await db.select().from(users).where(eq(users.username, username));
      return row;
    },

    list(limit: number, afterId: string | undefined): Promise<UserRow[]> {
      return db
        .select()
        .from(users)
        .where(afterId ? gt(users.id, afterId) : undefined)
        .orderBy(asc(users.id))
        .limit(limit + 1);
    },

    async update(id: string, changes: UserChanges): Promise<UserRow> {
      const [row] = await db
        .update(users)
        .set({
          updatedAt: sql`now()`,
          ...(changes.role !== undefined ? { role: changes.role } : {}),
          ...(changes.passwordHash !== undefined ? { passwordHash: changes.passwordHash, passwordChangedAt: sql`now()` } : {}),
          ...(changes.email === null ? { emailSealed: null } : {}),
          ...(changes.email ? { dataKeyId: changes.email.dataKeyId, emailSealed: changes.email.sealed } : {}),
          ...(changes.disabled !== undefined
            ? { disabledAt: changes.disabled ? sql`coalesce(${users.disabledAt}, now())` : null }
            : {}),
        })
        .where(eq(users.id, id))
        .returning();
      return row!;
    },

    /** Upgrades a hash made with older parameters; leaves password_changed_at alone. */
    async replaceHash(id: string, passwordHash: string): Promise<void> {
      await db.update(users).set({ passwordHash }).where(eq(users.id, id));
    },
  };
}
