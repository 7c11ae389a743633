// Clientes in a real browser: a manager registers a customer (a duplicate document is flagged at
// its field), finds it by the exact document (a partial number finds nothing, by design), opens
// "Ver datos" — told before and after that the access is audited in their name — and the read is
// in the audit trail; closing the panel hides the data again. The list shows masked names only,
// in the page and in what the API sent.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { checkAxe, describeE2E, horizontalOverflow, newPage, openBrowser, saveScreenshots, startDashboard, type Dashboard } from './harness.ts';

const NAME = 'Valeria Quiroga Ibarra';
const DOC = '27.654.321';

describeE2E('clientes (browser)', () => {
  let dash: Dashboard;
  let browser: Browser;

  beforeAll(async () => {
    [dash, browser] = await Promise.all([startDashboard(), openBrowser()]);
    const seeded = await dash.api('POST', '/customers', { name: 'Martín Ledesma', doc_type: 'DNI', doc_number: '30111222', email: 'martin@example.com' });
    expect(seeded.status).toBe(201);
  });

  afterAll(async () => {
    await browser?.close();
    await dash?.stop();
  });

  async function openCustomers(width: 390 | 1280 = 1280) {
    const opened = await newPage(browser, dash, { role: 'manager', width, path: '/clientes' });
    await opened.page.getByRole('heading', { level: 1, name: 'Clientes' }).waitFor();
    await opened.page.getByRole('region', { name: /Clientes registrados, con el nombre enmascarado/ }).waitFor();
    return opened;
  }

  it('a manager creates a customer, finds it by the exact document, reveals it, and the read is audited', async () => {
    const { page, context, cspViolations, consoleErrors } = await openCustomers();
    try {
      // The notice about auditing is on the page before anything is revealed, with the user's name.
      await page.getByText(`queda registrado en la auditoría a nombre de ${dash.users.manager.username}`).first().waitFor();

      await page.getByRole('button', { name: 'Nuevo cliente' }).click();
      const form = page.getByRole('region', { name: 'Nuevo cliente' });
      await form.getByLabel('Nombre y apellido').fill(NAME);
      await form.getByLabel('Tipo de documento').selectOption('DNI');
      await form.getByLabel(/Número de documento/).fill(DOC);
      await form.getByLabel(/Email/).fill('valeria.quiroga@example.com');
      await form.getByLabel(/Teléfono/).fill('11 5555-0101');
      await form.getByLabel('Acepta recibir promociones').check();
      await form.getByRole('button', { name: 'Crear cliente' }).click();
      await form.getByRole('status').getByText('Cliente V*** Q*** I*** creado.').waitFor();

      // The same document again: 409 customer.duplicate, shown at the document field.
      await form.getByLabel('Nombre y apellido').fill('Otra Persona');
      await form.getByLabel(/Número de documento/).fill('27654321');
      await form.getByRole('button', { name: 'Crear cliente' }).click();
      const docInput = form.getByLabel(/Número de documento/);
      await docInput.and(page.locator('[aria-invalid="true"]')).waitFor();
      const errorId = ((await docInput.getAttribute('aria-describedby')) ?? '').split(' ').find((id) => id.endsWith('-error'));
      expect(await page.locator(`[id="${errorId}"]`).textContent()).toContain('Ya existe un cliente con ese documento');
      await form.getByRole('button', { name: 'Cerrar formulario' }).click();

      // A partial number finds nothing: the search is exact on purpose.
      const search = page.getByRole('region', { name: 'Buscar un cliente' });
      await search.getByText('La búsqueda es exacta').waitFor();
      await search.getByLabel(/Número de documento/).fill('2765432');
      await search.getByRole('button', { name: 'Buscar', exact: true }).click();
      await search.getByText('No hay ningún cliente con ese dato').waitFor();

      // The whole number (with dots) finds the one customer, still masked.
      await search.getByLabel(/Número de documento/).fill(DOC);
      await search.getByRole('button', { name: 'Buscar', exact: true }).click();
      await search.getByText('Se encontró 1 cliente.').waitFor();
      const results = search.getByRole('region', { name: 'Resultado de la búsqueda' });
      expect(await results.textContent()).toContain('V*** Q*** I***');
      expect(await results.textContent()).not.toContain('Valeria');

      await results.getByRole('button', { name: /Ver datos de V\*\*\* Q\*\*\* I\*\*\*/ }).click();
      const dialog = page.getByRole('dialog', { name: 'Datos del cliente' });
      await dialog.getByText(NAME).waitFor();
      await dialog.getByText('27654321').waitFor();
      await dialog.getByText('valeria.quiroga@example.com').waitFor();
      await dialog.getByText(`Este acceso quedó registrado en la auditoría a nombre de ${dash.users.manager.username}`).waitFor();
      expect(await checkAxe(page)).toEqual([]);
      await saveScreenshots(page, 'clientes-ver-datos');

      await dialog.getByRole('button', { name: 'Ocultar datos' }).click();
      await dialog.waitFor({ state: 'hidden' });
      expect(await page.getByText(NAME).count()).toBe(0);
      expect(await page.getByText('valeria.quiroga@example.com').count()).toBe(0);

      // The reveal is in the audit trail: a read of that customer by the manager (without the
      // `lookup` a search read carries), and the search's own read with lookup doc_number.
      const users = await dash.api('GET', '/users?limit=100');
      const manager = (users.body.items as Array<{ id: string; username: string }>).find((u) => u.username === dash.users.manager.username)!;
      const found = await dash.api('GET', '/customers?doc_number=27654321');
      const customerId = found.body.items[0].id as string;
      const events = await dash.api('GET', `/audit/events?action=customers.*&actor=user:${manager.id}&limit=100`);
      expect(events.status).toBe(200);
      const reads = (events.body.items as Array<{ action: string; resource: string; outcome: string; details: Record<string, unknown> }>).filter(
        (e) => e.action === 'customers.customer.read' && e.resource === `customer:${customerId}` && e.outcome === 'success',
      );
      expect(reads.some((e) => e.details.lookup === undefined)).toBe(true);
      expect(reads.some((e) => e.details.lookup === 'doc_number')).toBe(true);

      expect(cspViolations).toEqual([]);
      expect(consoleErrors.filter((e) => !/status of (400|409)/.test(e))).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('the list shows masked names only, on the page and in what the API sent; fits a phone', async () => {
    const { page, context, cspViolations } = await newPage(browser, dash, { role: 'manager', width: 390 });
    try {
      const listResponse = page.waitForResponse((r) => /\/api\/v1\/customers\?(.*&)?limit=50/.test(r.url()) && r.request().method() === 'GET');
      await page.goto('/clientes');
      const body = (await (await listResponse).json()) as { items: Array<Record<string, unknown>> };
      expect(body.items.length).toBeGreaterThanOrEqual(2);
      for (const item of body.items) expect(Object.keys(item).sort()).toEqual(['id', 'masked_name']);

      const list = page.getByRole('region', { name: /Clientes registrados, con el nombre enmascarado/ });
      await list.getByText('M*** L***').waitFor();
      await list.getByText('V*** Q*** I***').waitFor();
      const text = (await list.textContent()) ?? '';
      expect(text).not.toContain('Martín');
      expect(text).not.toContain('Valeria');
      expect(await list.getByRole('button', { name: /^Ver datos de / }).count()).toBe(body.items.length);

      expect(await horizontalOverflow(page)).toBeNull();
      expect(await checkAxe(page)).toEqual([]);
      await saveScreenshots(page, 'clientes-lista');
      expect(cspViolations).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
