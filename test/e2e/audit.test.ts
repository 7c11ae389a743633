// Auditoría in a real browser, as the auditor: the chain verification status ("Íntegro") and
// "Verificar ahora", the event log with a prefix filter and expandable details, and a security
// alert — raised through the API by repeated failed logins (rule brute_force) — acknowledged
// and then closed, with the confirmation step and the note recorded.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { checkAxe, describeE2E, horizontalOverflow, newPage, openBrowser, saveScreenshots, startDashboard, type Dashboard } from './harness.ts';

// The anomaly rules run 10 s after the server starts and then every minute.
const ALERT_WAIT_MS = 90_000;

interface AlertDto {
  id: string;
  rule: string;
  status: string;
  actor: string | null;
  summary: string;
  note: string | null;
}

describeE2E('auditoría (browser)', () => {
  let dash: Dashboard;
  let browser: Browser;

  beforeAll(async () => {
    [dash, browser] = await Promise.all([startDashboard(), openBrowser()]);
    // Five failed logins for one account: the brute_force rule's "high" threshold.
    for (let i = 0; i < 5; i++) {
      const res = await fetch(`${dash.baseUrl}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: dash.users.clerk.username, password: `no-es-la-clave-${i}-xyz` }),
      });
      expect([401, 429]).toContain(res.status);
    }
  });

  afterAll(async () => {
    await browser?.close();
    await dash?.stop();
  });

  async function bruteForceAlert(): Promise<AlertDto> {
    const deadline = Date.now() + ALERT_WAIT_MS;
    for (;;) {
      const res = await dash.api('GET', '/audit/alerts?rule=brute_force&limit=50');
      const alert = (res.body.items as AlertDto[] | undefined)?.find((a) => a.actor === `account:${dash.users.clerk.username}`);
      if (alert) return alert;
      if (Date.now() > deadline) throw new Error(`no brute_force alert for the clerk account within ${ALERT_WAIT_MS} ms`);
      await new Promise((r) => setTimeout(r, 1000));
    }
  }

  it('an auditor sees the chain status "Íntegro", verifies again, and filters and expands events', async () => {
    const { page, context, cspViolations, consoleErrors } = await newPage(browser, dash, { role: 'auditor', width: 390, path: '/auditoria' });
    try {
      await page.getByRole('heading', { level: 1, name: 'Auditoría' }).waitFor();
      const status = page.getByTestId('chain-status');
      await status.waitFor();
      expect(await status.textContent()).toBe('Íntegro');
      const chain = page.getByRole('region', { name: 'Integridad del registro' });
      await chain.getByText(/Verificación del .*: el registro está íntegro/).waitFor();

      await chain.getByRole('button', { name: 'Verificar ahora' }).click();
      await chain.getByRole('button', { name: 'Verificar ahora' }).and(page.locator(':enabled')).waitFor();
      expect(await status.textContent()).toBe('Íntegro');

      const events = page.getByRole('region', { name: 'Tabla de eventos de auditoría' });
      await events.locator('tbody tr').first().waitFor();
      expect(await events.getByText('auth.login').count()).toBeGreaterThan(0);

      // A prefix filter: only identity.* events (the four dashboard users were created).
      const section = page.getByRole('region', { name: 'Eventos', exact: true });
      await section.getByLabel('Acción').fill('identity.*');
      await section.getByRole('button', { name: 'Filtrar' }).click();
      await events.getByText('identity.user.create').first().waitFor();
      await expect.poll(async () => (await events.locator('td.mono:nth-child(5)').allTextContents()).every((a) => a.startsWith('identity.'))).toBe(true);

      // Details: expanded in place, with the event's JSON.
      const controls = await events.getByRole('button', { name: /^Ver detalles del evento/ }).first().getAttribute('aria-controls');
      const toggle = events.locator(`button[aria-controls="${controls}"]`);
      await toggle.click();
      expect(await toggle.getAttribute('aria-expanded')).toBe('true');
      await events.locator('.event-json').first().waitFor();
      expect(await events.locator('.event-json').first().textContent()).toContain('"username"');

      // A malformed action filter: the API's message under the field, not a blank page.
      await section.getByLabel('Acción').fill('customers*');
      await section.getByRole('button', { name: 'Filtrar' }).click();
      await section.getByText('una acción como stock.movement.create, o un prefijo como customers.*').waitFor();

      expect(await horizontalOverflow(page)).toBeNull();
      expect(await checkAxe(page)).toEqual([]);
      expect(cspViolations).toEqual([]);
      expect(consoleErrors.filter((e) => !/status of 400/.test(e))).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('an auditor acknowledges and then closes an alert, confirming before closing', { timeout: ALERT_WAIT_MS + 30_000 }, async () => {
    const raised = await bruteForceAlert();
    expect(raised.status).toBe('open');
    const { page, context, cspViolations, consoleErrors } = await newPage(browser, dash, { role: 'auditor', path: '/auditoria' });
    try {
      const alerts = page.getByRole('region', { name: 'Alertas de seguridad' });
      const item = alerts.getByRole('listitem').filter({ hasText: `cuenta ${dash.users.clerk.username}` });
      await item.waitFor();
      expect(await item.textContent()).toContain('Fuerza bruta');
      expect(await item.textContent()).toContain('Alta');
      expect(await item.textContent()).toContain('Abierta');
      await saveScreenshots(page, 'auditoria-alerta-abierta');

      await item.getByRole('button', { name: 'Reconocer' }).click();
      const ack = page.getByRole('dialog', { name: 'Reconocer alerta' });
      await ack.getByLabel('Nota (opcional)').fill('Revisando con la encargada');
      await ack.getByRole('button', { name: 'Reconocer alerta' }).click();
      await alerts.getByRole('status').getByText('Alerta reconocida.').waitFor();
      await item.getByText('Reconocida', { exact: true }).waitFor();
      expect(await item.getByRole('button', { name: 'Reconocer' }).count()).toBe(0);

      // Closing asks first; Cancelar leaves the alert as it was.
      await item.getByRole('button', { name: 'Cerrar alerta' }).click();
      const close = page.getByRole('dialog', { name: 'Cerrar alerta' });
      await close.getByText('Una alerta cerrada no vuelve a abrirse').waitFor();
      expect(await checkAxe(page)).toEqual([]);
      await close.getByRole('button', { name: 'Cancelar' }).click();
      expect((await dash.api('GET', '/audit/alerts?rule=brute_force&limit=50')).body.items.find((a: AlertDto) => a.id === raised.id).status).toBe('acknowledged');

      await item.getByRole('button', { name: 'Cerrar alerta' }).click();
      await close.getByLabel('Nota (opcional)').fill('Fue la cajera: se olvidó la clave');
      await close.getByRole('button', { name: 'Sí, cerrar alerta' }).click();
      await alerts.getByRole('status').getByText('Alerta cerrada.').waitFor();
      await item.getByText('Cerrada', { exact: true }).waitFor();
      expect(await item.getByRole('button').count()).toBe(0);

      const after = (await dash.api('GET', '/audit/alerts?rule=brute_force&limit=50')).body.items.find((a: AlertDto) => a.id === raised.id) as AlertDto;
      expect(after.status).toBe('closed');
      expect(after.note).toBe('Fue la cajera: se olvidó la clave');
      expect(cspViolations).toEqual([]);
      expect(consoleErrors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
