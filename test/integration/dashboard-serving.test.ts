// How the server hands out the dashboard: index.html under the API's CSP and never cached,
// hashed assets cached for a year, client-side routes answered with the page, and the API's
// own 404s untouched. A fake build in a temp dir keeps the test independent of web/dist.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

const INDEX = '<!doctype html><html lang="es-AR"><head><script type="module" src="/assets/index-Ab12Cd34.js"></script></head><body><div id="root"></div></body></html>';

describe('dashboard serving', () => {
  let dir: string;
  let t: TestApp;
  let bare: TestApp;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'dash-'));
    mkdirSync(path.join(dir, 'assets'));
    writeFileSync(path.join(dir, 'index.html'), INDEX);
    writeFileSync(path.join(dir, 'assets', 'index-Ab12Cd34.js'), 'console.info("ok");');
    t = await createTestApp('pglite', { INVENTARIO_DASHBOARD_DIR: dir });
    bare = await createTestApp('pglite', { INVENTARIO_DASHBOARD_DIR: path.join(dir, 'missing') });
  });
  afterAll(async () => {
    await t?.close();
    await bare?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves index.html at / with the strict CSP, frame denial and no caching', async () => {
    const res = await t.call('GET', '/', { key: null });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.body).toBe(INDEX);
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['cache-control']).toBe('no-cache');
  });

  it('caches hashed assets for a year', async () => {
    const res = await t.call('GET', '/assets/index-Ab12Cd34.js', { key: null });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('javascript');
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it('answers a browser asking for a dashboard route with the page, and anything else with problem+json', async () => {
    const page = await t.call('GET', '/productos?q=yerba', { key: null, headers: { accept: 'text/html,application/xhtml+xml' } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toBe(INDEX);
    expect(page.headers['cache-control']).toBe('no-cache');

    for (const [url, accept] of [
      ['/productos', 'application/json'],
      ['/api/v1/no-existe', 'text/html'],
      ['/assets/falta.js', 'text/html'],
      ['/docs/no-existe', 'text/html'],
    ] as const) {
      const res = await t.call('GET', url, { key: null, headers: { accept } });
      expect(res.statusCode, url).toBe(404);
      expect(res.headers['content-type'], url).toContain('application/problem+json');
    }
    const post = await t.call('POST', '/productos', { key: null, headers: { accept: 'text/html' }, body: {} });
    expect(post.statusCode).toBe(404);
  });

  it('never serves files outside the build directory', async () => {
    writeFileSync(path.join(dir, '..', 'secreto.txt'), 'no');
    for (const url of ['/../secreto.txt', '/assets/..%2f..%2fsecreto.txt', '/%2e%2e/secreto.txt', '/assets/%2e%2e/%2e%2e/secreto.txt']) {
      const res = await t.call('GET', url, { key: null });
      expect(res.body, url).not.toBe('no');
      expect(res.statusCode, url).toBeGreaterThanOrEqual(400);
    }
    rmSync(path.join(dir, '..', 'secreto.txt'), { force: true });
  });

  it('without a build, / says how to build the dashboard and links the API docs', async () => {
    const res = await bare.call('GET', '/', { key: null });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('npm run build:web');
    expect(res.body).toContain('/docs');
  });

  it('the API keeps answering with the dashboard mounted', async () => {
    const res = await t.call('GET', '/api/v1/products');
    expect(res.statusCode).toBe(200);
    const unauth = await t.call('GET', '/api/v1/products', { key: null });
    expect(unauth.statusCode).toBe(401);
  });

  it('tells a signed-in dashboard what the role may do and the store time zone', async () => {
    const password = 'Caballo-Bateria-Grapa-77';
    const created = await t.call('POST', '/api/v1/users', { body: { username: 'caja1', password, role: 'clerk' } });
    expect(created.statusCode).toBe(201);
    const login = await t.call('POST', '/api/v1/auth/login', { key: null, body: { username: 'caja1', password } });
    expect(login.statusCode).toBe(200);
    const body = login.json();
    expect(body.permissions).toContain('stock:move');
    expect(body.permissions).not.toContain('stock:adjust');
    expect(body.permissions).not.toContain('admin');
    expect(body.timezone).toBe('America/Argentina/Buenos_Aires');
  });
});
