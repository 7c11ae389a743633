import { and, asc, eq, isNotNull, isNull, ne, sql } from 'drizzle-orm';
import type { Queryable } from '../db/types.ts';
import { dataKeys, masterKeyVersions } from './tables.ts';

export type MasterKeyVersionRow = typeof masterKeyVersions.$inferSelect;
export type DataKeyRow = typeof dataKeys.$inferSelect;

export function createKeyRepo(db: Queryable) {
  return {
    listVersions(): Promise<MasterKeyVersionRow[]> {
      return db.select().from(masterKeyVersions).orderBy(asc(masterKeyVersions.version));
    },

    /** Registers a version; a concurrent registration of the same version is not an error
     * here, the caller reads the table again and compares KCVs. */
    async insertVersion(version: number, kcv: string): Promise<void> {
      await db.insert(masterKeyVersions).values({ version, kcv }).onConflictDoNothing();
    },

    /**
     * FOR SHARE on the live version row: a rotation that retires this version (an UPDATE) waits
     * for our transaction, and we wait for it, so no new data key can be wrapped by a version
     * after the moment it was retired.
     */
    async lockLiveVersion(version: number): Promise<boolean> {
      const rows = await db
        .select({ version: masterKeyVersions.version })
        .from(masterKeyVersions)
        .where(and(eq(masterKeyVersions.version, version), isNull(masterKeyVersions.retiredAt)))
        .for('share');
      return rows.length > 0;
    },

    /** Versions some live data key is still wrapped with: the keys a start needs to have. */
    async versionsInUse(): Promise<number[]> {
      const rows = await db
        .selectDistinct({ v: dataKeys.kekVersion })
        .from(dataKeys)
        .where(isNull(dataKeys.destroyedAt));
      return rows.map((r) => r.v).sort((a, b) => a - b);
    },

    async insertDataKey(row: typeof dataKeys.$inferInsert): Promise<void> {
      await db.insert(dataKeys).values(row);
    },

    async findDataKey(id: string): Promise<DataKeyRow | undefined> {
      const [row] = await db.select().from(dataKeys).where(eq(dataKeys.id, id));
      return row;
    },

    async findLiveDataKeyBySubject(subject: string): Promise<DataKeyRow | undefined> {
      const [row] = await db
        .select()
        .from(dataKeys)
        .where(and(eq(dataKeys.subject, subject), isNull(dataKeys.destroyedAt)));
      return row;
    },

    /** Ids of every data key this database marks destroyed. */
    async listDestroyedIds(): Promise<string[]> {
      const rows = await db.select({ id: dataKeys.id }).from(dataKeys).where(isNotNull(dataKeys.destroyedAt));
      return rows.map((r) => r.id);
    },

    async destroyDataKey(id: string): Promise<DataKeyRow | undefined> {
      const [row] = await db
        .update(dataKeys)
        .set({ wrappedKey: null, destroyedAt: sql`now()` })
        .where(and(eq(dataKeys.id, id), isNull(dataKeys.destroyedAt)))
        .returning();
      return row;
    },

    /** The next live keys not yet wrapped by `version`, locked until the batch commits. */
    keysToRewrap(version: number, limit: number): Promise<DataKeyRow[]> {
      return db
        .select()
        .from(dataKeys)
        .where(and(ne(dataKeys.kekVersion, version), isNull(dataKeys.destroyedAt)))
        .orderBy(asc(dataKeys.id))
        .limit(limit)
        .for('update');
    },

    async setWrapped(id: string, wrappedKey: string, kekVersion: number): Promise<void> {
      await db.update(dataKeys).set({ wrappedKey, kekVersion }).where(eq(dataKeys.id, id));
    },

    async countNotWrappedBy(version: number): Promise<number> {
      const [row] = await db
        .select({ n: sql<string>`count(*)` })
        .from(dataKeys)
        .where(and(ne(dataKeys.kekVersion, version), isNull(dataKeys.destroyedAt)));
      return Number(row?.n ?? 0);
    },

    /** Retires every live version except `keep`; returns the versions retired now. */
    async retireAllBut(keep: number): Promise<number[]> {
      const rows = await db
        .update(masterKeyVersions)
        .set({ retiredAt: sql`now()` })
        .where(and(ne(masterKeyVersions.version, keep), isNull(masterKeyVersions.retiredAt)))
        .returning({ version: masterKeyVersions.version });
      return rows.map((r) => r.version).sort((a, b) => a - b);
    },
  };
}
