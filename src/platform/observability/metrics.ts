// The Prometheus registry and the instruments that feed it. GET /metrics (modules/ops) serves
// `metricsRegistry`; everything here is module-level on purpose: one process, one registry.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

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

// ---- HTTP -------------------------------------------------------------------------------------
// One histogram: its _count is the request count, so no separate counter is kept. Buckets span
// the SLOs (100 ms health, 300 ms reads, 500 ms writes) with room either side.
export const httpRequestDuration = new Histogram({
  name: 'inventario_http_request_duration_seconds',
  help: 'HTTP request duration by route template, method and status code',
  labelNames: ['route', 'method', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.3, 0.5, 1, 2.5, 5, 10],
  registers: [metricsRegistry],
});

// ---- Stock ------------------------------------------------------------------------------------
export const stockMovements = new Counter({
  name: 'inventario_stock_movements_total',
  help: 'Committed stock movements by type (a transfer counts once; count lines as adjust)',
  labelNames: ['type'] as const,
  registers: [metricsRegistry],
});

export const stockOversellsPrevented = new Counter({
  name: 'inventario_stock_oversells_prevented_total',
  help: 'Movements refused because they would have taken stock below zero (409 stock.insufficient)',
  registers: [metricsRegistry],
});

export const idempotentReplays = new Counter({
  name: 'inventario_idempotent_replays_total',
  help: 'Requests answered from the idempotency store (Idempotent-Replayed: true), by operation',
  labelNames: ['operation'] as const,
  registers: [metricsRegistry],
});

// ---- Invoices ---------------------------------------------------------------------------------
export const invoicesCreated = new Counter({
  name: 'inventario_invoices_created_total',
  help: 'Invoice drafts created, by each source that contributed (qr, text, ocr; manual when none)',
  labelNames: ['source'] as const,
  registers: [metricsRegistry],
});

export const ocrDuration = new Histogram({
  name: 'inventario_ocr_duration_seconds',
  help: 'Time to OCR one invoice page (queueing included), by outcome (ok, timeout, error)',
  labelNames: ['outcome'] as const,
  buckets: [0.5, 1, 2, 5, 10, 20, 30, 60, 120],
  registers: [metricsRegistry],
});

export const ocrTimeouts = new Counter({
  name: 'inventario_ocr_timeouts_total',
  help: 'OCR pages cut off at OCR_TIMEOUT_SECONDS (answered 504 invoice.ocr_timeout)',
  registers: [metricsRegistry],
});

// ---- Sampled at scrape time (src/modules/ops/metrics-sampler.ts sets them, cached a few s) ----
export const stockValue = new Gauge({
  name: 'inventario_stock_value_pesos',
  help: 'Value of the stock on hand at cost price (ARS), all locations',
  registers: [metricsRegistry],
});

export const productsBelowMinimum = new Gauge({
  name: 'inventario_products_below_seasonal_minimum',
  help: 'Active products at or below their season-adjusted minimum stock today',
  registers: [metricsRegistry],
});

export const auditAlertsOpen = new Gauge({
  name: 'inventario_audit_alerts_open',
  help: 'Security alerts nobody has acknowledged or closed, by severity',
  labelNames: ['severity'] as const,
  registers: [metricsRegistry],
});

export const auditLastVerifySeconds = new Gauge({
  name: 'inventario_audit_chain_last_verify_timestamp_seconds',
  help: 'When any instance last verified the audit chain (Unix time; 0 = never)',
  registers: [metricsRegistry],
});

export const masterKeyAge = new Gauge({
  name: 'inventario_master_key_age_seconds',
  help: 'Age of the active master key version (since it was first registered)',
  registers: [metricsRegistry],
});

export const metricsSampleErrors = new Counter({
  name: 'inventario_metrics_sample_errors_total',
  help: 'Scrapes whose business figures could not be read (the previous values are served)',
  registers: [metricsRegistry],
});

// Process figures (CPU, memory, event-loop lag, GC) under their usual names for the system
// dashboard. Called once per process: the registry is module-level.
collectDefaultMetrics({ register: metricsRegistry });
