import { eq, sql } from 'drizzle-orm';
import type { Queryable } from '../../platform/db/types.ts';
import { settings } from './tables.ts';

export function createSettingsRepo(db: Queryable) {
  return {
    async get(key: string): Promise<unknown> {
      const [row] = await db.select({ value: settings.value }).from(settings).where(eq(settings.key, key));
      return row?.value;
    },
    async put(key: string, value: unknown, updatedBy: string): Promise<void> {
      await db
        .insert(settings)
        .values({ key, value, updatedBy })
        .onConflictDoUpdate({ target: settings.key, set: { value, updatedBy, updatedAt: sql`now()` } });
    },
  };
}
