// Facturas in a real browser: a PDF invoice (text layer + a real AFIP QR) uploaded through the
// file input fills the header from the QR and is drawn beside it by pdf.js; a line is mapped to a
// product by search, another gets a product created from it; confirming (with its dialog, into a
// location chosen there) raises the stock of that location; the same invoice
// again is refused as a duplicate (409), a QR-only image as incomplete (422). A clerk uploads a
// PNG with the QR and sees the header but no way to edit or confirm; a file that is not an
// invoice (picked or dropped) shows the API's refusal in Spanish; a header corrected by hand, a
// line typed in, the status filter and "Cargar más". axe, CSP and screenshots at 390 and 1280.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { validCuit } from '../helpers/fixtures.ts';
import { invoiceImage, invoicePdf, qrUrlOf, type FixtureInvoice } from '../helpers/invoice-fixtures.ts';
import { checkAxe, describeE2EEach, horizontalOverflow, newPage, openBrowser, saveScreenshots, settle, startDashboard, type Dashboard } from './harness.ts';

const SUPPLIER_CUIT = validCuit(77);
const INVOICE: FixtureInvoice = {
  letter: 'A',
  pointOfSale: 3,
  number: 1234,
  date: '2026-03-02',
  issuerCuit: SUPPLIER_CUIT,
  issuerName: 'Distribuidora E2E Facturas SA',
  cae: '74123456789012',
  lines: [
    { code: 'YER-01', description: 'Yerba mate suave 1 kg', quantity: '12', price: '2000' },
    { code: 'DDL-05', description: 'Dulce de leche repostero 400 g', quantity: '6', price: '1500' },
  ],
};
const PNG_INVOICE: FixtureInvoice = { ...INVOICE, number: 5678, lines: [{ description: 'Varios', quantity: '1', price: '1000' }] };

const norm = (text: string | null) => (text ?? '').replace(/\s+/g, ' ').trim();

describeE2EEach('facturas (browser)', (engine) => {
  let dash: Dashboard;
  let browser: Browser;
  let pdf: Buffer;
  let png: Buffer;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    [dash, browser, pdf, png] = await Promise.all([startDashboard({ engine }), openBrowser(), invoicePdf(INVOICE), invoiceImage(qrUrlOf(PNG_INVOICE), 'png')]);
    const supplier = await dash.api('POST', '/suppliers', { name: INVOICE.issuerName, cuit: SUPPLIER_CUIT, lead_time_days: 2 });
    expect(supplier.status, JSON.stringify(supplier.body)).toBe(201);
    // Named unlike the invoice's line: it is found by searching, not matched by itself.
    const product = await dash.api('POST', '/products', { sku: 'E2E-FAC-1', name: 'Infusión verde Playadito', category: 'almacén', cost_price: '1800', sale_price: '3000' });
    expect(product.status, JSON.stringify(product.body)).toBe(201);
    ids.yerba = product.body.id;
    // A second location: the invoice's goods go there, chosen in the confirmation dialog.
    const back = await dash.api('POST', '/locations', { code: 'FONDO', name: 'Depósito del fondo' });
    expect(back.status, JSON.stringify(back.body)).toBe(201);
    ids.fondo = back.body.id;
  });

  afterAll(async () => {
    await browser?.close();
    await dash?.stop();
  });

  const lineRow = (page: Page, n: number) => page.locator('.lines-table tbody tr').nth(n - 1);

  async function uploadFile(page: Page, name: string, mimeType: string, buffer: Buffer) {
    await page.getByLabel('Archivo de la factura').setInputFiles({ name, mimeType, buffer });
  }

  it('uploads a PDF, fills the header from the QR, maps and creates products, confirms into stock', async () => {
    const { page, context, cspViolations, consoleErrors } = await newPage(browser, dash, { role: 'manager', path: '/facturas' });
    // pdf.js says so on the console when it falls back (no real worker, a font it could not load).
    const pdfWarnings: string[] = [];
    page.on('console', (msg) => {
      if (/warning|worker|font/i.test(msg.text())) pdfWarnings.push(msg.text());
    });
    const loaded: string[] = [];
    page.on('requestfinished', (request) => loaded.push(new URL(request.url()).pathname));
    try {
      await page.getByRole('heading', { level: 1, name: 'Facturas' }).waitFor();
      await page.getByText('No hay facturas esperando revisión.').waitFor();
      expect(await checkAxe(page)).toEqual([]);
      await saveScreenshots(page, 'facturas-lista-vacia');

      await uploadFile(page, 'factura.pdf', 'application/pdf', pdf);
      await page.getByRole('heading', { level: 1, name: 'Factura A 00003-00001234' }).waitFor({ timeout: 20_000 });

      // The header comes from the QR: the official data, marked as such.
      const cuit = page.getByLabel('CUIT del emisor');
      expect(await cuit.inputValue()).toBe(SUPPLIER_CUIT);
      expect(await page.getByLabel('Total', { exact: true }).inputValue()).toBe('39930,00');
      expect(await page.getByLabel('Fecha de emisión').inputValue()).toBe('2026-03-02');
      expect(norm(await page.locator('.field', { has: cuit }).locator('.hint').textContent())).toBe('QR de AFIP (dato oficial)');
      expect(norm(await page.locator('.invoice-warnings').textContent())).toContain('Renglón sin producto');
      // The PDF itself, drawn by pdf.js beside the fields (fetched through the API, not framed).
      expect(await page.locator('img[alt="Imagen de la factura cargada"]').count()).toBe(0);
      await page.getByRole('link', { name: 'Descargar el original' }).waitFor();
      await page.locator('.pdf-canvas-box.drawn').waitFor({ timeout: 15_000 });
      const canvas = page.getByRole('img', { name: 'Vista previa de la factura en PDF, página 1 de 1' });
      expect(await canvas.isVisible()).toBe(true);
      const drawn = await page.evaluate(() => {
        const c = document.querySelector<HTMLCanvasElement>('canvas.pdf-canvas')!;
        const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
        let dark = 0;
        for (let i = 0; i < data.length; i += 4) if (data[i]! + data[i + 1]! + data[i + 2]! < 240 && data[i + 3]! > 200) dark++;
        return { dark, pixels: c.width * c.height, cssWidth: c.getBoundingClientRect().width, boxWidth: c.parentElement!.clientWidth };
      });
      // Text and the QR: a few percent of the page is ink; a blank or all-black canvas is not.
      // A real worker from our origin, and the font the PDF names without embedding it (Helvetica).
      expect(pdfWarnings).toEqual([]);
      expect(loaded.filter((p) => /^\/assets\/(pdf\.worker\.min-[\w-]+\.mjs|LiberationSans-Regular-[\w-]+\.ttf)$/.test(p))).toHaveLength(2);
      expect(drawn.dark).toBeGreaterThan(drawn.pixels * 0.005);
      expect(drawn.dark).toBeLessThan(drawn.pixels * 0.5);
      expect(Math.abs(drawn.cssWidth - drawn.boxWidth)).toBeLessThanOrEqual(1);
      // Enlarged to read small print: drawn again, wider than its box (which scrolls).
      await page.getByRole('button', { name: 'Ampliar' }).click();
      await page.getByText('150 %').waitFor();
      await page.locator('.pdf-canvas-box.drawn').waitFor();
      const zoomed = await page.evaluate(() => {
        const c = document.querySelector<HTMLCanvasElement>('canvas.pdf-canvas')!;
        return c.getBoundingClientRect().width / c.parentElement!.clientWidth;
      });
      expect(zoomed).toBeGreaterThan(1.45);
      await page.getByRole('button', { name: 'Reducir' }).click();
      await page.getByText('Al ancho').waitFor();

      // Two lines read from the text layer, neither matched.
      expect(await page.locator('.lines-table tbody tr').count()).toBe(2);
      expect(norm(await lineRow(page, 1).textContent())).toContain('Yerba mate suave 1 kg');
      expect(await page.getByRole('button', { name: 'Confirmar factura…' }).isVisible()).toBe(true);
      expect(await horizontalOverflow(page)).toBeNull();
      expect(await checkAxe(page)).toEqual([]);
      await saveScreenshots(page, 'facturas-revision');

      // Line 1 → an existing product, found by searching.
      await page.getByRole('button', { name: 'Buscar producto para el renglón 1' }).click();
      const search = page.getByRole('dialog', { name: 'Producto del renglón 1' });
      await search.getByLabel('Nombre, SKU o código de barras').fill('playadito');
      await search.getByRole('button', { name: 'Buscar', exact: true }).click();
      const found = search.getByRole('button', { name: /^Infusión verde Playadito/ });
      await found.waitFor();
      await search.getByText('1 producto encontrado.').waitFor();
      expect(await checkAxe(page)).toEqual([]);
      await found.click();
      await page.getByText('Renglón 1: Infusión verde Playadito.').waitFor();
      await lineRow(page, 1).locator('.product-cell').getByText('Infusión verde Playadito (E2E-FAC-1)').waitFor();

      // Line 2 → a product created from it (name, cost prefilled from the line).
      await page.getByRole('button', { name: 'Crear producto para el renglón 2' }).click();
      const create = page.getByRole('dialog', { name: 'Producto nuevo para el renglón 2' });
      expect(await create.getByLabel('Nombre').inputValue()).toBe('Dulce de leche repostero 400 g');
      expect(await create.getByLabel('Costo sin IVA').inputValue()).toBe('1500,00');
      await create.getByLabel('SKU').fill('E2E-FAC-2');
      await create.getByLabel('Categoría').fill('lácteos');
      expect(await checkAxe(page)).toEqual([]);
      await create.getByRole('button', { name: 'Crear y asignar' }).click();
      await page.getByText('Se creó Dulce de leche repostero 400 g y se asignó al renglón 2.').waitFor();
      const created = await dash.api('GET', '/products?sku=E2E-FAC-2');
      ids.dulce = created.body.items[0].id;
      expect(norm(await page.locator('.invoice-warnings').textContent())).not.toContain('Renglón sin producto');

      // Confirm, through the dialog, into the second location (MAIN is the default).
      await page.getByRole('button', { name: 'Confirmar factura…' }).click();
      const dialog = page.getByRole('dialog', { name: 'Confirmar la factura' });
      expect(norm(await dialog.textContent())).toContain('2 entradas de stock en el depósito que elija');
      const where = dialog.getByLabel('Depósito donde ingresa la mercadería');
      expect(norm(await where.locator('option:checked').textContent())).toBe('Depósito principal (MAIN)');
      await where.selectOption({ label: 'Depósito del fondo (FONDO)' });
      expect(await checkAxe(page)).toEqual([]);
      await dialog.getByRole('button', { name: 'Confirmar e ingresar stock' }).click();
      await page.getByText('Factura confirmada: la mercadería ingresó al stock de Depósito del fondo (FONDO).').waitFor();
      expect(await page.getByRole('button', { name: 'Confirmar factura…' }).count()).toBe(0);
      await saveScreenshots(page, 'facturas-confirmada');

      const yerba = await dash.api('GET', `/products/${ids.yerba}`);
      expect(yerba.body.on_hand).toMatch(/^12(\.0+)?$/);
      expect(yerba.body.cost_price).toBe('2000.00');
      const dulce = await dash.api('GET', `/products/${ids.dulce}`);
      expect(dulce.body.on_hand).toMatch(/^6(\.0+)?$/);
      // All of it in the chosen location, none in MAIN.
      const levels = await dash.api('GET', `/stock/levels?product_id=${ids.yerba}`);
      const nonZero = levels.body.items.filter((l: { on_hand: string }) => Number(l.on_hand) !== 0);
      expect(nonZero.map((l: { location_id: string; on_hand: string }) => [l.location_id, Number(l.on_hand)])).toEqual([[ids.fondo, 12]]);

      // The same invoice again: its lines map by the learned supplier codes; confirming is refused.
      await page.getByRole('button', { name: 'Volver a las facturas' }).click();
      await page.getByRole('heading', { level: 2, name: 'Confirmadas' }).waitFor();
      expect(norm(await page.locator('.invoice-section', { hasText: 'Confirmadas' }).locator('tbody').textContent())).toContain('A 00003-00001234');
      // The status filter: only the confirmed ones.
      await page.getByLabel('Estado').selectOption('confirmed');
      await page.waitForURL(/estado=confirmed/);
      expect(await page.getByRole('heading', { level: 2, name: 'Para revisar' }).count()).toBe(0);
      await page.getByLabel('Estado').selectOption('all');
      await page.getByRole('heading', { level: 2, name: 'Para revisar' }).waitFor();
      await uploadFile(page, 'otra-vez.pdf', 'application/pdf', pdf);
      await page.getByRole('heading', { level: 1, name: 'Factura A 00003-00001234' }).waitFor({ timeout: 20_000 });
      await page.getByText('Archivo repetido').waitFor();
      await page.getByRole('button', { name: 'Confirmar factura…' }).click();
      await page.getByRole('dialog', { name: 'Confirmar la factura' }).getByRole('button', { name: 'Confirmar e ingresar stock' }).click();
      await page.getByText('Esta factura ya fue confirmada antes', { exact: false }).waitFor();
      await page.getByRole('button', { name: 'Ver la factura confirmada' }).waitFor();
      expect((await dash.api('GET', `/products/${ids.yerba}`)).body.on_hand).toMatch(/^12(\.0+)?$/);

      expect(cspViolations).toEqual([]);
      expect(consoleErrors.filter((e) => !/status of 409/.test(e))).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('a clerk takes a photo with the phone camera and sees the header from its QR, but cannot edit or confirm', async () => {
    const { page, context, cspViolations, consoleErrors } = await newPage(browser, dash, { role: 'clerk', width: 390, path: '/facturas' });
    try {
      await page.getByRole('heading', { level: 1, name: 'Facturas' }).waitFor();
      // On a phone this input opens the rear camera (capture="environment") instead of the file picker.
      const camera = page.getByLabel('Foto de la factura con la cámara');
      expect(await camera.getAttribute('capture')).toBe('environment');
      expect(await camera.getAttribute('accept')).toContain('image/*');
      await camera.setInputFiles({ name: 'foto.png', mimeType: 'image/png', buffer: png });
      await page.getByRole('heading', { level: 1, name: 'Factura A 00003-00005678' }).waitFor({ timeout: 20_000 });
      const facts = norm(await page.locator('.header-facts').textContent());
      expect(facts).toContain(SUPPLIER_CUIT);
      expect(facts).toContain('QR de AFIP (dato oficial)');
      expect(facts).toContain('$ 1.210,00');
      await page.getByText('Solo la administración o el encargado pueden corregir y confirmar la factura.').waitFor();
      const image = page.locator('img[alt="Imagen de la factura cargada"]');
      await image.waitFor();
      await page.waitForFunction(() => {
        const img = document.querySelector<HTMLImageElement>('.document-image img');
        return Boolean(img?.complete && img.naturalWidth > 0);
      });
      expect(await page.getByRole('button', { name: 'Confirmar factura…' }).count()).toBe(0);
      expect(await page.getByRole('button', { name: 'Guardar encabezado' }).count()).toBe(0);
      await settle(page);
      expect(await horizontalOverflow(page)).toBeNull();
      expect(await checkAxe(page)).toEqual([]);
      await saveScreenshots(page, 'facturas-foto-deposito');
      expect(cspViolations).toEqual([]);
      expect(consoleErrors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('shows the refusal of a file that is not an invoice in Spanish, and a draft that is not ready as incomplete', async () => {
    const { page, context, cspViolations, consoleErrors } = await newPage(browser, dash, { role: 'admin', width: 390, path: '/facturas' });
    try {
      await page.getByRole('heading', { level: 1, name: 'Facturas' }).waitFor();
      await uploadFile(page, 'notas.txt', 'text/plain', Buffer.from('esto no es una factura'));
      const refusal = page.getByRole('alert').filter({ hasText: 'Ese archivo no es una factura que se pueda leer: use un PDF, PNG o JPEG.' });
      await refusal.waitFor();
      expect(await checkAxe(page)).toEqual([]);
      await saveScreenshots(page, 'facturas-archivo-invalido');

      // Dropped on the upload area instead: the same file, the same answer.
      await page.evaluate(() => {
        const data = new DataTransfer();
        data.items.add(new File(['tampoco es una factura'], 'otra.txt', { type: 'text/plain' }));
        document.querySelector('.dropzone')!.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
      });
      await refusal.waitFor();

      // The clerk's photo, listed among the drafts: no lines were read from it (no OCR yet), so it is not ready.
      const drafts = page.locator('.invoice-section', { hasText: 'Para revisar' });
      await drafts.getByRole('link', { name: 'A 00003-00005678' }).click();
      await page.getByRole('heading', { level: 1, name: 'Factura A 00003-00005678' }).waitFor();
      await page.getByRole('button', { name: 'Confirmar factura…' }).click();
      await page.getByRole('dialog', { name: 'Confirmar la factura' }).getByRole('button', { name: 'Confirmar e ingresar stock' }).click();
      await page.getByText('La factura no se puede confirmar todavía. Corrija:').waitFor();
      expect(await checkAxe(page)).toEqual([]);
      await saveScreenshots(page, 'facturas-incompleta');

      // Typed by hand: a line added, its amount computed by the API.
      await page.getByRole('button', { name: 'Agregar renglón' }).click();
      const add = page.getByRole('dialog', { name: 'Renglón nuevo (1)' });
      await add.getByLabel('Descripción').fill('Varios E2E');
      await add.getByLabel('Cantidad').fill('2');
      await add.getByLabel('Precio unitario').fill('500');
      await add.getByLabel('Importe').fill('');
      expect(await checkAxe(page)).toEqual([]);
      await add.getByRole('button', { name: 'Guardar renglón' }).click();
      await page.getByText('Renglón 1 agregado.').waitFor();

      // The header corrected by hand: a bad CUIT is refused at its field, then saved.
      await page.getByLabel('Razón social del emisor').fill('Distribuidora corregida E2E');
      await page.getByLabel('CUIT del emisor').fill('30-12345678-0');
      await page.getByRole('button', { name: 'Guardar encabezado' }).click();
      await page.locator('.field', { has: page.getByLabel('CUIT del emisor') }).locator('.field-error').waitFor();
      await page.getByLabel('CUIT del emisor').fill(SUPPLIER_CUIT);
      await page.getByRole('button', { name: 'Guardar encabezado' }).click();
      await page.getByText('Encabezado guardado.').waitFor();
      expect(norm(await page.locator('.field', { has: page.getByLabel('Razón social del emisor') }).locator('.hint').textContent())).toBe('Manual');
      expect(norm(await lineRow(page, 1).textContent())).toContain('$ 1.000,00');
      expect(norm(await page.locator('.invoice-warnings').textContent())).not.toContain('Sin renglones');
      expect(cspViolations).toEqual([]);
      expect(consoleErrors.filter((e) => !/status of (400|422)/.test(e))).toEqual([]);
    } finally {
      await context.close();
    }
  });
  it('pages the list with "Cargar más"', async () => {
    // Typed-in drafts (JSON, no file), more than one page of 25.
    for (let i = 0; i < 26; i++) {
      const res = await dash.api('POST', '/invoices', { header: { letter: 'C', point_of_sale: 9, number: 100 + i, issuer_cuit: SUPPLIER_CUIT } });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    }
    const { page, context, cspViolations, consoleErrors } = await newPage(browser, dash, { role: 'manager', width: 390, path: '/facturas?estado=draft' });
    try {
      const rows = page.locator('.invoice-section', { hasText: 'Para revisar' }).locator('tbody tr');
      await rows.first().waitFor();
      expect(await rows.count()).toBe(25);
      await page.getByRole('button', { name: 'Cargar más' }).click();
      await page.waitForFunction(() => document.querySelectorAll('.invoice-section tbody tr').length > 25);
      expect(await rows.count()).toBeGreaterThanOrEqual(28);
      expect(await page.getByRole('heading', { level: 2, name: 'Confirmadas' }).count()).toBe(0);
      expect(await horizontalOverflow(page)).toBeNull();
      expect(await checkAxe(page)).toEqual([]);
      expect(cspViolations).toEqual([]);
      expect(consoleErrors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
