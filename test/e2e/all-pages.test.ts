// Every section of the dashboard (web/src/app/routes.ts) in a real browser, on a small store:
// as admin at phone (390 px) and desktop (1280 px) width — no CSP violation, no console error,
// no serious/critical axe violation, no sideways page scroll on the phone, its heading shown,
// screenshots in test-artifacts/screenshots/ — and as clerk and auditor for every section their
// navigation offers (CSP, console, axe).
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { checkAxe, describeE2E, horizontalOverflow, newPage, openBrowser, saveScreenshot, settle, startDashboard, UI, type Dashboard, type Role, type Width } from './harness.ts';

/** The sections and their nav labels (web/src/app/routes.ts, web/src/i18n/es-AR/common.ts). */
const SECTIONS = [
  { path: '/', name: 'inicio', label: 'Inicio' },
  { path: '/productos', name: 'productos', label: 'Productos' },
  { path: '/stock', name: 'stock', label: 'Stock' },
  { path: '/critico', name: 'critico', label: 'Crítico' },
  { path: '/proveedores', name: 'proveedores', label: 'Proveedores' },
  { path: '/precios', name: 'precios', label: 'Precios' },
  { path: '/facturas', name: 'facturas', label: 'Facturas' },
  { path: '/compras', name: 'compras', label: 'Compras sugeridas' },
  { path: '/clientes', name: 'clientes', label: 'Clientes' },
  { path: '/privacidad', name: 'privacidad', label: 'Privacidad' },
  { path: '/auditoria', name: 'auditoria', label: 'Auditoría' },
  { path: '/usuarios', name: 'usuarios', label: 'Usuarios y claves' },
] as const;

// A page not written yet is the skeleton's stub: <Page title="ProductsPage">.
const STUB_TITLE = /^[A-Za-z]+Page$/;
const PAGE_READY_TIMEOUT_MS = 15_000;

async function seedStore(dash: Dashboard): Promise<void> {
  const must = async (method: string, path: string, body?: unknown): Promise<{ id: string }> => {
    const res = await dash.api(method, path, body);
    if (res.status !== 201) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as { id: string };
  };
  const supplier = await must('POST', '/suppliers', { name: 'Distribuidora Lanús SA', cuit: '30-71234567-1', lead_time_days: 3 });
  const products = [
    { sku: 'ALM-001', name: 'Yerba mate 1 kg', category: 'Almacén', cost_price: '2150.50', sale_price: '3200', min_stock: '10', supplier_id: supplier.id },
    { sku: 'LAC-002', name: 'Leche entera 1 l', category: 'Lácteos', unit: 'l', cost_price: '890', sale_price: '1250.90', min_stock: '24', supplier_id: supplier.id },
    { sku: 'LIM-003', name: 'Lavandina 2 l con un nombre bastante largo para ver cómo se corta en el teléfono', category: 'Limpieza', cost_price: '1130', min_stock: '5' },
    { sku: 'FIA-004', name: 'Queso por kilo', category: 'Fiambrería', unit: 'kg', cost_price: '7800', min_stock: '2.5' },
  ];
  const ids: string[] = [];
  for (const p of products) ids.push((await must('POST', '/products', p)).id);
  // Some stock: yerba well above its minimum, leche below it (critical), queso by weight.
  await must('POST', '/stock/movements', { product_id: ids[0], type: 'in', quantity: '40', unit_cost: '2150.50', reference: 'Factura A 0001-00001234' });
  await must('POST', '/stock/movements', { product_id: ids[0], type: 'out', quantity: '3', reason: 'Venta' });
  await must('POST', '/stock/movements', { product_id: ids[1], type: 'in', quantity: '6', unit_cost: '890' });
  await must('POST', '/stock/movements', { product_id: ids[3], type: 'in', quantity: '4.250', unit_cost: '7800' });
  await must('POST', '/customers', { name: 'María Gómez', doc_type: 'DNI', doc_number: '31456789', email: 'maria@example.com', marketing_consent: false });
}

/** Waits until the page has its heading and no loading placeholder is left in <main>. */
async function pageReady(page: Page, consoleErrors: string[]): Promise<string> {
  const h1 = page.locator('main h1');
  try {
    await h1.first().waitFor({ timeout: PAGE_READY_TIMEOUT_MS });
  } catch (err) {
    const body = await page.evaluate(() => document.body.innerHTML).catch(() => '(no body)');
    throw new Error(
      `${page.url()}: no visible h1 within ${PAGE_READY_TIMEOUT_MS} ms\nconsole errors: ${consoleErrors.join(' | ') || 'none'}\n<body> holds: ${body.slice(0, 4000)}`,
      { cause: err },
    );
  }
  await page.waitForLoadState('networkidle', { timeout: PAGE_READY_TIMEOUT_MS });
  await expect
    .poll(() => page.locator('main .loading').count(), { timeout: PAGE_READY_TIMEOUT_MS, message: 'a loading placeholder never went away' })
    .toBe(0);
  await settle(page);
  expect(await h1.count(), 'exactly one h1 on the page').toBe(1);
  return ((await h1.textContent()) ?? '').trim();
}

/** The h1 names the section (stub pages, not written yet, only need a heading). */
function expectHeading(h1: string, label: string): void {
  expect(h1).not.toBe('');
  expect(h1).not.toBe(UI.forbidden);
  expect(h1).not.toBe(UI.notFound);
  if (STUB_TITLE.test(h1)) return;
  const firstWord = label.split(' ')[0]!.toLowerCase();
  expect(h1.toLowerCase(), `the heading of the ${label} page`).toContain(firstWord);
}

describeE2E('every dashboard page (browser)', () => {
  let dash: Dashboard;
  let browser: Browser;

  beforeAll(async () => {
    [dash, browser] = await Promise.all([startDashboard(), openBrowser()]);
    await seedStore(dash);
  });

  afterAll(async () => {
    await browser?.close();
    await dash?.stop();
  });

  for (const width of [390, 1280] as const satisfies Width[]) {
    it(`as admin at ${width} px: every page is CSP-clean, error-free, accessible and fits`, async () => {
      const { page, context, cspViolations, consoleErrors } = await newPage(browser, dash, { role: 'admin', width });
      const problems: string[] = [];
      try {
        const navLabels = await page.locator(`${UI.nav} a`).allTextContents();
        expect(navLabels).toEqual(SECTIONS.map((s) => s.label));
        for (const section of SECTIONS) {
          const csp = cspViolations.length;
          const errors = consoleErrors.length;
          const res = await page.goto(section.path);
          expect(res?.status(), section.path).toBe(200);
          const h1 = await pageReady(page, consoleErrors);
          expectHeading(h1, section.label);
          await saveScreenshot(page, section.name);
          const axe = await checkAxe(page);
          if (axe.length) problems.push(`${section.path}: axe ${JSON.stringify(axe, null, 1)}`);
          if (width === 390) {
            const overflow = await horizontalOverflow(page);
            if (overflow) problems.push(`${section.path}: page scrolls sideways at 390 px (scrollWidth ${overflow.scrollWidth})`);
          }
          if (cspViolations.length > csp) problems.push(`${section.path}: CSP ${cspViolations.slice(csp).join(' | ')}`);
          if (consoleErrors.length > errors) problems.push(`${section.path}: console ${consoleErrors.slice(errors).join(' | ')}`);
        }
        // One list of everything wrong on every page, rather than stopping at the first.
        expect(problems).toEqual([]);
      } finally {
        await context.close();
      }
    });
  }

  for (const role of ['clerk', 'auditor'] as const satisfies Role[]) {
    it(`as ${role}: every page the navigation offers is CSP-clean, error-free and accessible`, async () => {
      const { page, context, cspViolations, consoleErrors } = await newPage(browser, dash, { role, width: 1280 });
      const problems: string[] = [];
      try {
        const navLabels = await page.locator(`${UI.nav} a`).allTextContents();
        const visible = SECTIONS.filter((s) => navLabels.includes(s.label));
        expect(visible.map((s) => s.path)).toEqual(
          role === 'clerk' ? ['/', '/productos', '/stock', '/critico', '/proveedores', '/facturas', '/compras'] : ['/', '/productos', '/stock', '/critico', '/proveedores', '/compras', '/auditoria'],
        );
        for (const section of visible) {
          const csp = cspViolations.length;
          const errors = consoleErrors.length;
          // Through the navigation, as a user would (client-side, no reload).
          await page.locator(UI.nav).getByRole('link', { name: section.label, exact: true }).click();
          await page.waitForURL((url) => url.pathname === section.path);
          const h1 = await pageReady(page, consoleErrors);
          expectHeading(h1, section.label);
          const axe = await checkAxe(page);
          if (axe.length) problems.push(`${section.path}: axe ${JSON.stringify(axe, null, 1)}`);
          if (cspViolations.length > csp) problems.push(`${section.path}: CSP ${cspViolations.slice(csp).join(' | ')}`);
          if (consoleErrors.length > errors) problems.push(`${section.path}: console ${consoleErrors.slice(errors).join(' | ')}`);
        }
        expect(problems).toEqual([]);
      } finally {
        await context.close();
      }
    });
  }
});
