// The Prometheus registry and the instruments that feed it. GET /metrics (added later) serves
// `metricsRegistry`; everything here is module-level on purpose: one process, one registry.
import { Counter, Gauge, Registry } from 'prom-client';

export const metricsRegistry = new Registry();

export const auditAlertsRaised = new Counter({
  name: 'inventario_audit_alerts_total',
  help: 'Security alerts raised by the anomaly rules, by rule and severity',
  labelNames: ['rule', 'severity'] as const,
  registers: [metricsRegistry],
});

export const auditEventsSealed = new Counter({
  name: 'inventario_audit_events_sealed_total',
  help: 'Audit events appended to the hash chain by this instance',
  registers: [metricsRegistry],
});

export const auditPendingEvents = new Gauge({
  name: 'inventario_audit_pending_events',
  help: 'Committed audit events waiting for their seal, after the last sealing round',
  registers: [metricsRegistry],
});

export const auditChainOk = new Gauge({
  name: 'inventario_audit_chain_ok',
  help: 'Result of the last audit chain verification on this instance: 1 intact, 0 not',
  registers: [metricsRegistry],
});

export const auditLastCheckpointSeconds = new Gauge({
  name: 'inventario_audit_checkpoint_last_timestamp_seconds',
  help: 'When this instance last wrote a signed audit checkpoint (Unix time)',
  registers: [metricsRegistry],
});

export const alertWebhookDeliveries = new Counter({
  name: 'inventario_alert_webhook_deliveries_total',
  help: 'Alert webhook delivery attempts, by outcome (delivered, retry, failed)',
  labelNames: ['outcome'] as const,
  registers: [metricsRegistry],
});
