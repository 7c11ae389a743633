// Productos in a real browser: create through the form, the API's 409 shown at the SKU field,
// a manager editing a price on a phone, what a clerk does not see, archive refused while there
// is stock, and the CSV export (semicolons, decimal comma, BOM, formula guard).
import fs from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { checkAxe, describeE2E, horizontalOverflow, newPage, openBrowser, saveScreenshots, startDashboard, type Dashboard } from './harness.ts';

const DUPLICATE_SKU_MESSAGE = 'Ya existe un producto activo con ese SKU.';

describeE2E('productos (browser)', () => {
  let dash: Dashboard;
  let browser: Browser;
  let supplierName: string;

  beforeAll(async () => {
    [dash, browser] = await Promise.all([startDashboard(), openBrowser()]);
    supplierName = 'Distribuidora E2E S.A.';
    const supplier = await dash.api('POST', '/suppliers', { name: supplierName, cuit: '30-70000001-6' });
    expect(supplier.status).toBe(201);
    const seeded = [
      { sku: 'E2E-EXIST', name: 'Yerba existente 1 kg', category: 'almacén', cost_price: '1500.00', sale_price: '2400.00' },
      { sku: 'E2E-PRICE', name: 'Galletitas para editar', category: 'almacén', cost_price: '500.00', sale_price: '800.00' },
      { sku: 'E2E-STOCK', name: 'Lavandina con stock', category: 'limpieza', cost_price: '900.00' },
      { sku: 'E2E-FORMULA', name: '=1+1 Producto; raro "x"', category: 'limpieza', cost_price: '10.50' },
    ];
    for (const p of seeded) {
      const res = await dash.api('POST', '/products', p);
      expect(res.status).toBe(201);
      if (p.sku === 'E2E-STOCK') {
        const moved = await dash.api('POST', '/stock/movements', { product_id: res.body.id, type: 'in', quantity: '3' });
        expect(moved.status).toBe(201);
      }
    }
  });

  afterAll(async () => {
    await browser?.close();
    await dash?.stop();
  });

  async function openProducts(role: 'admin' | 'manager' | 'clerk', width: 390 | 1280 = 1280) {
    const opened = await newPage(browser, dash, { role, width, path: '/productos' });
    await opened.page.getByRole('heading', { level: 1, name: 'Productos' }).waitFor();
    await opened.page.locator('tbody tr').first().waitFor();
    return opened;
  }

  /** The message shown under one field of the open dialog (its aria-describedby error). */
  async function fieldMessage(page: Page, label: string): Promise<string> {
    const input = page.getByRole('dialog').getByLabel(label).first();
    await input.and(page.locator('[aria-invalid="true"]')).waitFor();
    const ids = ((await input.getAttribute('aria-describedby')) ?? '').split(' ').filter((id) => id.endsWith('-error'));
    return (await page.locator(`[id="${ids[0]}"]`).textContent()) ?? '';
  }

  it('an admin creates a product through the form and sees it in the list', async () => {
    const { page, context, cspViolations, consoleErrors } = await openProducts('admin');
    try {
      await page.getByRole('button', { name: 'Nuevo producto' }).click();
      const dialog = page.getByRole('dialog', { name: 'Nuevo producto' });
      await dialog.getByLabel('SKU').fill('e2e-nuevo-1');
      await dialog.getByLabel('Nombre').fill('Aceite de oliva E2E 500 ml');
      await dialog.getByLabel('Categoría').fill('almacén');
      await dialog.getByLabel('Proveedor').selectOption({ label: supplierName });
      await dialog.getByLabel('Costo ($)').fill('4.321,50');
      await dialog.getByLabel('Precio de venta ($)').fill('6999,99');
      await dialog.getByLabel('Alícuota de IVA').selectOption('10.5');
      await dialog.getByLabel('Stock mínimo').fill('6');
      expect(await checkAxe(page)).toEqual([]);
      await dialog.getByRole('button', { name: 'Guardar' }).click();

      await page.getByRole('status').getByText('Producto E2E-NUEVO-1 creado.').waitFor();
      const row = page.locator('tbody tr', { hasText: 'E2E-NUEVO-1' });
      await row.waitFor();
      // Intl puts a no-break space after "$": compare with plain spaces.
      const rowText = ((await row.textContent()) ?? '').replace(/\s/g, ' ');
      expect(rowText).toContain('Aceite de oliva E2E 500 ml');
      expect(rowText).toContain('$ 4.321,50');
      expect(rowText).toContain('$ 6.999,99');

      // What the API stored: exact decimals, upper-cased SKU, the chosen supplier and rate.
      const stored = await dash.api('GET', '/products?sku=E2E-NUEVO-1');
      expect(stored.body.items[0]).toMatchObject({ cost_price: '4321.50', sale_price: '6999.99', vat_rate: '10.5', min_stock: '6' });

      // The search box finds it by name (debounced) and the filters narrow the list.
      await page.getByLabel('Buscar', { exact: true }).fill('oliva');
      await page.waitForURL(/q=oliva/);
      await page.locator('tbody tr', { hasText: 'Yerba existente' }).waitFor({ state: 'detached' });
      expect(await page.locator('tbody tr').count()).toBe(1);

      expect(await checkAxe(page)).toEqual([]);
      await saveScreenshots(page, 'productos');
      expect(cspViolations).toEqual([]);
      expect(consoleErrors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('a duplicate SKU shows the API message at the SKU field', async () => {
    const { page, context, cspViolations } = await openProducts('admin');
    try {
      await page.getByRole('button', { name: 'Nuevo producto' }).click();
      const dialog = page.getByRole('dialog', { name: 'Nuevo producto' });
      await dialog.getByLabel('SKU').fill('e2e-exist');
      await dialog.getByLabel('Nombre').fill('Otra yerba');
      await dialog.getByLabel('Categoría').fill('almacén');
      await dialog.getByLabel('Costo ($)').fill('100');
      await dialog.getByRole('button', { name: 'Guardar' }).click();

      expect(await fieldMessage(page, 'SKU')).toBe(DUPLICATE_SKU_MESSAGE);
      // The keyboard is put on the field to fix, the dialog stays open with what was typed.
      expect(await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.value)).toBe('E2E-EXIST');
      expect(await dialog.getByLabel('Nombre').inputValue()).toBe('Otra yerba');
      await dialog.getByText('Revise los campos marcados.').waitFor();
      expect(await checkAxe(page)).toEqual([]);
      await saveScreenshots(page, 'productos-sku-duplicado');
      expect(cspViolations).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('a manager edits a sale price on a phone', async () => {
    const { page, context, cspViolations, consoleErrors } = await openProducts('manager', 390);
    try {
      expect(await horizontalOverflow(page)).toBeNull();
      await page.getByRole('button', { name: 'Editar Galletitas para editar' }).click();
      const dialog = page.getByRole('dialog', { name: 'Editar producto E2E-PRICE' });
      const price = dialog.getByLabel('Precio de venta ($)');
      expect(await price.inputValue()).toBe('800,00');
      await price.fill('1234,56');
      await dialog.getByRole('button', { name: 'Guardar' }).click();
      await page.getByRole('status').getByText('Producto E2E-PRICE guardado.').waitFor();
      await page.locator('tbody tr', { hasText: 'E2E-PRICE' }).getByText('$ 1.234,56').waitFor();

      const stored = await dash.api('GET', '/products?sku=E2E-PRICE');
      expect(stored.body.items[0]).toMatchObject({ sale_price: '1234.56', cost_price: '500.00' });
      expect(await horizontalOverflow(page)).toBeNull();
      expect(cspViolations).toEqual([]);
      expect(consoleErrors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('a clerk sees the list but no create, edit or archive', async () => {
    const { page, context, cspViolations } = await openProducts('clerk', 390);
    try {
      await page.locator('tbody tr', { hasText: 'E2E-EXIST' }).waitFor();
      expect(await page.getByRole('button', { name: 'Nuevo producto' }).count()).toBe(0);
      expect(await page.getByRole('button', { name: /^Editar/ }).count()).toBe(0);
      expect(await page.getByRole('button', { name: /^Archivar/ }).count()).toBe(0);
      expect(await page.getByRole('button', { name: 'Exportar CSV' }).count()).toBe(1);
      expect(await horizontalOverflow(page)).toBeNull();
      expect(await checkAxe(page)).toEqual([]);
      await saveScreenshots(page, 'productos-clerk');
      expect(cspViolations).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('archiving a product with stock is refused with the reason', async () => {
    const { page, context } = await openProducts('admin');
    try {
      await page.getByRole('button', { name: 'Archivar Lavandina con stock' }).click();
      const dialog = page.getByRole('dialog', { name: 'Archivar producto' });
      await dialog.getByRole('button', { name: 'Sí, archivar' }).click();
      await dialog.getByRole('alert').getByText(/No se puede archivar: todavía tiene 3 u\. en stock/).waitFor();
      expect(await checkAxe(page)).toEqual([]);
      await dialog.getByRole('button', { name: 'Cerrar' }).first().click();
      const stored = await dash.api('GET', '/products?sku=E2E-STOCK');
      expect(stored.body.items[0].archived).toBe(false);
    } finally {
      await context.close();
    }
  });

  it('the CSV export downloads the filtered products for a spreadsheet in Spanish', async () => {
    const { page, context } = await openProducts('admin');
    try {
      await page.getByLabel('Categoría').selectOption('limpieza');
      await page.locator('tbody tr', { hasText: 'E2E-EXIST' }).waitFor({ state: 'detached' });
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Exportar CSV' }).click()]);
      expect(download.suggestedFilename()).toMatch(/^productos-\d{4}-\d{2}-\d{2}\.csv$/);
      const bytes = fs.readFileSync(await download.path());
      expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const lines = bytes.toString('utf8').slice(1).split('\r\n');
      expect(lines[0]).toBe('SKU;Nombre;Categoría;Unidad;Código de barras;Proveedor;Stock;Stock mínimo;Stock máximo;Costo;Precio de venta;IVA %;Archivado');
      expect(lines).toContain('E2E-STOCK;Lavandina con stock;limpieza;u.;;;3;0;;900,00;;21;No');
      // The leading = is neutralised and the ; and " inside the name are quoted.
      expect(lines).toContain(`E2E-FORMULA;"'=1+1 Producto; raro ""x""";limpieza;u.;;;0;0;;10,50;;21;No`);
      expect(lines.some((l) => l.startsWith('E2E-EXIST;'))).toBe(false);
      await page.getByRole('status').getByText('Se exportaron 2 productos.').waitFor();
    } finally {
      await context.close();
    }
  });
});
