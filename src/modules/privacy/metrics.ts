// Retention and breach metrics, registered into the shared registry (GET /metrics). Alert on
// inventario_retention_last_applied_timestamp_seconds going stale (the sweep stopped running) and on
// inventario_privacy_breaches_overdue > 0 (a breach past its 72-hour notification deadline).
import { Counter, Gauge } from 'prom-client';
import { metricsRegistry } from '../../platform/observability/metrics.ts';

export const retentionApplied = new Counter({
  name: 'inventario_retention_applied_total',
  help: 'Items removed or anonymised by applied retention runs, per data class',
  labelNames: ['class'] as const,
  registers: [metricsRegistry],
});

export const retentionLastApplied = new Gauge({
  name: 'inventario_retention_last_applied_timestamp_seconds',
  help: 'When this instance last applied the retention policy (Unix seconds; 0 = not since start)',
  registers: [metricsRegistry],
});

// Set by the breach service of the running app (one per process; the last one built wins in tests).
let overdueCount: (() => Promise<number>) | undefined;
export function setOverdueSource(source: () => Promise<number>): void {
  overdueCount = source;
}

export const breachesOverdue = new Gauge({
  name: 'inventario_privacy_breaches_overdue',
  help: 'Open breaches past their 72-hour notification deadline (read from the database at scrape time)',
  registers: [metricsRegistry],
  async collect() {
    this.set(overdueCount ? await overdueCount().catch(() => 0) : 0);
  },
});
