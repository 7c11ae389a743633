// Business and security figures for /metrics, read from the services at scrape time. Prometheus
// scrapes every 15-30 s and several dashboards may scrape too, so one reading is reused for a few
// seconds and concurrent scrapes share the one in flight. A failed reading keeps the previous
// values (and counts the failure) rather than failing the whole scrape.
import { Decimal } from 'decimal.js';
import type { Database } from '../../platform/db/types.ts';
import type { CatalogService } from '../catalog/service.ts';
import type { CriticalService } from '../stock/critical.ts';
import type { CryptoService } from '../../platform/crypto/service.ts';
import type { Logger } from '../../platform/observability/logger.ts';
import {
  auditAlertsOpen,
  auditChainOk,
  auditLastVerifySeconds,
  masterKeyAge,
  metricsSampleErrors,
  productsBelowMinimum,
  stockValue,
} from '../../platform/observability/metrics.ts';
import { createMetricsRepo } from './metrics-repo.ts';

const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;

export interface MetricsSamplerDeps {
  database: Database;
  catalog: Pick<CatalogService, 'valuationByCategory'>;
  critical: Pick<CriticalService, 'criticalList'>;
  crypto: Pick<CryptoService, 'activeKey'>;
  logger?: Logger;
  /** How long one reading is served; 5 s by default. */
  maxAgeMs?: number;
}

export function createMetricsSampler(deps: MetricsSamplerDeps) {
  const maxAgeMs = deps.maxAgeMs ?? 5_000;
  const repo = createMetricsRepo(deps.database.db);
  let readAt = 0;
  let inFlight: Promise<void> | null = null;

  async function read(): Promise<void> {
    const [valuation, critical, alerts, verification, keyCreated] = await Promise.all([
      deps.catalog.valuationByCategory(),
      deps.critical.criticalList(),
      repo.openAlertsBySeverity(),
      repo.lastChainVerification(),
      repo.masterKeyCreatedAt(deps.crypto.activeKey().version),
    ]);
    const now = Date.now();
    stockValue.set(valuation.reduce((sum, c) => sum.plus(c.value), new Decimal(0)).toNumber());
    productsBelowMinimum.set(critical.items.length);
    for (const severity of SEVERITIES) auditAlertsOpen.set({ severity }, alerts.find((a) => a.severity === severity)?.n ?? 0);
    // The hourly verification runs on one instance; reading its recorded outcome lets every
    // instance report the same chain status. Never verified yet counts as intact.
    auditChainOk.set(verification && verification.outcome !== 'success' ? 0 : 1);
    auditLastVerifySeconds.set(verification ? verification.at.getTime() / 1000 : 0);
    masterKeyAge.set(keyCreated ? Math.max(0, (now - keyCreated.getTime()) / 1000) : 0);
  }

  return {
    /** Brings the sampled gauges up to date (at most every maxAgeMs). Never throws. */
    async refresh(): Promise<void> {
      if (Date.now() - readAt < maxAgeMs) return;
      inFlight ??= read()
        .then(() => {
          readAt = Date.now();
        })
        .catch((err: unknown) => {
          metricsSampleErrors.inc();
          deps.logger?.warn({ err }, 'metrics: business figures could not be read');
        })
        .finally(() => {
          inFlight = null;
        });
      await inFlight;
    },
  };
}

export type MetricsSampler = ReturnType<typeof createMetricsSampler>;
