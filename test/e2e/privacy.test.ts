// Privacidad in a real browser (admin): a person found by the exact document, their record and
// consent history; a field corrected (rectification); "Exportar" downloads the JSON file and
// shows a Spanish summary; consent is withdrawn in one click (and can be given back the same
// way); erasure asks for confirmation naming what the law keeps (a sale within the fiscal period
// keeps the name and document), and afterwards the record reads as erased (the API answers 410).
// The breach register shows the 72-hour clock (counting down for a new incident, overdue for an
// old one), links an open security alert, exports the notification and is marked notified; the
// retention policy runs as a dry run with its report. A legal hold added from the page is listed,
// named by the erase confirmation and released (one released elsewhere meanwhile says so); the
// restriction toggle takes the person out of the marketing audience and back. A manager has no
// such section. axe, CSP and screenshots at 390 and 1280 (and no sideways scroll at 800).
import fs from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { checkAxe, describeE2EEach, horizontalOverflow, newPage, openBrowser, saveScreenshot, saveScreenshots, startDashboard, UI, type Dashboard } from './harness.ts';

const PERSON = { name: 'Laura Fernández Castro', doc_type: 'DNI', doc_number: '28999111', email: 'laura.fc@example.com', phone: '11 4444-0202', marketing_consent: true };
const HELD = { name: 'Marcelo Quiroga Ibarra', doc_type: 'DNI', doc_number: '30111222', email: 'mquiroga@example.com', phone: '11 5555-0101', address: 'Av. Belgrano 1450, CABA', marketing_consent: false };
const OBJECTOR = { name: 'Silvia Ramírez Otero', doc_type: 'DNI', doc_number: '31222333', email: 'sramirez@example.com', marketing_consent: true };
const norm = (text: string | null) => (text ?? '').replace(/\s+/g, ' ').trim();
/** YYYY-MM-DD as the page shows it (DD/MM/AAAA). */
const shown = (ymd: string) => ymd.split('-').reverse().join('/');
// Chromium logs every non-2xx answer; the ones a test provokes on purpose are expected.
const unexpected = (errors: string[], statuses: number[]) => errors.filter((e) => !statuses.some((code) => e.includes(`status of ${code}`)));

describeE2EEach('privacidad (browser)', (engine) => {
  let dash: Dashboard;
  let browser: Browser;
  let customerId: string;

  beforeAll(async () => {
    [dash, browser] = await Promise.all([startDashboard({ engine }), openBrowser()]);
    const customer = await dash.api('POST', '/customers', PERSON);
    expect(customer.status, JSON.stringify(customer.body)).toBe(201);
    customerId = customer.body.id;
    // One sale to them: within the fiscal period, so erasure must keep name and document.
    const product = await dash.api('POST', '/products', { sku: 'PRIV-1', name: 'Termo de acero 1 l', category: 'bazar', cost_price: '9000', sale_price: '15000' });
    expect(product.status, JSON.stringify(product.body)).toBe(201);
    expect((await dash.api('POST', '/stock/movements', { product_id: product.body.id, type: 'in', quantity: '5', unit_cost: '9000' })).status).toBe(201);
    const sale = await dash.api('POST', '/stock/movements', { product_id: product.body.id, type: 'out', quantity: '1', reason: 'Venta', customer_id: customerId });
    expect(sale.status, JSON.stringify(sale.body)).toBe(201);
    // An incident detected four days ago and never notified: its clock is overdue.
    const old = await dash.api('POST', '/privacy/breaches', {
      title: 'Planilla de clientes enviada por error',
      description: 'Se envió la planilla a un proveedor.',
      detected_at: new Date(Date.now() - 4 * 24 * 3600_000).toISOString(),
      data_classes: ['customer_identity'],
      people_affected: 40,
    });
    expect(old.status, JSON.stringify(old.body)).toBe(201);
  });

  afterAll(async () => {
    await browser?.close();
    await dash?.stop();
  });

  async function openPerson(page: Page, docNumber: string, masked: RegExp) {
    await page.getByRole('heading', { level: 1, name: 'Privacidad' }).waitFor();
    await page.getByLabel('Número de documento').fill(docNumber);
    await page.getByRole('button', { name: 'Buscar', exact: true }).click();
    await page.getByText('Se encontró 1 persona.').waitFor();
    await page.getByRole('button', { name: new RegExp(`^Abrir ${masked.source}`) }).click();
    const panel = page.getByRole('region', { name: new RegExp(`^${masked.source} · ref\\.`) });
    await panel.getByRole('heading', { name: 'Datos personales' }).waitFor();
    return panel;
  }

  async function audienceIds(): Promise<string[]> {
    const ids: string[] = [];
    for (let cursor: string | null = null; ; ) {
      const res = await dash.api('GET', `/customers/marketing-audience?limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      ids.push(...(res.body.items as Array<{ id: string }>).map((i) => i.id));
      cursor = res.body.next_cursor as string | null;
      if (!cursor) return ids;
    }
  }

  async function downloaded(page: Page, click: () => Promise<void>): Promise<{ name: string; json: Record<string, unknown> }> {
    const [download] = await Promise.all([page.waitForEvent('download'), click()]);
    const file = await download.path();
    return { name: download.suggestedFilename(), json: JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown> };
  }

  it('finds a person, exports their data, withdraws consent and erases them with a confirmation naming what is kept', async () => {
    const { page, context, cspViolations, consoleErrors } = await newPage(browser, dash, { role: 'admin', path: '/privacidad' });
    try {
      await page.getByRole('heading', { level: 1, name: 'Privacidad' }).waitFor();
      expect(await checkAxe(page)).toEqual([]);

      await page.getByLabel('Número de documento').fill(PERSON.doc_number);
      await page.getByRole('button', { name: 'Buscar', exact: true }).click();
      await page.getByText('Se encontró 1 persona.').waitFor();
      await page.getByRole('button', { name: /^Abrir L\*\*\* F\*\*\* C\*\*\*/ }).click();
      const panel = page.getByRole('region', { name: /^L\*\*\* F\*\*\* C\*\*\* · ref\./ });
      await panel.getByText(PERSON.email).waitFor();
      expect(norm(await panel.locator('.privacy-details').first().textContent())).toContain(PERSON.name);
      await panel.getByText('Acepta recibir publicidad.').waitFor();
      expect(await panel.getByRole('region', { name: 'Historial de consentimiento' }).locator('tbody tr').count()).toBe(1);

      // Rectification: only the changed field is sent; the old value goes to the history.
      await panel.getByRole('button', { name: 'Corregir datos' }).click();
      await panel.getByLabel('Teléfono').fill('11 4444-0303');
      await panel.getByRole('button', { name: 'Guardar corrección' }).click();
      await panel.getByText('Datos corregidos: Teléfono.').waitFor();
      await panel.getByText('11 4444-0303').first().waitFor();

      // Export: a JSON file with everything, and a readable summary beside it.
      const file = await downloaded(page, () => panel.getByRole('button', { name: 'Exportar' }).click());
      expect(file.name).toMatch(/^datos-personales-[0-9A-F]{6}-\d{4}-\d{2}-\d{2}\.json$/);
      expect(file.json).toMatchObject({ format_version: 1, customer: { id: customerId, doc_number: PERSON.doc_number, email: PERSON.email } });
      expect((file.json.purchases as unknown[]).length).toBe(1);
      const summary = panel.getByRole('region', { name: 'Resumen de lo exportado' });
      await summary.waitFor();
      expect(norm(await summary.textContent())).toContain('Compras registradas a su nombre: 1 movimiento.');
      expect(norm(await summary.textContent())).toContain('1 × Termo de acero 1 l');
      expect(norm(await summary.textContent())).toContain('Correcciones de datos: 1 corrección (con los valores anteriores).');
      expect(await checkAxe(page)).toEqual([]);
      await saveScreenshots(page, 'privacidad-persona');

      // Withdrawing consent is one click, like giving it.
      await panel.getByLabel('Cómo lo expresó').selectOption({ label: 'Por teléfono' });
      await panel.getByRole('button', { name: 'Retirar el consentimiento' }).click();
      await panel.getByText('Consentimiento retirado: ya no recibirá publicidad.').waitFor();
      await panel.getByText('No acepta recibir publicidad.').waitFor();
      await panel.getByRole('button', { name: 'Registrar que acepta' }).waitFor();
      const history = panel.getByRole('region', { name: 'Historial de consentimiento' }).locator('tbody tr');
      expect(await history.count()).toBe(2);
      expect(norm(await history.filter({ hasText: 'Por teléfono' }).textContent())).toContain('No acepta');
      const consent = await dash.api('GET', `/customers/${customerId}/consent`);
      expect(consent.body).toMatchObject({ marketing_consent: false });

      // Erasure: the dialog says what goes and what the law keeps, and wants a deliberate yes.
      await panel.getByRole('button', { name: 'Eliminar datos…' }).click();
      const dialog = page.getByRole('dialog', { name: 'Eliminar los datos de la persona' });
      await dialog.getByText('Se conservará').waitFor();
      const said = norm(await dialog.textContent());
      expect(said).toContain('Email, Teléfono');
      expect(said).toMatch(/Nombre y apellido: retención fiscal, hasta el \d{2}\/\d{2}\/\d{4}\./);
      expect(said).toContain('quedan registradas con un seudónimo');
      const submit = dialog.getByRole('button', { name: 'Eliminar definitivamente' });
      expect(await submit.isDisabled()).toBe(true);
      expect(await checkAxe(page)).toEqual([]);
      await saveScreenshots(page, 'privacidad-borrado-confirmacion');
      await dialog.getByLabel('Entiendo que los datos no se podrán recuperar').check();
      await submit.click();

      // The record now reads as erased; the API agrees.
      await panel.getByText(/^Los datos personales de esta persona se eliminaron el .+; los registros que se conservan la nombran como /).waitFor();
      await panel.getByText(/Constancia de borrado /).waitFor();
      expect(await panel.getByText(PERSON.email).count()).toBe(0);
      expect(await panel.getByRole('button', { name: 'Eliminar datos…' }).count()).toBe(0);
      expect((await dash.api('GET', `/customers/${customerId}`)).status).toBe(410);
      expect(await checkAxe(page)).toEqual([]);
      await saveScreenshots(page, 'privacidad-borrada');
      // Not found by the document any more: its search index entry went with the key.
      await page.getByRole('button', { name: 'Buscar', exact: true }).click();
      await page.getByText(/^Nadie tiene ese documento o email/).waitFor();

      expect(await horizontalOverflow(page)).toBeNull();
      expect(cspViolations).toEqual([]);
      // The record's re-read after erasure answers 410 (shown as "erased"): Chromium logs it.
      expect(consoleErrors.filter((e) => !/status of 410/.test(e))).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('records a breach with its 72-hour clock, exports it, and runs the retention policy as a dry run', async () => {
    // Creating the e2e admin user raised a privilege_change alert (the rules run ~10 s after start).
    await expect.poll(async () => (await dash.api('GET', '/audit/alerts?status=open')).body.items.length, { timeout: 30_000, interval: 1000 }).toBeGreaterThan(0);
    const { page, context, cspViolations, consoleErrors } = await newPage(browser, dash, { role: 'admin', width: 390, path: '/privacidad?tab=breaches' });
    try {
      await page.getByRole('heading', { level: 2, name: 'Registro de incidentes' }).waitFor();
      const oldRow = page.locator('.breach-card', { hasText: 'Planilla de clientes enviada por error' });
      expect(norm(await oldRow.locator('.breach-clock').textContent())).toMatch(/^Plazo vencido hace 2\d h \d+ min \(vence el /);

      await page.getByRole('button', { name: 'Registrar incidente' }).click();
      const form = page.getByRole('form', { name: 'Registrar un incidente' });
      await form.getByLabel('Título').fill('Notebook de la caja robada');
      await form.getByLabel('Qué pasó', { exact: false }).fill('Robaron la notebook de la caja con la sesión abierta.');
      await form.getByLabel('Personas afectadas (aproximado)').fill('120');
      await form.getByRole('checkbox', { name: 'Identidad y contacto de clientes' }).check();
      await form.getByRole('checkbox', { name: 'Datos de conexión' }).check();
      await form.getByRole('group', { name: 'Alertas de seguridad relacionadas' }).getByRole('checkbox').first().check();
      expect(await checkAxe(page)).toEqual([]);
      await form.getByRole('button', { name: 'Registrar', exact: true }).click();
      await page.getByText('Incidente «Notebook de la caja robada» registrado: empieza a correr el plazo de 72 horas.').waitFor();
      const row = page.locator('.breach-card', { hasText: 'Notebook de la caja robada' });
      expect(norm(await row.locator('.breach-clock').textContent())).toMatch(/^Quedan 7[12] h \d+ min para notificar \(vence el /);
      // Its detail opened by itself: the export for the authority.
      const file = await downloaded(page, () => page.getByRole('button', { name: 'Exportar para la autoridad' }).click());
      expect(file.json).toMatchObject({ format: 'inventario.breach-notification/1', breach: { title: 'Notebook de la caja robada', people_affected: 120 } });
      expect((file.json.linked_alerts as Array<{ rule: string }>).map((a) => a.rule)).toEqual(['privilege_change']);
      expect(norm(await row.textContent())).toContain('creó el usuario administrador');
      expect(await horizontalOverflow(page)).toBeNull();
      expect(await checkAxe(page)).toEqual([]);
      await saveScreenshots(page, 'privacidad-incidentes');

      // Marked notified: the clock says so.
      await page.getByLabel('Número de trámite ante la autoridad').fill('AAIP-2026-0042');
      await page.getByRole('button', { name: 'Marcar como notificado' }).click();
      await page.getByText('Incidente actualizado.').waitFor();
      await expect.poll(async () => norm(await row.locator('.breach-clock').textContent())).toMatch(/^Notificado el .+ \(a tiempo\)$/);

      // Retention: the policy per data class and a dry run with its report.
      await page.getByRole('tab', { name: 'Retención' }).click();
      await page.getByRole('heading', { level: 2, name: 'Política de retención' }).waitFor();
      expect(await page.getByRole('heading', { level: 2, name: 'Registro de incidentes' }).isVisible()).toBe(false);
      expect(norm(await page.getByRole('list', { name: 'Política de retención por clase de datos' }).textContent())).toContain('Clientes inactivos');
      await page.getByRole('button', { name: 'Simular ahora' }).click();
      await page.getByRole('heading', { name: 'Resultado de la simulación' }).waitFor();
      expect(await page.getByRole('region', { name: 'Resultado por clase de datos' }).last().locator('tbody tr').count()).toBeGreaterThanOrEqual(5);
      expect(await horizontalOverflow(page)).toBeNull();
      expect(await checkAxe(page)).toEqual([]);
      await saveScreenshots(page, 'privacidad-retencion');
      expect(cspViolations).toEqual([]);
      expect(consoleErrors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('adds a legal hold from the person panel, the erase confirmation keeps what it holds, and releases it', async () => {
    const held = await dash.api('POST', '/customers', HELD);
    expect(held.status, JSON.stringify(held.body)).toBe(201);
    const heldId = held.body.id as string;
    const { page, context, cspViolations, consoleErrors } = await newPage(browser, dash, { role: 'admin', path: '/privacidad' });
    try {
      const panel = await openPerson(page, HELD.doc_number, /M\*\*\* Q\*\*\* I\*\*\*/);
      const holds = panel.getByRole('region', { name: 'Retenciones legales' });
      await holds.getByText('No tiene retenciones vigentes.').waitFor();

      // A date in the past is refused by the API, and the form says so beside the field.
      await holds.getByRole('button', { name: 'Agregar una retención…' }).click();
      const form = holds.getByRole('form', { name: 'Nueva retención legal' });
      await form.getByLabel('Motivo').selectOption({ label: 'Deuda pendiente' });
      await form.getByText('Conserva nombre, documento, teléfono y domicilio.').waitFor();
      await form.getByLabel('Vigente hasta (opcional)').fill('2020-01-31');
      await form.getByRole('button', { name: 'Agregar retención' }).click();
      await form.getByText('la fecha no puede ser pasada').waitFor();
      await form.getByText('Revise los campos marcados.').waitFor();

      const until = new Date(Date.now() + 400 * 24 * 3600_000).toISOString().slice(0, 10);
      await form.getByLabel('Vigente hasta (opcional)').fill(until);
      await form.getByLabel('Nota (opcional)').fill('Cuenta corriente: factura B 0003-00001234 impaga');
      await form.getByRole('button', { name: 'Agregar retención' }).click();
      await holds.getByText('Retención agregada: Deuda pendiente.').waitFor();
      const listed = holds.getByRole('list', { name: 'Retenciones vigentes' }).getByRole('listitem');
      await listed.first().waitFor();
      expect(await listed.count()).toBe(1);
      const line = norm(await listed.first().textContent());
      expect(line).toMatch(new RegExp(`^Deuda pendiente ?Desde el \\d{2}/\\d{2}/\\d{4}, hasta el ${shown(until)}\\.`));
      expect(line).toContain('Nota: Cuenta corriente: factura B 0003-00001234 impaga');
      const preview = await dash.api('GET', `/customers/${heldId}/erasure-preview`);
      expect(preview.body.legal_holds).toMatchObject([{ reason: 'open_debt', until, released_at: null }]);

      // The erase confirmation names what the hold keeps, and until when.
      await panel.getByRole('button', { name: 'Eliminar datos…' }).click();
      const dialog = page.getByRole('dialog', { name: 'Eliminar los datos de la persona' });
      await dialog.getByText('Se conservará').waitFor();
      const said = norm(await dialog.textContent());
      expect(said).toContain(`Teléfono: tiene una deuda pendiente, hasta el ${shown(until)}.`);
      expect(said).toContain(`Domicilio: tiene una deuda pendiente, hasta el ${shown(until)}.`);
      expect(said).toMatch(/Se eliminará ?Email\./);
      await dialog.getByRole('button', { name: 'Cancelar' }).click();
      await dialog.waitFor({ state: 'hidden' });

      expect(await checkAxe(page)).toEqual([]);
      await saveScreenshots(page, 'privacidad-retenciones');
      await page.setViewportSize({ width: 800, height: 1100 });
      expect(await horizontalOverflow(page)).toBeNull();
      await saveScreenshot(page, 'privacidad-retenciones');
      await page.setViewportSize({ width: 1280, height: 800 });

      // Released: gone from the list, and the erasure would keep nothing any more.
      await holds.getByRole('button', { name: /^Liberar la retención «Deuda pendiente» del \d{2}\/\d{2}\/\d{4}$/ }).click();
      await holds.getByText('Retención liberada: Deuda pendiente.').waitFor();
      await holds.getByText('No tiene retenciones vigentes.').waitFor();
      await panel.getByRole('button', { name: 'Eliminar datos…' }).click();
      await dialog.getByText('No hay nada que la ley obligue a conservar: se eliminan todos los datos personales.').waitFor();
      await dialog.getByRole('button', { name: 'Cancelar' }).click();

      // A hold released elsewhere while the page shows it: the page says so and reads the list again.
      await holds.getByRole('button', { name: 'Agregar una retención…' }).click();
      await form.getByLabel('Motivo').selectOption({ label: 'Litigio' });
      await form.getByRole('button', { name: 'Agregar retención' }).click();
      await holds.getByText('Retención agregada: Litigio.').waitFor();
      expect(norm(await listed.first().textContent())).toMatch(/^Litigio ?Desde el .+, hasta que se libere\./);
      const litigation = (await dash.api('GET', `/customers/${heldId}/erasure-preview`)).body.legal_holds.find((h: { reason: string }) => h.reason === 'litigation');
      expect((await dash.api('DELETE', `/customers/${heldId}/legal-holds/${litigation.id}`)).status).toBe(200);
      await holds.getByRole('button', { name: /^Liberar la retención «Litigio»/ }).click();
      await holds.getByText('Esa retención ya no existe o ya fue liberada; la lista se actualizó.').waitFor();
      await holds.getByText('No tiene retenciones vigentes.').waitFor();

      expect(await checkAxe(page)).toEqual([]);
      expect(cspViolations).toEqual([]);
      // The past date (400) and the hold released behind the page (404) were provoked on purpose.
      expect(unexpected(consoleErrors, [400, 404])).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('restricts a person from the panel, which takes them out of the marketing audience until it is lifted', async () => {
    const objector = await dash.api('POST', '/customers', OBJECTOR);
    expect(objector.status, JSON.stringify(objector.body)).toBe(201);
    const objectorId = objector.body.id as string;
    expect(await audienceIds()).toContain(objectorId);
    const { page, context, cspViolations, consoleErrors } = await newPage(browser, dash, { role: 'admin', path: '/privacidad' });
    try {
      const panel = await openPerson(page, OBJECTOR.doc_number, /S\*\*\* R\*\*\* O\*\*\*/);
      const restriction = panel.getByRole('region', { name: 'Restricción u oposición' });
      await restriction.getByText('Sin restricción.').waitFor();
      await restriction.getByLabel('Motivo').selectOption({ label: 'Se opuso al tratamiento' });
      await restriction.getByRole('button', { name: 'Restringir el tratamiento' }).click();
      await panel.getByText('Restricción activada.').waitFor();
      await restriction.getByText(/^Restricción activa desde el .+: Se opuso al tratamiento\.$/).waitFor();
      // Consent itself is untouched: the restriction alone keeps them out of marketing.
      await panel.getByText('Acepta recibir publicidad.').waitFor();
      expect(await audienceIds()).not.toContain(objectorId);
      expect(await checkAxe(page)).toEqual([]);

      await restriction.getByRole('button', { name: 'Levantar la restricción' }).click();
      await panel.getByText('Restricción levantada.').waitFor();
      await restriction.getByText('Sin restricción.').waitFor();
      const rows = restriction.getByRole('region', { name: 'Historial de restricciones' }).locator('tbody tr');
      expect(await rows.count()).toBe(2);
      const states = await Promise.all([0, 1].map(async (i) => (await rows.nth(i).locator('td').allTextContents()).slice(1, 3)));
      expect(states).toEqual([
        ['Restringida', 'Se opuso al tratamiento'],
        ['Levantada', 'Se opuso al tratamiento'],
      ]);
      expect(await audienceIds()).toContain(objectorId);
      expect(cspViolations).toEqual([]);
      expect(consoleErrors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('is not offered to a manager (admin only)', async () => {
    const { page, context } = await newPage(browser, dash, { role: 'manager', path: '/privacidad' });
    try {
      expect(await page.locator(UI.nav).getByRole('link', { name: 'Privacidad' }).count()).toBe(0);
      await page.getByRole('heading', { level: 1, name: UI.forbidden }).waitFor();
    } finally {
      await context.close();
    }
  });
});
