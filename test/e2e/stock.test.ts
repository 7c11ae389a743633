// Stock in a real browser: a clerk on a phone scans a barcode (types the code + Enter) to record a
// receipt and a sale; a double click and a retry after a lost answer each record ONE movement
// (one Idempotency-Key per submission); a sale larger than the stock shows the Spanish message
// with the on hand and records nothing; an auditor gets no movement form; a manager's physical
// count becomes adjustments.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { checkAxe, describeE2E, horizontalOverflow, newPage, openBrowser, saveScreenshots, startDashboard, type Dashboard } from './harness.ts';

describeE2E('stock (browser)', () => {
  let dash: Dashboard;
  let browser: Browser;
  let seq = 0;

  beforeAll(async () => {
    [dash, browser] = await Promise.all([startDashboard(), openBrowser()]);
  });

  afterAll(async () => {
    await browser?.close();
    await dash?.stop();
  });

  /** A unit product with a barcode and, optionally, stock received through the API. */
  async function product(name: string, onHand = 0): Promise<{ id: string; barcode: string; sku: string }> {
    seq += 1;
    const barcode = `77900000${String(seq).padStart(5, '0')}`;
    const sku = `E2E-STK-${seq}`;
    const res = await dash.api('POST', '/products', { sku, name, category: 'almacén', unit: 'unit', barcode, cost_price: '1000.00', min_stock: '2' });
    expect(res.status).toBe(201);
    if (onHand > 0) {
      const moved = await dash.api('POST', '/stock/movements', { product_id: res.body.id, type: 'in', quantity: String(onHand) });
      expect(moved.status).toBe(201);
    }
    return { id: res.body.id as string, barcode, sku };
  }

  async function onHand(productId: string): Promise<string> {
    const res = await dash.api('GET', `/stock/levels?product_id=${productId}`);
    expect(res.status).toBe(200);
    return (res.body.items as Array<{ on_hand: string }>)[0]?.on_hand ?? '0';
  }

  async function movements(productId: string): Promise<Array<{ type: string; quantity: string }>> {
    const res = await dash.api('GET', `/stock/movements?product_id=${productId}`);
    expect(res.status).toBe(200);
    return res.body.items;
  }

  /** Scans like a barcode reader: the code typed into the focused field, then Enter. */
  async function scan(page: Page, barcode: string, name: string): Promise<void> {
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('stock-barcode');
    await page.keyboard.type(barcode);
    await page.keyboard.press('Enter');
    await page.locator('.product-card').getByText(name).waitFor();
  }

  const quantityField = (page: Page) => page.getByRole('textbox', { name: /^Cantidad/ });
  const submitButton = (page: Page) => page.getByRole('button', { name: /^Registrar (ingreso|venta o salida|ajuste|transferencia)$/ });
  const confirmation = (page: Page) => page.locator('.move-result');

  it('a clerk on a phone records a receipt and a sale by scanning, and the on hand follows', async () => {
    const p = await product('Yerba E2E escaneada 1 kg');
    const { page, context, cspViolations, consoleErrors } = await newPage(browser, dash, { role: 'clerk', width: 390, path: '/stock' });
    try {
      await page.getByRole('heading', { level: 1, name: 'Stock' }).waitFor();
      await scan(page, p.barcode, 'Yerba E2E escaneada 1 kg');
      // After the scan the quantity has focus: type it and press Enter.
      await page.getByRole('radio', { name: 'Ingreso' }).check();
      await quantityField(page).fill('12');
      await quantityField(page).press('Enter');
      await expect.poll(() => confirmation(page).textContent()).toContain('Ingreso registrado: 12 u. de Yerba E2E escaneada 1 kg');
      expect(await confirmation(page).textContent()).toContain('0 u. → 12 u.');
      expect(await onHand(p.id)).toBe('12');
      expect(await quantityField(page).inputValue()).toBe('');

      // Ready for the next scan: the barcode field has focus again.
      await scan(page, p.barcode, 'Yerba E2E escaneada 1 kg');
      await page.getByRole('radio', { name: 'Venta o salida' }).check();
      await quantityField(page).fill('5');
      await quantityField(page).press('Enter');
      await expect.poll(() => confirmation(page).textContent()).toContain('Salida registrada: 5 u.');
      expect(await confirmation(page).textContent()).toContain('12 u. → 7 u.');
      expect(await onHand(p.id)).toBe('7');
      expect((await movements(p.id)).map((m) => [m.type, m.quantity])).toEqual([
        ['out', '-5'],
        ['in', '12'],
      ]);

      // A fractional quantity of a unit product is refused inline, before anything is sent.
      await quantityField(page).fill('1,5');
      await submitButton(page).click();
      await page.getByText('Este producto se cuenta por unidad: la cantidad debe ser entera.').waitFor();
      expect(await movements(p.id)).toHaveLength(2);

      expect(await horizontalOverflow(page)).toBeNull();
      expect(await checkAxe(page)).toEqual([]);
      await saveScreenshots(page, 'stock-movimiento');
      expect(cspViolations).toEqual([]);
      expect(consoleErrors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('a double click records one movement, and a retry after a lost answer reuses the key', async () => {
    const p = await product('Aceite E2E doble clic', 20);
    const { page, context, cspViolations } = await newPage(browser, dash, { role: 'clerk', path: '/stock' });
    try {
      await scan(page, p.barcode, 'Aceite E2E doble clic');
      await page.getByRole('radio', { name: 'Venta o salida' }).check();
      await quantityField(page).fill('1');
      await submitButton(page).dblclick();
      await expect.poll(() => confirmation(page).textContent()).toContain('20 u. → 19 u.');
      // Give a second request, had there been one, time to land.
      await page.waitForLoadState('networkidle');
      expect((await movements(p.id)).filter((m) => m.type === 'out')).toHaveLength(1);

      // The server records the sale but its answer never reaches the page.
      const keys: string[] = [];
      const replayed: string[] = [];
      let dropped = false;
      await page.route('**/api/v1/stock/movements', async (route) => {
        const request = route.request();
        if (request.method() !== 'POST') return route.continue();
        keys.push((await request.allHeaders())['idempotency-key'] ?? '');
        if (!dropped) {
          dropped = true;
          await route.fetch(); // the server handled it…
          return route.abort('connectionreset'); // …and the answer is lost
        }
        return route.continue();
      });
      page.on('response', (res) => {
        if (res.url().endsWith('/api/v1/stock/movements') && res.request().method() === 'POST') replayed.push(res.headers()['idempotent-replayed'] ?? '');
      });
      await quantityField(page).fill('2');
      await submitButton(page).click();
      await page.getByText('No hubo respuesta del servidor').waitFor();
      expect((await movements(p.id)).filter((m) => m.type === 'out')).toHaveLength(2); // it was recorded
      await page.getByRole('button', { name: 'Reintentar' }).click();
      await expect.poll(() => confirmation(page).textContent()).toContain('19 u. → 17 u.');

      expect(keys).toHaveLength(2);
      expect(keys[0]).not.toBe('');
      expect(keys[1]).toBe(keys[0]);
      expect(replayed).toEqual(['true']);
      const outs = (await movements(p.id)).filter((m) => m.type === 'out');
      expect(outs.map((m) => m.quantity)).toEqual(['-2', '-1']);
      expect(await onHand(p.id)).toBe('17');

      // The next submission is a new one: a new key, a new movement.
      await page.unroute('**/api/v1/stock/movements');
      await quantityField(page).fill('2');
      await submitButton(page).click();
      await expect.poll(() => confirmation(page).textContent()).toContain('17 u. → 15 u.');
      expect((await movements(p.id)).filter((m) => m.type === 'out')).toHaveLength(3);
      expect(cspViolations).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('a sale larger than the stock shows the on hand in Spanish and records nothing', async () => {
    const p = await product('Galletitas E2E escasas', 3);
    const { page, context, cspViolations } = await newPage(browser, dash, { role: 'clerk', path: '/stock' });
    try {
      await scan(page, p.barcode, 'Galletitas E2E escasas');
      await page.getByRole('radio', { name: 'Venta o salida' }).check();
      await quantityField(page).fill('5');
      await quantityField(page).press('Enter');
      const alert = page.getByRole('alert').filter({ hasText: 'No hay stock suficiente' });
      await alert.waitFor();
      expect(await alert.textContent()).toBe('No hay stock suficiente en Depósito principal (MAIN): hay 3 u. disponibles. No se registró nada.');
      expect(await onHand(p.id)).toBe('3');
      expect(await movements(p.id)).toHaveLength(1);
      expect(await checkAxe(page)).toEqual([]);

      // Stock arrives meanwhile; the same sale submitted again is a new attempt (not a replay
      // of the stored refusal) and goes through.
      expect((await dash.api('POST', '/stock/movements', { product_id: p.id, type: 'in', quantity: '4' })).status).toBe(201);
      await submitButton(page).click();
      await confirmation(page).getByText(/3 u\. → 2 u\.|7 u\. → 2 u\./).waitFor();
      expect(await onHand(p.id)).toBe('2');
      expect(cspViolations).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('an auditor sees levels and history but no movement form and no count submission', async () => {
    const p = await product('Lavandina E2E auditada', 4);
    const { page, context, cspViolations, consoleErrors } = await newPage(browser, dash, { role: 'auditor', path: '/stock?tab=movimiento' });
    try {
      await page.getByRole('heading', { level: 2, name: 'Stock por depósito' }).waitFor();
      expect(await page.getByRole('tab').allTextContents()).toEqual(['Niveles', 'Historial', 'Conteo físico']);
      expect(await page.getByLabel('Código de barras, nombre o SKU').count()).toBe(0);
      expect(await submitButton(page).count()).toBe(0);
      await page.locator('#stock-panel-niveles tbody tr', { hasText: p.sku }).getByText('4 u.').waitFor();

      await page.getByRole('tab', { name: 'Historial' }).click();
      await page.locator('#stock-panel-historial tbody tr', { hasText: p.sku }).getByText('+4').waitFor();
      await page.getByRole('tab', { name: 'Conteo físico' }).click();
      await page.getByText('Puede imprimir la planilla.', { exact: false }).waitFor();
      expect(await page.getByRole('button', { name: /^Registrar conteo/ }).count()).toBe(0);
      expect(await page.getByRole('button', { name: 'Imprimir planilla en blanco' }).count()).toBe(1);
      expect(await checkAxe(page)).toEqual([]);
      expect(cspViolations).toEqual([]);
      expect(consoleErrors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('a manager records a physical count and sees the resulting adjustment', async () => {
    const p = await product('Fideos E2E contados', 10);
    const { page, context, cspViolations } = await newPage(browser, dash, { role: 'manager', path: '/stock?tab=conteo' });
    try {
      await page.getByRole('heading', { level: 2, name: 'Conteo físico' }).waitFor();
      await page.getByRole('searchbox', { name: 'Filtrar productos' }).fill(p.sku);
      const counted = page.getByRole('textbox', { name: 'Contado de Fideos E2E contados' });
      await counted.fill('8');
      await page.locator('#stock-panel-conteo tbody tr', { hasText: p.sku }).getByText('−2').waitFor();
      await page.getByRole('button', { name: 'Registrar conteo (1 línea)' }).click();
      await page.getByText('Conteo registrado: 1 producto contado, 0 sin cambios, 1 ajuste.', { exact: false }).waitFor();
      const adjustments = await movements(p.id);
      expect(adjustments.filter((m) => m.type === 'adjust').map((m) => m.quantity)).toEqual(['-2']);
      expect(await onHand(p.id)).toBe('8');
      expect(await checkAxe(page)).toEqual([]);
      // Printed, the sheet is all there is: no tabs, no heading of the page, no inputs.
      await page.emulateMedia({ media: 'print' });
      expect(await page.locator('main .tabs').isVisible()).toBe(false);
      expect(await page.locator('main h1').isVisible()).toBe(false);
      expect(await page.locator('.sheet-header h2').textContent()).toBe('Planilla de conteo físico');
      expect(await page.locator('.sheet-header h2').isVisible()).toBe(true);
      expect(await counted.isVisible()).toBe(false);
      await page.emulateMedia({ media: 'screen' });
      expect(cspViolations).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
