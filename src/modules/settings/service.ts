// Typed settings groups stored as JSON. Each group has a zod schema and a default; a stored
// value that no longer parses (after an upgrade) falls back to the default rather than failing.
import type { z } from 'zod';
import type { Database, Queryable } from '../../platform/db/types.ts';
import { createSettingsRepo } from './repo.ts';

export interface SettingsGroup<T> {
  key: string;
  schema: z.ZodType<T>;
  defaults: T;
}

export function createSettingsService(database: Database) {
  return {
    async get<T>(group: SettingsGroup<T>, db: Queryable = database.db): Promise<T> {
      const stored = await createSettingsRepo(db).get(group.key);
      if (stored === undefined) return group.defaults;
      const parsed = group.schema.safeParse(stored);
      return parsed.success ? parsed.data : group.defaults;
    },
    async put<T>(group: SettingsGroup<T>, value: T, updatedBy: string, db: Queryable = database.db): Promise<T> {
      await createSettingsRepo(db).put(group.key, value, updatedBy);
      return value;
    },
  };
}

export type SettingsService = ReturnType<typeof createSettingsService>;
