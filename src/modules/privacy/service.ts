// The privacy-governance services (retention, breach register), built once in src/services.ts.
import type { Config } from '../../config.ts';
import type { Database } from '../../platform/db/types.ts';
import type { AuditWriter } from '../../platform/audit/writer.ts';
import { createBreachesService } from './breaches-service.ts';
import { createRetentionService, type RetentionDeps } from './retention-service.ts';

export interface PrivacyDeps extends Pick<RetentionDeps, 'purgeSessions' | 'purgeIdempotency' | 'eraseCustomer' | 'backups' | 'logger'> {
  database: Database;
  config: Config;
  audit: AuditWriter;
  clock?: () => Date;
}

export function createPrivacyServices(deps: PrivacyDeps) {
  return {
    config: deps.config,
    retention: createRetentionService(deps),
    breaches: createBreachesService(deps),
  };
}

export type PrivacyServices = ReturnType<typeof createPrivacyServices>;
