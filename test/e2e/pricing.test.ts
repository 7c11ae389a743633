// Precios in a real browser: the reprice preview with old/new price and margin, filtered by
// category and to increases only; a product left out by unticking it; apply with confirmation
// and a reason; the shelf labels of the applied prices and a printout with only them; the
// settings form with percentages (and its inline errors); one product's history with who and
// why, and the runs list reopening a run's labels. A clerk has no Precios.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { checkAxe, describeE2EEach, horizontalOverflow, newPage, openBrowser, saveScreenshots, startDashboard, UI, type Dashboard } from './harness.ts';

const CATEGORY = 'e2e-precios';
/** Cell text with the narrow no-break space Intl puts after "$" made a plain space. */
const norm = (text: string | null) => (text ?? '').replace(/\s+/g, ' ').trim();

describeE2EEach('precios (browser)', (engine) => {
  let dash: Dashboard;
  let browser: Browser;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    [dash, browser] = await Promise.all([startDashboard({ engine }), openBrowser()]);
    const products = [
      // 1000 × 1.35 × 1.21 = 1633.50 → 1634 (an increase from 1500)
      { key: 'yerba', sku: 'E2E-PRE-1', name: 'Yerba E2E precios', cost_price: '1000', sale_price: '1500', vat_rate: '21', barcode: '7790000000011' },
      // 200 × 1.35 × 1.105 = 298.35 → 299 (a first price)
      { key: 'fideos', sku: 'E2E-PRE-2', name: 'Fideos E2E precios', cost_price: '200', vat_rate: '10.5' },
      // 500 × 1.35 × 1.21 = 816.75 → 817 (a decrease from 900)
      { key: 'galletitas', sku: 'E2E-PRE-3', name: 'Galletitas E2E precios', cost_price: '500', sale_price: '900', vat_rate: '21' },
      // Another category: 100 × 1.35 × 1.21 = 163.35 → 164
      { key: 'jabon', sku: 'E2E-PRE-4', name: 'Jabón E2E otra categoría', cost_price: '100', sale_price: '150', vat_rate: '21', category: 'e2e-limpieza' },
    ];
    for (const { key, ...p } of products) {
      const res = await dash.api('POST', '/products', { category: CATEGORY, unit: 'unit', ...p });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      ids[key] = res.body.id;
    }
  });

  afterAll(async () => {
    await browser?.close();
    await dash?.stop();
  });

  const row = (page: Page, name: string) => page.locator('.pricing-table tbody tr', { hasText: name });
  const salePrice = async (key: string) => (await dash.api('GET', `/products/${ids[key]}`)).body.sale_price as string | null;

  it('previews, filters, applies the ticked changes with a reason, and prints their shelf labels', async () => {
    const { page, context, cspViolations, consoleErrors } = await newPage(browser, dash, { role: 'manager', path: '/precios' });
    try {
      await page.getByRole('heading', { level: 1, name: 'Precios' }).waitFor();
      await row(page, 'Yerba E2E precios').waitFor();
      // Producto, categoría, actual, nuevo, variación, costo, último costo, días, reposición, márgenes.
      const cells = (await row(page, 'Yerba E2E precios').locator('td').allTextContents()).map(norm);
      expect(cells.slice(2, 6)).toEqual([CATEGORY, '$ 1.500,00', '$ 1.634,00', '+8,93 %']);
      expect(cells[6]).toBe('$ 1.000,00');
      expect(cells.slice(8, 12)).toEqual(['0', '$ 1.000,00', '19,33 %', '25,95 %']);
      expect(await row(page, 'Fideos E2E precios').locator('td').nth(3).textContent()).toBe('sin precio');

      await page.getByLabel('Categoría', { exact: true }).selectOption(CATEGORY);
      expect(await page.locator('.pricing-table tbody tr').count()).toBe(3);
      expect(await row(page, 'Jabón E2E').count()).toBe(0);
      await page.getByLabel('Solo aumentos').check();
      expect(await page.locator('.pricing-table tbody tr').count()).toBe(2);
      expect(await row(page, 'Galletitas E2E precios').count()).toBe(0);
      // Leave the first price of the fideos for later.
      await page.getByRole('checkbox', { name: 'Aplicar el cambio de Fideos E2E precios' }).uncheck();
      await page.getByText('1 de 2 seleccionados', { exact: false }).waitFor();

      expect(await horizontalOverflow(page)).toBeNull();
      expect(await checkAxe(page)).toEqual([]);
      await saveScreenshots(page, 'precios-vista-previa');

      await page.getByRole('button', { name: 'Aplicar 1 cambio…' }).click();
      const dialog = page.getByRole('dialog', { name: 'Confirmar el reprecio' });
      await dialog.getByLabel('Motivo (opcional)').fill('Lista nueva E2E');
      expect(await checkAxe(page)).toEqual([]);
      await dialog.getByRole('button', { name: 'Aplicar los cambios' }).click();
      await page.getByText('Se aplicó 1 cambio de precio.').waitFor();

      const labels = page.locator('.shelf-label');
      await labels.first().waitFor();
      expect(await labels.count()).toBe(1);
      const label = norm(await labels.first().textContent());
      expect(label).toContain('Yerba E2E precios');
      expect(label).toContain('$ 1.634,00');
      expect(label).toContain('IVA contenido (21 %): $ 283,59');
      expect(label).toContain('E2E-PRE-1 · 7790000000011');
      expect(await salePrice('yerba')).toBe('1634.00');
      expect(await salePrice('fideos')).toBeNull();
      expect(await salePrice('galletitas')).toBe('900.00');
      await saveScreenshots(page, 'precios-etiquetas');

      // On paper: the labels only — no navigation, tabs, preview or buttons.
      await page.emulateMedia({ media: 'print' });
      expect(await page.locator('nav#main-nav').isVisible()).toBe(false);
      expect(await page.getByRole('tablist').isVisible()).toBe(false);
      expect(await page.locator('.pricing-table').isVisible()).toBe(false);
      expect(await page.getByRole('button', { name: 'Imprimir etiquetas' }).isVisible()).toBe(false);
      expect(await labels.first().isVisible()).toBe(true);
      await page.emulateMedia({ media: 'screen' });

      await page.getByRole('button', { name: 'Cerrar etiquetas' }).click();
      expect(await labels.count()).toBe(0);
      expect(cspViolations).toEqual([]);
      expect(consoleErrors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('edits the settings as percentages and shows errors at the field', async () => {
    const { page, context, cspViolations, consoleErrors } = await newPage(browser, dash, { role: 'admin', width: 390, path: '/precios?tab=parametros' });
    try {
      const rate = page.getByLabel('Inflación mensual supuesta (%)');
      await rate.waitFor();
      expect(await rate.inputValue()).toBe('4,5');
      expect(await page.getByLabel('Margen por defecto (%)').inputValue()).toBe('35');
      await page.getByText('Equivale a 69,59 % anual.').waitFor();

      await rate.fill('abc');
      await page.getByRole('button', { name: 'Guardar parámetros' }).click();
      await page.getByText('Escriba un porcentaje, por ejemplo 4,5.').waitFor();
      await rate.fill('150');
      await page.getByRole('button', { name: 'Guardar parámetros' }).click();
      // The API's own message, under the field it names.
      await page.getByText('la inflación mensual va de 0 a 1', { exact: false }).waitFor();

      await rate.fill('5,5');
      await page.getByLabel('Redondeo del precio (hacia arriba)').selectOption('10');
      await page.getByRole('button', { name: 'Agregar categoría' }).click();
      await page.getByLabel('Categoría de la fila 1').fill('E2E-Limpieza');
      await page.getByLabel('Margen (%) de la fila 1').fill('50');
      expect(await checkAxe(page)).toEqual([]);
      await page.getByRole('button', { name: 'Guardar parámetros' }).click();
      await page.getByText('Parámetros guardados.').waitFor();
      expect((await dash.api('GET', '/pricing/settings')).body).toEqual({
        monthly_inflation_rate: '0.055',
        markup_by_category: { 'e2e-limpieza': '0.5' },
        default_markup: '0.35',
        rounding: '10',
      });
      expect(await horizontalOverflow(page)).toBeNull();
      await saveScreenshots(page, 'precios-parametros');

      // The preview follows: 100 × 1.5 × 1.21 = 181.50 → 190 with rounding to $ 10.
      await page.getByRole('tab', { name: 'Reprecio' }).click();
      await row(page, 'Jabón E2E otra categoría').waitFor();
      expect(norm(await row(page, 'Jabón E2E otra categoría').locator('td').nth(4).textContent())).toBe('$ 190,00');
      expect(cspViolations).toEqual([]);
      // The refused save above is the one expected failed request.
      expect(consoleErrors.filter((e) => !/status of 400 .*\/api\/v1\/pricing\/settings/.test(e))).toEqual([]);
    } finally {
      await dash.api('PUT', '/pricing/settings', { monthly_inflation_rate: '0.045', markup_by_category: {}, default_markup: '0.35', rounding: '1' });
      await context.close();
    }
  });

  it("shows a product's history with who and why, and reopens a run's labels", async () => {
    const { page, context, cspViolations, consoleErrors } = await newPage(browser, dash, { role: 'manager', path: '/precios?tab=historial' });
    try {
      await page.getByLabel('Producto (nombre, SKU o código)').fill('E2E-PRE-1');
      await page.getByRole('button', { name: 'Buscar', exact: true }).click();
      const history = page.getByRole('region', { name: 'Historial de precios del producto' });
      await history.locator('tbody tr').nth(1).waitFor();
      const rows = history.locator('tbody tr');
      expect(await rows.count()).toBe(2);
      const latest = (await rows.nth(0).locator('td').allTextContents()).slice(1).map(norm);
      expect(latest).toEqual(['$ 1.500,00', '$ 1.634,00', '+8,93 %', 'Reprecio', `${dash.users.manager.username} (usted)`, 'Lista nueva E2E']);
      expect((await rows.nth(1).locator('td').allTextContents()).slice(1, 5).map(norm)).toEqual(['—', '$ 1.500,00', '—', 'Alta del producto']);
      expect(norm(await page.locator('.quote-line strong').textContent())).toBe('Precio actual $ 1.634,00 · sugerido hoy $ 1.634,00');

      const runs = page.getByRole('region', { name: 'Reprecios aplicados' });
      await runs.locator('tbody tr').first().waitFor();
      expect((await runs.locator('tbody tr').first().locator('td').allTextContents()).slice(1, 6)).toEqual([
        'Manual',
        'Todas',
        '1',
        `${dash.users.manager.username} (usted)`,
        'Lista nueva E2E',
      ]);
      await runs.getByRole('button', { name: /^Etiquetas del reprecio del / }).first().click();
      await page.locator('.shelf-label', { hasText: 'Yerba E2E precios' }).waitFor();
      expect(await checkAxe(page)).toEqual([]);
      await saveScreenshots(page, 'precios-historial');
      expect(cspViolations).toEqual([]);
      expect(consoleErrors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('is not offered to a clerk, and its address says so', async () => {
    const { page, context } = await newPage(browser, dash, { role: 'clerk' });
    try {
      expect(await page.locator(UI.nav).getByRole('link', { name: 'Precios' }).count()).toBe(0);
      await page.goto('/precios');
      await page.getByRole('heading', { level: 1, name: UI.forbidden }).waitFor();
    } finally {
      await context.close();
    }
  });
});
