import { defineConfig } from 'drizzle-kit';

// Generates the SQL migrations from the tables each module declares. Applying them is done by
// `inventario migrate` / `serve` (src/platform/db/migrate.ts), never by drizzle-kit itself.
export default defineConfig({
  dialect: 'postgresql',
  schema: ['./src/modules/*/tables.ts', './src/platform/*/tables.ts'],
  out: './migrations',
  migrations: { prefix: 'index' },
  strict: true,
});
