// The composition root for services: which service gets which collaborators. Shared by the
// HTTP app and the CLI so both run the same code paths.
import type { Config } from './config.ts';
import type { Database } from './platform/db/types.ts';
import { createIdempotencyStore } from './platform/idempotency/store.ts';
import { createIdentityService } from './modules/identity/service.ts';
import { createCatalogService } from './modules/catalog/service.ts';
import { createStockService } from './modules/stock/service.ts';
import { createCriticalService } from './modules/stock/critical.ts';
import { createSettingsService } from './modules/settings/service.ts';

export function createServices({ config, database }: { config: Config; database: Database }) {
  const settings = createSettingsService(database);
  const identity = createIdentityService(database);
  const catalog = createCatalogService(database);
  const stock = createStockService(database, { catalog, timezone: config.timezone });
  const critical = createCriticalService({ catalog, settings, timezone: config.timezone });
  const idempotency = createIdempotencyStore(database, { ttlHours: config.idempotencyTtlHours });
  return { settings, identity, catalog, stock, critical, idempotency };
}

export type Services = ReturnType<typeof createServices>;
