// The composition root for services: which service gets which collaborators. Shared by the
// HTTP app and the CLI so both run the same code paths.
import type { Config } from './config.ts';
import type { Database } from './platform/db/types.ts';
import { createIdempotencyStore } from './platform/idempotency/store.ts';
import { createAuditWriter } from './platform/audit/writer.ts';
import { createIdentityService } from './modules/identity/service.ts';
import { createCatalogService } from './modules/catalog/service.ts';
import { createStockService } from './modules/stock/service.ts';
import { createCriticalService } from './modules/stock/critical.ts';
import { createSettingsService } from './modules/settings/service.ts';

export interface ServiceOptions {
  config: Config;
  database: Database;
  /** Bench-only: measure what writing audit events costs. */
  auditEnabled?: boolean;
}

export function createServices({ config, database, auditEnabled = true }: ServiceOptions) {
  const audit = createAuditWriter({ enabled: auditEnabled });
  const settings = createSettingsService(database);
  const identity = createIdentityService(database, { audit });
  const catalog = createCatalogService(database, { audit });
  const stock = createStockService(database, { catalog, audit, timezone: config.timezone });
  const critical = createCriticalService({ catalog, settings, audit, database, timezone: config.timezone });
  const idempotency = createIdempotencyStore(database, { ttlHours: config.idempotencyTtlHours });
  return { audit, settings, identity, catalog, stock, critical, idempotency };
}

export type Services = ReturnType<typeof createServices>;
