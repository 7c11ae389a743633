// The composition root for services: which service gets which collaborators. Shared by the
// HTTP app and the CLI so both run the same code paths.
import type { Config } from './config.ts';
import type { Database } from './platform/db/types.ts';
import { createIdempotencyStore } from './platform/idempotency/store.ts';
import { createAuditWriter } from './platform/audit/writer.ts';
import { createIdentityService } from './modules/identity/service.ts';
import { createUsersService } from './modules/identity/users-service.ts';
import { createSessionsService } from './modules/identity/sessions-service.ts';
import { createLockout } from './modules/identity/sessions-lockout.ts';
import { createCatalogService } from './modules/catalog/service.ts';
import { createStockService } from './modules/stock/service.ts';
import { createCriticalService } from './modules/stock/critical.ts';
import { createSettingsService } from './modules/settings/service.ts';
import { createCryptoService, type CryptoService } from './platform/crypto/service.ts';
import { createCustomerService } from './modules/customers/service.ts';
import { erasureJournalPath } from './modules/customers/erasure-journal.ts';
import { createAuditService, type AuditServiceOptions } from './modules/audit/service.ts';
import { createReportsService } from './modules/reports/service.ts';
import { createInvoicesService } from './modules/invoices/service.ts';
import { createInvoiceFileStore } from './modules/invoices/storage.ts';
import { createTesseractOcr } from './modules/invoices/extraction/ocr.ts';
import { createDemandHistoryService } from './modules/stock/demand.ts';
import { createForecastService } from './modules/forecast/service.ts';
import { createPricingService, recordCatalogPriceChange } from './modules/pricing/service.ts';
import { createPrivacyServices } from './modules/privacy/service.ts';
import { backupRetentionSource } from './modules/privacy/backup-retention.ts';
import { createBackupService } from './modules/ops/backup/service.ts';

export interface ServiceOptions {
  config: Config;
  database: Database;
  /** Bench-only: measure what writing audit events costs. */
  auditEnabled?: boolean;
  /** The key service; by default one loaded lazily from config (INVENTARIO_MASTER_KEY[_FILE] or the data-dir keyring). */
  crypto?: CryptoService;
  /** Tests only: the audit writer's clock (scenarios replay days in seconds). */
  auditClock?: () => Date;
  /** Tests only: audit thresholds, webhook retry timing, verification tolerances. */
  auditOptions?: Pick<AuditServiceOptions, 'ruleConfig' | 'alertRetry' | 'verifyOptions' | 'logger'>;
}

export function createServices({ config, database, auditEnabled = true, crypto: givenCrypto, auditClock, auditOptions }: ServiceOptions) {
  const audit = createAuditWriter({ enabled: auditEnabled, ...(auditClock ? { clock: auditClock } : {}) });
  const crypto = givenCrypto ?? createCryptoService({ config, database });
  const settings = createSettingsService(database);
  const lockout = createLockout(database, { audit, config: config.loginLockout });
  const users = createUsersService(database, { audit, crypto, passwordMinLength: config.passwordMinLength });
  const sessions = createSessionsService(database, { audit, lockout, users, config });
  const identity = createIdentityService(database, { audit, sessions, lockout });
  // Sale prices set by product creates/edits land in the pricing module's history.
  const catalog = createCatalogService(database, { audit, onSalePriceChange: recordCatalogPriceChange });
  // Customers and stock refer to each other: a sale names a customer (checked and locked), and a
  // customer's export and erasure read the sales that name them (late-bound to break the cycle).
  const customers = createCustomerService(database, {
    crypto,
    audit,
    catalog,
    sales: () => stock,
    erasureJournalFile: erasureJournalPath(config.dataDir),
    timezone: config.timezone,
  });
  const stock = createStockService(database, { catalog, audit, timezone: config.timezone, customers });
  const critical = createCriticalService({ catalog, settings, audit, database, timezone: config.timezone });
  const stockDemand = createDemandHistoryService(database, { timezone: config.timezone });
  const forecast = createForecastService(database, { catalog, critical, demand: stockDemand, timezone: config.timezone, config: config.forecast });
  const idempotency = createIdempotencyStore(database, { ttlHours: config.idempotencyTtlHours });
  // Checkpoint signatures and alert webhook HMACs use keys derived from the master key.
  const derived = (purpose: string) => async () => {
    await crypto.ready();
    return crypto.deriveKey(purpose, 32);
  };
  const auditTrail = createAuditService({
    database,
    config,
    writer: audit,
    checkpointSeed: derived('audit.checkpoint.ed25519'),
    alertWebhookKey: derived('alert.webhook.hmac'),
    ...auditOptions,
  });
  const pricing = createPricingService({ database, catalog, stock, settings, audit, timezone: config.timezone });
  // OCR engines start on the first photo and stop when the app closes (invoices.close()).
  const ocr = createTesseractOcr({ concurrency: config.ocr.concurrency, timeoutMs: config.ocr.timeoutSeconds * 1000 });
  const invoices = createInvoicesService(database, { catalog, stock, audit, files: createInvoiceFileStore(config.dataDir), ocr });
  const reports = createReportsService({ catalog, stock, critical, auditTrail, invoices, timezone: config.timezone });
  // Retention removes data through the services that own it (sessions, idempotency records, backups).
  const privacy = createPrivacyServices({
    database,
    config,
    audit,
    purgeSessions: async () => (await sessions.purgeExpired()).sessions,
    purgeIdempotency: () => idempotency.purgeExpired(),
    // Inactive customers are anonymised by the same crypto-shredding erasure as DELETE /customers/{id}.
    eraseCustomer: async (id, ctx) => ({ retained: (await customers.erase(id, ctx)).retained.length > 0 }),
    // Backups rotate by the backup module's own rule (late-bound: the backup service is built below).
    backups: backupRetentionSource(() => backups, config.backup.retention),
  });
  const backups = createBackupService({ database, config, audit });
  return { backups, privacy, audit, settings, identity, users, sessions, catalog, stock, critical, idempotency, crypto, customers, auditTrail, reports, pricing, stockDemand, forecast, invoices };
}

export type Services = ReturnType<typeof createServices>;
