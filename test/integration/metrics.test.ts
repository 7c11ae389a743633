// GET /metrics: who may scrape it, that the business and security figures move with real
// traffic, and that every inventario_* series named by the Prometheus rules and the Grafana
// dashboards in deploy/ is really exported (the reference system alerted on metrics nothing
// emitted). The rules themselves are checked with promtool, which CI installs (.ci/run).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { testEngines } from '../helpers/engines.ts';
import { createTestApp, idemKey, type TestApp } from '../helpers/test-app.ts';
import { createProduct, move, receive } from '../helpers/fixtures.ts';

const DEPLOY = path.resolve(import.meta.dirname, '../../deploy');
const RULE_FILES = fs.readdirSync(path.join(DEPLOY, 'prometheus/rules')).map((f) => path.join(DEPLOY, 'prometheus/rules', f));
const DASHBOARDS = fs.readdirSync(path.join(DEPLOY, 'grafana/dashboards')).map((f) => path.join(DEPLOY, 'grafana/dashboards', f));
const TOKEN = 'scrape-token-for-prometheus-0123456789';

/** The value of one series in Prometheus text format (0 when absent). */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = (m[2] ?? '').split(/,(?=[a-zA-Z_]+=)/);
    if (want.every((w) => have.includes(w))) return Number(m[3]);
  }
  return 0;
}

/** Metric families the exposition declares (`# TYPE name kind`). */
function families(text: string): Set<string> {
  return new Set([...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]!));
}

/** inventario_* names used in PromQL (not recording-rule names such as job:inventario_x:rate5m). */
function metricNamesIn(text: string): string[] {
  const names = [...text.matchAll(/(?<![\w:])inventario_[a-z0-9_]+/g)].map((m) => m[0]);
  // A histogram is exported as one family; queries name its _bucket/_count/_sum series.
  return [...new Set(names.map((n) => n.replace(/_(bucket|count|sum)$/, '')))].sort();
}

const exprsOfDashboards = () =>
  DASHBOARDS.flatMap((file) => {
    const dashboard = JSON.parse(fs.readFileSync(file, 'utf8')) as { panels: { targets?: { expr: string }[] }[] };
    return dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));
  });

describe('Prometheus rules and Grafana dashboards in deploy/', () => {
  it('pass promtool check rules (promtool comes from the Debian prometheus package)', () => {
    // Missing promtool throws here: in CI that is a failure, never a skip.
    const out = execFileSync('promtool', ['check', 'rules', ...RULE_FILES], { encoding: 'utf8' });
    expect(out).toContain('SUCCESS');
    const config = execFileSync('promtool', ['check', 'config', '--syntax-only', path.join(DEPLOY, 'prometheus/prometheus.yml')], { encoding: 'utf8' });
    expect(config).toContain('SUCCESS');
  });

  it('fire on the series /metrics exports and stay quiet when all is well (promtool test rules)', () => {
    // deploy/prometheus/tests/alerts.test.yml: instance down, 5xx ratio, broken chain, brute
    // force, old backup, critical stock and disk space, each with the labels and text it sends.
    const out = execFileSync('promtool', ['test', 'rules', path.join(DEPLOY, 'prometheus/tests/alerts.test.yml')], { encoding: 'utf8' });
    expect(out).toContain('SUCCESS');
  }, 60_000);

  it('cover the alerts issue 7 asks for and use only recording rules that are defined', () => {
    const rules = RULE_FILES.map((f) => fs.readFileSync(f, 'utf8')).join('\n');
    for (const alert of [
      'InventarioInstanceDown', 'InventarioHighErrorRate', 'InventarioHighLatency', 'InventarioStockCritical', 'InventarioOcrTimeouts',
      'InventarioAuditChainBroken', 'InventarioBruteForce', 'InventarioBackupTooOld', 'InventarioDrDrillTooOld', 'InventarioDiskSpaceLow',
    ]) {
      expect(rules).toContain(`alert: ${alert}\n`);
    }
    const recorded = new Set([...rules.matchAll(/record: (\S+)/g)].map((m) => m[1]));
    const used = [...(rules + exprsOfDashboards().join('\n')).matchAll(/\b[a-z_]+:inventario_[a-z0-9_]+:[a-z0-9_]+\b/g)].map((m) => m[0]);
    expect(used.length).toBeGreaterThan(5);
    expect(used.filter((u) => !recorded.has(u))).toEqual([]);
    for (const file of DASHBOARDS) expect(JSON.parse(fs.readFileSync(file, 'utf8')).panels.length).toBeGreaterThan(5);
  });
});

describe.each(testEngines())('GET /metrics on %s', (engine) => {
  let t: TestApp;
  let withToken: TestApp;

  beforeAll(async () => {
    t = await createTestApp(engine);
    withToken = await createTestApp(engine, { METRICS_TOKEN: TOKEN });
  });
  afterAll(async () => {
    await t?.close();
    await withToken?.close();
  });

  const scrape = async (app: TestApp = t) => {
    const res = await app.call('GET', '/metrics', { key: null });
    expect(res.statusCode, res.body).toBe(200);
    return res.body;
  };

  describe('access', () => {
    it('serves a loopback scraper without credentials while METRICS_TOKEN is unset, in Prometheus text format', async () => {
      const res = await t.call('GET', '/metrics', { key: null });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
      expect(res.body).toContain('# TYPE inventario_http_request_duration_seconds histogram');
    });

    it('refuses an anonymous request that came through a proxy, even from loopback (401)', async () => {
      for (const header of ['x-forwarded-for', 'forwarded', 'x-real-ip']) {
        const res = await t.call('GET', '/metrics', { key: null, headers: { [header]: header === 'forwarded' ? 'for=203.0.113.9' : '203.0.113.9' } });
        expect(res.statusCode, header).toBe(401);
        expect(res.json().code).toBe('auth.unauthenticated');
      }
    });

    it('lets admin and auditor keys scrape and answers 403 to the other roles', async () => {
      for (const role of ['admin', 'auditor'] as const) {
        expect((await t.call('GET', '/metrics', { key: await t.keyFor(role) })).statusCode, role).toBe(200);
      }
      for (const role of ['manager', 'clerk'] as const) {
        const res = await t.call('GET', '/metrics', { key: await t.keyFor(role) });
        expect(res.statusCode, role).toBe(403);
        expect(res.json().code).toBe('auth.forbidden');
      }
    });

    it('with METRICS_TOKEN set, wants the bearer token (or an admin/auditor key) even from loopback', async () => {
      expect((await withToken.call('GET', '/metrics', { key: null })).statusCode).toBe(401);
      expect((await withToken.call('GET', '/metrics', { key: TOKEN })).statusCode).toBe(200);
      expect((await withToken.call('GET', '/metrics', { key: `${TOKEN}x` })).statusCode).toBe(401);
      expect((await withToken.call('GET', '/metrics', { key: null, headers: { 'x-api-key': TOKEN } })).statusCode).toBe(401);
      expect((await withToken.call('GET', '/metrics', { key: await withToken.keyFor('auditor') })).statusCode).toBe(200);
      expect((await withToken.call('GET', '/metrics', { key: await withToken.keyFor('clerk') })).statusCode).toBe(403);
      // The token is a scrape credential only, not an API key.
      expect((await withToken.call('GET', '/api/v1/products', { key: TOKEN })).statusCode).toBe(401);
    });

    it('never writes the scrape token to the log', () => {
      expect(withToken.logLines.length).toBeGreaterThan(3);
      expect(withToken.logLines.join('\n')).not.toContain(TOKEN);
    });
  });

  describe('after a little traffic', () => {
    let before: string;
    let after: string;
    let productId: string;

    beforeAll(async () => {
      before = await scrape();
      const product = await createProduct(t, { cost_price: '250.50', min_stock: '50' });
      productId = product.id;
      await receive(t, product.id, 10);
      const out = await move(t, { product_id: product.id, type: 'out', quantity: 3 });
      expect(out.statusCode).toBe(201);
      const oversell = await move(t, { product_id: product.id, type: 'out', quantity: 1000 });
      expect(oversell.statusCode).toBe(409);
      const key = idemKey('replay');
      const body = { product_id: product.id, type: 'in', quantity: 1 };
      const first = await t.call('POST', '/api/v1/stock/movements', { body, idempotencyKey: key });
      const replay = await t.call('POST', '/api/v1/stock/movements', { body, idempotencyKey: key });
      expect([first.statusCode, replay.statusCode, replay.headers['idempotent-replayed']]).toEqual([201, 201, 'true']);
      const count = await t.call('POST', '/api/v1/stock/counts', { body: { lines: [{ product_id: product.id, counted: '7' }] }, idempotencyKey: idemKey() });
      expect(count.statusCode, count.body).toBe(201);
      expect((await t.call('POST', '/api/v1/invoices', { body: {} })).statusCode).toBe(201);
      await t.call('GET', `/api/v1/products/${product.id}`);
      await t.call('GET', '/api/v1/products', { key: 'inv_not-a-real-key-000000000000000' });
      await t.services.auditTrail.verify({ actor: 'test', ip: null, requestId: null });
      // Figures read from the database are reused for 5 s; step the clock past that instead of waiting.
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(Date.now() + 6_000);
      try {
        after = await scrape();
      } finally {
        vi.useRealTimers();
      }
    });

    const delta = (name: string, labels: Record<string, string> = {}) => sample(after, name, labels) - sample(before, name, labels);

    it('counts requests by route template, method and status, never by raw URL', () => {
      expect(delta('inventario_http_request_duration_seconds_count', { route: '/api/v1/products/:id', method: 'GET', status: '200' })).toBe(1);
      expect(delta('inventario_http_request_duration_seconds_count', { route: '/api/v1/stock/movements', method: 'POST', status: '409' })).toBe(1);
      expect(delta('inventario_http_request_duration_seconds_count', { route: '/api/v1/products', method: 'GET', status: '401' })).toBe(1);
      expect(after).not.toContain(productId);
      expect(sample(after, 'inventario_http_request_duration_seconds_bucket', { route: '/api/v1/products/:id', method: 'GET', status: '200', le: '+Inf' })).toBeGreaterThanOrEqual(1);
    });

    it('counts movements by type, prevented oversells, idempotent replays and invoices by source', () => {
      expect(delta('inventario_stock_movements_total', { type: 'in' })).toBe(2);
      expect(delta('inventario_stock_movements_total', { type: 'out' })).toBe(1);
      expect(delta('inventario_stock_movements_total', { type: 'adjust' })).toBe(1);
      expect(delta('inventario_stock_oversells_prevented_total')).toBe(1);
      expect(delta('inventario_idempotent_replays_total', { operation: 'stock.movement.create' })).toBe(1);
      expect(delta('inventario_invoices_created_total', { source: 'manual' })).toBe(1);
    });

    it('reports stock value and products below the seasonal minimum from the database', () => {
      // 7 units at 250.50 (the count set the level to 7); min 50 puts the product on the critical list.
      expect(sample(after, 'inventario_stock_value_pesos')).toBeCloseTo(7 * 250.5, 2);
      expect(sample(after, 'inventario_products_below_seasonal_minimum')).toBe(1);
    });

    it('reports the audit chain status, open alerts by severity and the master key age', () => {
      expect(sample(after, 'inventario_audit_chain_ok')).toBe(1);
      expect(sample(after, 'inventario_audit_chain_last_verify_timestamp_seconds')).toBeGreaterThan(Date.now() / 1000 - 120);
      for (const severity of ['low', 'medium', 'high', 'critical']) expect(after).toContain(`inventario_audit_alerts_open{severity="${severity}"}`);
      const age = sample(after, 'inventario_master_key_age_seconds');
      expect(age).toBeGreaterThanOrEqual(0);
      expect(age).toBeLessThan(600);
      expect(families(after).has('inventario_master_key_age_seconds')).toBe(true);
    });

    it('exports every inventario_* metric that the alert rules and the dashboards name', () => {
      const named = metricNamesIn(RULE_FILES.map((f) => fs.readFileSync(f, 'utf8')).join('\n') + exprsOfDashboards().join('\n'));
      expect(named.length).toBeGreaterThan(15);
      const exported = families(after);
      expect(named.filter((n) => !exported.has(n))).toEqual([]);
    });
  });
});
