// The dashboard's shell in a real browser: signing in and out, what each role's navigation
// offers, the CSRF check on cookie writes, an expired session (re-login over the still-mounted
// page), unknown routes, direct loads of client-side routes, and the security headers.
import fs from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { httpRequest } from '../process/helpers.ts';
import {
  checkAxe,
  cookieHeader,
  describeE2E,
  endSessionBehindTheBrowser,
  newPage,
  openBrowser,
  startDashboard,
  signIn,
  submitLogin,
  UI,
  type Dashboard,
} from './harness.ts';

describeE2E('dashboard shell (browser)', () => {
  let dash: Dashboard;
  let browser: Browser;

  beforeAll(async () => {
    [dash, browser] = await Promise.all([startDashboard(), openBrowser()]);
  });

  afterAll(async () => {
    await browser?.close();
    await dash?.stop();
  });

  it('the harness itself sees a CSP violation and an axe failure (so the other checks are not vacuous)', async () => {
    const { page, context, cspViolations } = await newPage(browser, dash, { role: 'auditor' });
    try {
      // An inline script, as a careless component might add: the CSP blocks it and newPage hears it.
      await page.addScriptTag({ content: 'window.__inline = 1' }).catch(() => undefined);
      await expect.poll(() => cspViolations.length, { timeout: 5_000 }).toBeGreaterThan(0);
      expect(await page.evaluate(() => (window as unknown as { __inline?: number }).__inline)).toBeUndefined();
      // An input without a label: axe reports it as critical.
      await page.evaluate(() => {
        const input = document.createElement('input');
        input.id = 'e2e-unlabelled';
        document.querySelector('main')?.append(input);
      });
      const violations = await checkAxe(page);
      expect(violations.map((v) => v.id)).toContain('label');
      expect(violations.find((v) => v.id === 'label')?.targets).toContain('#e2e-unlabelled');
    } finally {
      await context.close();
    }
  });

  it('signs in through the form and out with Salir, back to the login form', async () => {
    const { page, context, cspViolations, consoleErrors } = await newPage(browser, dash, { role: 'admin' });
    try {
      const nav = page.locator(UI.nav);
      expect(await nav.getByRole('link').count()).toBeGreaterThan(0);
      await page.getByText(dash.users.admin.username).waitFor();
      await page.getByRole('button', { name: UI.logout, exact: true }).click();
      await page.getByLabel(UI.username, { exact: true }).waitFor();
      expect(await nav.count()).toBe(0);
      // The session really ended on the server: a reload stays signed out.
      const res = await context.request.get('/api/v1/auth/session');
      expect(res.status()).toBe(401);
      await page.reload();
      await page.getByLabel(UI.username, { exact: true }).waitFor();
      expect(await page.locator(UI.nav).count()).toBe(0);
      expect(await checkAxe(page)).toEqual([]);
      expect(cspViolations).toEqual([]);
      // The reload's session probe answers 401 (signed out), which Chromium logs; nothing else.
      expect(consoleErrors.filter((e) => !/status of 401/.test(e))).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('after Salir, the next account on the same tab gets nothing the previous one loaded', async () => {
    const created = await dash.api('POST', '/products', { sku: 'SHELL-CACHE-1', name: 'Yerba de la caché', category: 'almacén', unit: 'unit', cost_price: '100' });
    expect(created.status).toBe(201);
    const { page, context } = await newPage(browser, dash, { role: 'admin', path: '/productos' });
    try {
      await page.getByText('Yerba de la caché').first().waitFor();
      await page.getByRole('button', { name: UI.logout }).click();
      await page.getByLabel(UI.username, { exact: true }).waitFor();
      // The tab is still on /productos. Within the 15 s the admin's product list would still
      // count as fresh, the clerk's Productos must ask the server again: the cache was emptied.
      const refetched = page.waitForRequest((r) => r.url().includes('/api/v1/products') && r.method() === 'GET', { timeout: 10_000 });
      await signIn(page, dash.users.clerk);
      await refetched;
      await page.getByText('Yerba de la caché').first().waitFor();
    } finally {
      await context.close();
    }
  });

  it('a wrong password shows the Spanish error and does not sign in', async () => {
    const { page, context, cspViolations } = await newPage(browser, dash, { role: 'manager', signedOut: true });
    try {
      await submitLogin(page, { username: dash.users.manager.username, password: 'no-es-la-clave-1234' });
      const alert = page.getByRole('alert');
      await alert.waitFor();
      expect((await alert.textContent())?.trim()).toBe(UI.badCredentials);
      expect(await page.locator(UI.nav).count()).toBe(0);
      // The password field is emptied; the username stays for the next try.
      expect(await page.getByLabel(UI.password, { exact: true }).inputValue()).toBe('');
      expect(await page.getByLabel(UI.username, { exact: true }).inputValue()).toBe(dash.users.manager.username);
      expect(await checkAxe(page)).toEqual([]);
      expect(cspViolations).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('a clerk sees no Clientes/Auditoría/Usuarios y claves, and forcing their URLs shows "Sin permiso"', async () => {
    const { page, context, cspViolations, consoleErrors } = await newPage(browser, dash, { role: 'clerk' });
    try {
      const links = await page.locator(`${UI.nav} a`).allTextContents();
      expect(links).toEqual(expect.arrayContaining(['Inicio', 'Productos', 'Stock', 'Crítico', 'Proveedores']));
      for (const hidden of ['Clientes', 'Auditoría', 'Usuarios y claves']) expect(links).not.toContain(hidden);

      for (const forced of ['/usuarios', '/clientes', '/auditoria']) {
        await page.goto(forced);
        await page.getByRole('heading', { level: 1, name: UI.forbidden }).waitFor();
        // An explanation, not a blank page.
        expect(await page.locator('main').getByRole('alert').textContent()).toContain('Su rol no tiene acceso');
      }
      expect(await checkAxe(page)).toEqual([]);
      expect(cspViolations).toEqual([]);
      expect(consoleErrors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('refuses a write made with the session cookie but without X-CSRF-Token (403, nothing created)', async () => {
    const { context } = await newPage(browser, dash, { role: 'admin' });
    try {
      const sku = `CSRF-${Date.now()}`;
      const product = { sku, name: 'Sin token', category: 'Almacén', cost_price: '10', min_stock: '0' };
      // context.request sends the browser context's cookies: the session is there, the token is not.
      const refused = await context.request.post('/api/v1/products', { data: product });
      expect(refused.status()).toBe(403);
      expect(((await refused.json()) as { code: string }).code).toBe('auth.csrf_failed');
      // A wrong token is refused the same way.
      const wrong = await context.request.post('/api/v1/products', { data: product, headers: { 'x-csrf-token': 'x'.repeat(43) } });
      expect(wrong.status()).toBe(403);
      const list = await dash.api('GET', `/products?sku=${sku}`);
      expect(list.status).toBe(200);
      expect(list.body.items).toEqual([]);

      // Control: the same cookie WITH the session's token may write, so the 403 was the token.
      const session = await context.request.get('/api/v1/auth/session');
      const csrf = ((await session.json()) as { csrf_token: string }).csrf_token;
      const ok = await context.request.post('/api/v1/products', { data: product, headers: { 'x-csrf-token': csrf } });
      expect(ok.status()).toBe(201);
    } finally {
      await context.close();
    }
  });

  it('an expired session asks for the password in a dialog and keeps what was typed', async () => {
    const { page, context, cspViolations } = await newPage(browser, dash, { role: 'admin', path: '/productos' });
    try {
      await page.getByRole('heading', { level: 1 }).waitFor();
      // Productos' search box: typing in it asks the server (debounced or on Enter).
      const box = page.locator('main input[type="search"], main form[role="search"] input[type="text"]').first();
      await box.waitFor({ timeout: 5_000 });
      await box.fill('texto escrito antes de ');
      // A marker on the mounted page: the re-login must not remount it.
      await page.evaluate(() => {
        (window as unknown as { __e2eMain?: Element | null }).__e2eMain = document.querySelector('main h1');
      });

      await endSessionBehindTheBrowser(context, dash.baseUrl);
      await box.pressSequentially('vencer');
      await box.press('Enter');

      const dialog = page.getByRole('dialog', { name: UI.expiredTitle });
      await dialog.waitFor({ timeout: 10_000 });
      await dialog.getByRole('heading', { name: UI.expiredTitle }).first().waitFor();
      // The username is filled in; only the password is needed.
      expect(await dialog.getByLabel(UI.username, { exact: true }).inputValue()).toBe(dash.users.admin.username);
      expect(await checkAxe(page)).toEqual([]);
      await submitLogin(dialog, dash.users.admin);
      await dialog.waitFor({ state: 'hidden' });

      expect(await box.inputValue()).toBe('texto escrito antes de vencer');
      const sameNode = await page.evaluate(() => {
        const marker = (window as unknown as { __e2eMain?: Element | null }).__e2eMain;
        return Boolean(marker && document.contains(marker));
      });
      expect(sameNode).toBe(true);
      // The new session works: the cookie was replaced and writes carry the new token.
      const session = await context.request.get('/api/v1/auth/session');
      expect(session.status()).toBe(200);
      expect(cspViolations).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('an unknown route shows "Página no encontrada"; a direct load of /productos works', async () => {
    const { page, context, cspViolations, consoleErrors } = await newPage(browser, dash, { role: 'admin', path: '/no-existe' });
    try {
      await page.getByRole('heading', { level: 1, name: UI.notFound }).waitFor();
      await page.locator(UI.nav).waitFor();

      const res = await page.goto('/productos');
      expect(res?.status()).toBe(200);
      expect(res?.headers()['content-type']).toMatch(/^text\/html/);
      await page.getByRole('heading', { level: 1 }).waitFor();
      expect(await page.getByRole('heading', { level: 1 }).textContent()).not.toBe(UI.notFound);
      expect(await page.locator(`${UI.nav} a[aria-current="page"]`).textContent()).toBe('Productos');
      expect(cspViolations).toEqual([]);
      expect(consoleErrors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('first run from the browser: the initial admin key creates the first account and signs in', async () => {
    const { page, context, cspViolations } = await newPage(browser, dash, { role: 'admin', signedOut: true });
    try {
      await page.getByRole('button', { name: /Primera vez/ }).click();
      await page.getByLabel(/Clave inicial/).fill('inv_clave-que-no-existe-0000000000000000');
      await page.getByLabel('Usuario nuevo').fill('primera-duena');
      await page.getByLabel('Contraseña nueva').fill('Almacen-Don-Pepe-1987');
      await page.getByRole('button', { name: /Crear cuenta/ }).click();
      await page.getByText('La clave inicial no es válida o fue revocada.').waitFor();

      await page.getByLabel(/Clave inicial/).fill(dash.apiKey);
      await page.getByLabel('Contraseña nueva').fill('corta');
      await page.getByRole('button', { name: /Crear cuenta/ }).click();
      await page.getByText(/al menos 12/).waitFor();

      await page.getByLabel('Contraseña nueva').fill('Almacen-Don-Pepe-1987');
      await page.getByRole('button', { name: /Crear cuenta/ }).click();
      await page.locator('[data-ready="home"]').waitFor();
      const users = await dash.api('GET', '/users?limit=500');
      const created = (users.body as { items: Array<{ username: string; role: string }> }).items.find((u) => u.username === 'primera-duena');
      expect(created?.role).toBe('admin');
      // The key was used for that one request: nothing in the browser keeps it.
      const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }) + document.cookie);
      expect(stored).not.toContain(dash.apiKey);
      expect(cspViolations).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('a page whose code cannot be downloaded shows "Recargar" and keeps the navigation, not a blank app', async () => {
    const { page, context } = await newPage(browser, dash, { role: 'admin' });
    try {
      // As after an update that renamed the files: the Proveedores chunk is gone.
      await page.route(/\/assets\/SuppliersPage-[^/]+\.js$/, (route) => route.fulfill({ status: 404, body: '' }));
      await page.locator(UI.nav).getByRole('link', { name: 'Proveedores' }).click({ force: true });
      await page.getByRole('heading', { level: 1, name: 'No se pudo mostrar esta sección' }).waitFor();
      expect(await page.locator('main [role="alert"]').textContent()).toContain('Recárguela');
      expect(await page.getByRole('button', { name: 'Recargar' }).isVisible()).toBe(true);
      // The rest of the app still works: another section opens normally.
      await page.goto('/productos');
      await page.getByRole('heading', { level: 1, name: 'Productos' }).waitFor();
    } finally {
      await context.close();
    }
  });

  it('serves the page with a strict CSP and X-Frame-Options DENY, and no secret in the HTML or JS', async () => {
    const res = await httpRequest(dash.baseUrl, 'GET', '/', { headers: { accept: 'text/html' } });
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');

    // No inline script or style in the HTML: everything comes from hashed files.
    const html = res.text;
    for (const tag of html.match(/<script\b[^>]*>/g) ?? []) expect(tag).toMatch(/\ssrc=/);
    expect(html).not.toMatch(/<script\b[^>]*>[^<]+<\/script>/);
    expect(html).not.toMatch(/\sstyle=/);
    expect(html).not.toMatch(/<style\b/);

    // Every file the server hands out, fetched from the server: no key, password or secret.
    const secrets = [dash.apiKey, dash.apiKey.slice(0, 16), ...Object.values(dash.users).map((u) => u.password)];
    const files = fs
      .readdirSync(dash.distDir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => `/${path.relative(dash.distDir, path.join(e.parentPath, e.name)).split(path.sep).join('/')}`);
    expect(files.some((f) => f.endsWith('.js'))).toBe(true);
    for (const file of ['/', ...files]) {
      const body = await httpRequest(dash.baseUrl, 'GET', file);
      expect(body.status, file).toBe(200);
      for (const secret of secrets) expect(body.text.includes(secret), `${file} contains a secret`).toBe(false);
      expect(body.text, file).not.toMatch(/INVENTARIO_BOOTSTRAP_API_KEY|MASTER_KEY|BEGIN (RSA |EC )?PRIVATE KEY/);
    }

    // The session cookie is HttpOnly (no script can read it) and SameSite=Strict.
    const { context } = await newPage(browser, dash, { role: 'auditor' });
    try {
      const cookies = await context.cookies(dash.baseUrl);
      const session = cookies.find((c) => c.name.includes('inventario_session'));
      expect(session?.httpOnly).toBe(true);
      expect(session?.sameSite).toBe('Strict');
      expect(await cookieHeader(context, dash.baseUrl)).not.toBe('');
    } finally {
      await context.close();
    }
  });
});
