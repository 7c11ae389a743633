// Crítico in a real browser: a product sold below its seasonal minimum shows up with its deficit,
// largest deficit first, season names in Spanish; the date picker changes the season (and so the
// list); the empty state; the print button and a printout without navigation that carries the
// title, the date and the store's time zone.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { checkAxe, describeE2E, horizontalOverflow, newPage, openBrowser, saveScreenshots, startDashboard, type Dashboard } from './harness.ts';

describeE2E('crítico (browser)', () => {
  let dash: Dashboard;
  let browser: Browser;

  beforeAll(async () => {
    [dash, browser] = await Promise.all([startDashboard(), openBrowser()]);
    // Known factors, so the expected minimums do not depend on the day the test runs.
    const factors = await dash.api('PUT', '/stock/season-factors', {
      default: { verano: '1.5', otono: '1.5', invierno: '0.5', primavera: '1.5' },
      by_category: {},
    });
    expect(factors.status).toBe(200);
  });

  afterAll(async () => {
    await browser?.close();
    await dash?.stop();
  });

  async function product(sku: string, name: string, minStock: string, received: number, sold: number): Promise<string> {
    const res = await dash.api('POST', '/products', { sku, name, category: 'almacén', unit: 'unit', cost_price: '500.00', min_stock: minStock });
    expect(res.status).toBe(201);
    const id = res.body.id as string;
    expect((await dash.api('POST', '/stock/movements', { product_id: id, type: 'in', quantity: String(received) })).status).toBe(201);
    if (sold > 0) expect((await dash.api('POST', '/stock/movements', { product_id: id, type: 'out', quantity: String(sold) })).status).toBe(201);
    return id;
  }

  async function showDate(page: Page, ddmmyyyy: string): Promise<void> {
    await page.getByRole('textbox', { name: 'Fecha (DD/MM/AAAA)' }).fill(ddmmyyyy);
    await page.getByRole('button', { name: 'Ver', exact: true }).click();
    await page.locator('.critical-summary', { hasText: `Fecha: ${ddmmyyyy}` }).waitFor();
  }

  it('with nothing under its minimum it says so', async () => {
    const { page, context, cspViolations, consoleErrors } = await newPage(browser, dash, { role: 'clerk', path: '/critico' });
    try {
      await page.getByText('No hay productos bajo el mínimo').waitFor();
      expect(await page.getByRole('button', { name: 'Imprimir' }).count()).toBe(1);
      expect(await checkAxe(page)).toEqual([]);
      expect(cspViolations).toEqual([]);
      expect(consoleErrors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('a product sold below its seasonal minimum appears with its deficit, largest first', async () => {
    // min 10 × 1.5 = 15; 20 in, 13 out → 7 on hand: deficit 8.
    await product('E2E-CRIT-A', 'Yerba E2E crítica', '10', 20, 13);
    // min 4 × 1.5 = 6; 5 on hand: deficit 1.
    await product('E2E-CRIT-B', 'Azúcar E2E apenas crítica', '4', 5, 0);
    // min 2 × 1.5 = 3; 30 on hand: not critical.
    await product('E2E-CRIT-OK', 'Arroz E2E con stock', '2', 30, 0);

    const { page, context, cspViolations, consoleErrors } = await newPage(browser, dash, { role: 'clerk', width: 390, path: '/critico' });
    try {
      await page.getByRole('heading', { level: 1, name: 'Crítico' }).waitFor();
      await showDate(page, '15/01/2026'); // verano
      const rows = page.locator('tbody tr');
      await rows.first().waitFor();
      expect(await rows.count()).toBe(2);
      const first = ((await rows.nth(0).textContent()) ?? '').replace(/\s+/g, ' ');
      const cells = await rows.nth(0).locator('td').allTextContents();
      expect(first).toContain('E2E-CRIT-A');
      // SKU, producto, stock, mínimo, temporada, factor, mínimo ajustado, faltante.
      expect(cells.slice(0, 8)).toEqual(['E2E-CRIT-A', 'Yerba E2E crítica', '7 u.', '10 u.', 'Verano', '×1,5', '15 u.', '8 u.']);
      expect(await rows.nth(1).locator('td').nth(7).textContent()).toBe('1 u.');
      expect(await page.locator('tbody').textContent()).not.toContain('E2E-CRIT-OK');
      expect(await page.getByText('2 productos bajo el mínimo', { exact: false }).count()).toBe(1);

      // A clerk can go straight to receiving the missing stock.
      expect(await rows.nth(0).getByRole('link', { name: 'Registrar ingreso de Yerba E2E crítica' }).count()).toBe(1);

      expect(await horizontalOverflow(page)).toBeNull();
      expect(await checkAxe(page)).toEqual([]);
      await saveScreenshots(page, 'critico-lista');

      // In winter the factor is 0.5: 10 × 0.5 = 5 < 7 and 4 × 0.5 = 2 < 5, nothing is critical.
      await showDate(page, '15/07/2026');
      await page.getByText('No hay productos bajo el mínimo').waitFor();
      // A day that does not exist is refused at the field.
      await page.getByRole('textbox', { name: 'Fecha (DD/MM/AAAA)' }).fill('31/02/2026');
      await page.getByRole('button', { name: 'Ver', exact: true }).click();
      await page.getByText('Fecha inválida: use DD/MM/AAAA.').waitFor();

      expect(cspViolations).toEqual([]);
      expect(consoleErrors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('prints the list with its title, date and time zone, without navigation', async () => {
    const { page, context, cspViolations } = await newPage(browser, dash, { role: 'manager', path: '/critico' });
    try {
      await showDate(page, '15/01/2026');
      await page.locator('tbody tr').first().waitFor();
      const print = page.getByRole('button', { name: 'Imprimir' });
      expect(await print.isVisible()).toBe(true);
      await page.emulateMedia({ media: 'print' });
      expect(await page.locator('nav#main-nav').isVisible()).toBe(false);
      expect(await page.locator('header.topbar').isVisible()).toBe(false);
      expect(await print.isVisible()).toBe(false);
      const header = page.locator('.critical-print-header');
      expect(await header.isVisible()).toBe(true);
      const text = (await header.textContent()) ?? '';
      expect(text).toContain('Productos bajo el mínimo de temporada');
      expect(text).toContain('Fecha: 15/01/2026');
      expect(text).toContain('Temporada: Verano');
      expect(text).toContain('America/Argentina/Buenos_Aires');
      expect(await page.locator('tbody tr').count()).toBe(2);
      await page.emulateMedia({ media: 'screen' });
      expect(cspViolations).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
