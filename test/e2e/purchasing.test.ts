// Compras sugeridas in a real browser: suggestions grouped by supplier, editable quantities with
// validation, an order per supplier as CSV (only that supplier's lines, edited quantities) and as
// a printout of that supplier alone, and a product's forecast with its chart and band. The API
// cannot backdate sales, so here the suggestions come from the seasonal minimum (a fresh store
// has no sales history; the forecast itself is covered by test/integration/forecast.test.ts).
import fs from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { checkAxe, describeE2EEach, horizontalOverflow, newPage, openBrowser, saveScreenshots, startDashboard, type Dashboard } from './harness.ts';

describeE2EEach('compras sugeridas (browser)', (engine) => {
  let dash: Dashboard;
  let browser: Browser;

  beforeAll(async () => {
    [dash, browser] = await Promise.all([startDashboard({ engine }), openBrowser()]);
    // Known factors (1 all year), so the minimums do not depend on the day the test runs.
    const factors = await dash.api('PUT', '/stock/season-factors', {
      default: { verano: '1', otono: '1', invierno: '1', primavera: '1' },
      by_category: {},
    });
    expect(factors.status).toBe(200);
    const supplier = async (name: string, cuit: string, lead: number) => {
      const res = await dash.api('POST', '/suppliers', { name, cuit, lead_time_days: lead });
      expect(res.status).toBe(201);
      return res.body.id as string;
    };
    const norte = await supplier('Distribuidora Norte', '30-71234567-1', 3);
    const sur = await supplier('Almacenes del Sur', '20-12345678-6', 1);
    const product = async (sku: string, name: string, min: string, stock: number, supplierId: string | null, unit = 'unit') => {
      const res = await dash.api('POST', '/products', { sku, name, category: 'almacén', unit, cost_price: '100', min_stock: min, supplier_id: supplierId });
      expect(res.status).toBe(201);
      if (stock > 0) expect((await dash.api('POST', '/stock/movements', { product_id: res.body.id, type: 'in', quantity: String(stock) })).status).toBe(201);
    };
    await product('E2E-NOR-1', 'Yerba Norte', '12', 2, norte); // suggests 10
    await product('E2E-NOR-2', 'Azúcar Norte', '5', 1, norte); // suggests 4
    await product('E2E-SUR-1', 'Queso Sur', '2.5', 0, sur, 'kg'); // suggests 3 (whole kilos)
    await product('E2E-SUR-OK', 'Arroz con stock', '3', 50, sur); // nothing to order
    await product('E2E-SIN-1', 'Lavandina sin proveedor', '4', 1, null); // suggests 3
  });

  afterAll(async () => {
    await browser?.close();
    await dash?.stop();
  });

  it('groups the suggestions by supplier and exports one supplier’s edited order as CSV', async () => {
    const { page, context, cspViolations, consoleErrors } = await newPage(browser, dash, { role: 'clerk', width: 390, path: '/compras' });
    try {
      await page.getByRole('heading', { level: 1, name: 'Compras sugeridas' }).waitFor();
      const headings = page.getByRole('heading', { level: 2 });
      await headings.first().waitFor();
      expect(await headings.allInnerTexts()).toEqual(['Almacenes del Sur', 'Distribuidora Norte', 'Sin proveedor asignado']);
      await page.getByText('4 productos para pedir a 3 proveedores', { exact: false }).waitFor();
      expect(await page.locator('tbody').first().textContent()).not.toContain('Arroz con stock');

      const norte = page.getByRole('region', { name: 'Pedido sugerido a Distribuidora Norte' });
      const yerba = norte.getByRole('textbox', { name: 'Cantidad a pedir de Yerba Norte' });
      expect(await yerba.inputValue()).toBe('10');
      expect(await norte.getByRole('textbox', { name: 'Cantidad a pedir de Azúcar Norte' }).inputValue()).toBe('4');
      // Whole units only, with the message under the field.
      await yerba.fill('2,5');
      await page.getByText('Solo unidades enteras').waitFor();
      expect(await yerba.getAttribute('aria-invalid')).toBe('true');
      await yerba.fill('24');
      expect(await page.getByText('Solo unidades enteras').count()).toBe(0);
      // Weighed goods take grams.
      const queso = page.getByRole('textbox', { name: 'Cantidad a pedir de Queso Sur' });
      expect(await queso.inputValue()).toBe('3');
      await queso.fill('2,75');
      expect(await queso.getAttribute('aria-invalid')).toBeNull();

      expect(await horizontalOverflow(page)).toBeNull();
      expect(await checkAxe(page)).toEqual([]);
      await saveScreenshots(page, 'compras-sugeridas');

      const card = page.locator('section.supplier-order', { has: page.getByRole('heading', { name: 'Distribuidora Norte' }) });
      const [download] = await Promise.all([page.waitForEvent('download'), card.getByRole('button', { name: 'Descargar pedido (CSV)' }).click()]);
      expect(download.suggestedFilename()).toMatch(/^pedido-distribuidora-norte-\d{4}-\d{2}-\d{2}\.csv$/);
      const text = fs.readFileSync(await download.path(), 'utf8');
      const lines = text.replace(/^\uFEFF/, '').trimEnd().split('\r\n');
      expect(lines[0]).toBe('SKU;Producto;Unidad;Cantidad;Stock actual;Venta diaria;Punto de pedido;Sugerido');
      expect(lines.slice(1)).toEqual(['E2E-NOR-1;Yerba Norte;u.;24;2;0,000;12;10', 'E2E-NOR-2;Azúcar Norte;u.;4;1;0,000;5;4']);

      // "Volver a lo sugerido" puts the suggestion back.
      await card.getByRole('button', { name: 'Volver a lo sugerido' }).click();
      expect(await yerba.inputValue()).toBe('10');
      expect(cspViolations).toEqual([]);
      expect(consoleErrors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('prints one supplier’s order alone, with quantities as text and without navigation', async () => {
    const { page, context } = await newPage(browser, dash, { role: 'manager', path: '/compras' });
    try {
      const card = page.locator('section.supplier-order', { has: page.getByRole('heading', { name: 'Almacenes del Sur' }) });
      await card.waitFor();
      // window.print() would block headless Chromium; the page's own state is what decides.
      await page.evaluate(() => {
        window.print = () => undefined;
      });
      await card.getByRole('button', { name: 'Imprimir pedido' }).click();
      await page.emulateMedia({ media: 'print' });
      expect(await page.locator('nav#main-nav').isVisible()).toBe(false);
      expect(await page.locator('section.supplier-order:visible').count()).toBe(1);
      const printed = (await card.textContent()) ?? '';
      expect(printed).toContain('Pedido a Almacenes del Sur');
      expect(printed).toContain('CUIT 20-12345678-6');
      expect(printed).toContain('3 kg');
      expect(await card.locator('input').first().isVisible()).toBe(false);
      await page.emulateMedia({ media: 'screen' });
    } finally {
      await context.close();
    }
  });

  it('shows a product’s forecast with its chart and band', async () => {
    const { page, context, cspViolations, consoleErrors } = await newPage(browser, dash, { role: 'auditor', width: 1280, path: '/compras' });
    try {
      await page.getByRole('button', { name: 'Ver pronóstico de Yerba Norte' }).click();
      const dialog = page.getByRole('dialog', { name: 'Pronóstico de Yerba Norte' });
      await dialog.waitFor();
      await dialog.getByText('Modelo elegido: Sin historia').waitFor();
      await dialog.getByRole('img', { name: /demanda diaria pronosticada de Yerba Norte para los próximos 30 días/ }).waitFor();
      expect(await dialog.locator('canvas').count()).toBeGreaterThan(0);
      expect(await dialog.getByRole('region', { name: 'Pronóstico diario' }).locator('tbody tr').count()).toBe(30);
      expect(await checkAxe(page)).toEqual([]);
      await saveScreenshots(page, 'compras-pronostico');
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'hidden' });
      expect(cspViolations).toEqual([]);
      expect(consoleErrors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
