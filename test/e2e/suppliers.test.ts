// Proveedores in a real browser: create with a valid CUIT (shown as XX-XXXXXXXX-X), a wrong
// check digit flagged while typing (and refused by the server when forced), the 409 for a
// CUIT already taken shown at the field, editing the lead time. Plus the DOMAIN.md CUIT cases
// against the browser's own copy of the rule (web/src/pages/suppliers/cuit.ts).
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkCuit, liveCuitProblem } from '../../web/src/pages/suppliers/cuit.ts';
import { checkAxe, describeE2E, horizontalOverflow, newPage, openBrowser, saveScreenshots, startDashboard, type Dashboard } from './harness.ts';

const CHECK_DIGIT_MESSAGE = 'El dígito verificador del CUIT no es correcto. Revise el número.';

describe('CUIT check in the dashboard (DOMAIN.md cases)', () => {
  it('accepts valid CUITs with or without dashes and returns the dashed form', () => {
    expect(checkCuit('20-12345678-6')).toEqual({ ok: true, formatted: '20-12345678-6' });
    expect(checkCuit('20123456786')).toEqual({ ok: true, formatted: '20-12345678-6' });
    expect(checkCuit('30-71234567-1')).toEqual({ ok: true, formatted: '30-71234567-1' });
  });

  it('refuses a bad check digit, a bad prefix and a wrong length', () => {
    expect(checkCuit('20-12345678-9')).toEqual({ ok: false, problem: 'check_digit' });
    expect(checkCuit('99-12345678-1')).toEqual({ ok: false, problem: 'prefix' });
    expect(checkCuit('20-1234567-6')).toEqual({ ok: false, problem: 'format' });
  });

  it('waits for the whole number before complaining while the user types', () => {
    expect(liveCuitProblem('20-1234', false)).toBeNull();
    expect(liveCuitProblem('20-1234', true)).toBe('format');
    expect(liveCuitProblem('20123456789', false)).toBe('check_digit');
    expect(liveCuitProblem('20-1234567x', false)).toBe('format');
  });
});

describeE2E('proveedores (browser)', () => {
  let dash: Dashboard;
  let browser: Browser;

  beforeAll(async () => {
    [dash, browser] = await Promise.all([startDashboard(), openBrowser()]);
    const seeded = await dash.api('POST', '/suppliers', { name: 'Lácteos del Oeste', cuit: '27-30000001-6', lead_time_days: 2 });
    expect(seeded.status).toBe(201);
  });

  afterAll(async () => {
    await browser?.close();
    await dash?.stop();
  });

  async function openSuppliers(role: 'admin' | 'manager' | 'clerk', width: 390 | 1280 = 1280) {
    const opened = await newPage(browser, dash, { role, width, path: '/proveedores' });
    await opened.page.getByRole('heading', { level: 1, name: 'Proveedores' }).waitFor();
    await opened.page.locator('tbody tr').first().waitFor();
    return opened;
  }

  async function cuitMessage(page: Page): Promise<string> {
    const input = page.getByRole('dialog').getByLabel('CUIT');
    await input.and(page.locator('[aria-invalid="true"]')).waitFor();
    const id = ((await input.getAttribute('aria-describedby')) ?? '').split(' ').find((x) => x.endsWith('-error'));
    return (await page.locator(`[id="${id}"]`).textContent()) ?? '';
  }

  it('an admin creates a supplier with a valid CUIT, shown as XX-XXXXXXXX-X', async () => {
    const { page, context, cspViolations, consoleErrors } = await openSuppliers('admin');
    try {
      await page.getByRole('button', { name: 'Nuevo proveedor' }).click();
      const dialog = page.getByRole('dialog', { name: 'Nuevo proveedor' });
      await dialog.getByLabel('Razón social o nombre').fill('Distribuidora Norte E2E');
      const cuit = dialog.getByLabel('CUIT');
      await cuit.fill('30700000024');
      await dialog.getByText('CUIT válido.').first().waitFor();
      await cuit.blur();
      expect(await cuit.inputValue()).toBe('30-70000002-4');
      await dialog.getByLabel('Email').fill('pedidos@norte.example');
      await dialog.getByLabel('Condición frente al IVA').selectOption('Responsable Inscripto');
      await dialog.getByLabel('Plazo de entrega (días)').fill('4');
      expect(await checkAxe(page)).toEqual([]);
      await dialog.getByRole('button', { name: 'Guardar' }).click();

      await page.getByRole('status').getByText('Proveedor Distribuidora Norte E2E creado.').waitFor();
      const row = page.locator('tbody tr', { hasText: 'Distribuidora Norte E2E' });
      expect(((await row.textContent()) ?? '').replace(/\s/g, ' ')).toContain('30-70000002-4');
      expect(await row.textContent()).toContain('4 días');
      const stored = await dash.api('GET', '/suppliers?cuit=30-70000002-4');
      expect(stored.body.items[0]).toMatchObject({ name: 'Distribuidora Norte E2E', vat_condition: 'Responsable Inscripto', lead_time_days: 4 });

      expect(await checkAxe(page)).toEqual([]);
      await saveScreenshots(page, 'proveedores');
      expect(cspViolations).toEqual([]);
      expect(consoleErrors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('a wrong check digit is flagged before submitting, and the server refuses it when forced', async () => {
    const { page, context, cspViolations } = await openSuppliers('admin', 390);
    try {
      const posts: string[] = [];
      page.on('request', (r) => {
        if (r.method() === 'POST' && r.url().includes('/api/v1/suppliers')) posts.push(r.url());
      });
      await page.getByRole('button', { name: 'Nuevo proveedor' }).click();
      const dialog = page.getByRole('dialog', { name: 'Nuevo proveedor' });
      await dialog.getByLabel('Razón social o nombre').fill('Proveedor con typo');
      await dialog.getByLabel('CUIT').pressSequentially('20-12345678-9');
      // Shown as soon as the number is complete, without leaving the field or submitting.
      expect(await cuitMessage(page)).toBe(CHECK_DIGIT_MESSAGE);
      expect(await checkAxe(page)).toEqual([]);
      await saveScreenshots(page, 'proveedores-cuit-invalido');
      await dialog.getByRole('button', { name: 'Guardar' }).click();
      await dialog.getByText('Revise los campos marcados.').waitFor();
      expect(posts).toEqual([]);

      // Forced past the browser: the server says the same, at `cuit`.
      const forced = await dash.api('POST', '/suppliers', { name: 'Proveedor con typo', cuit: '20-12345678-9' });
      expect(forced.status).toBe(400);
      expect(forced.body.code).toBe('validation.failed');
      expect(forced.body.errors).toEqual([expect.objectContaining({ path: 'cuit' })]);

      // A CUIT that is valid but already taken: the server's 409 at the same field.
      await dialog.getByLabel('CUIT').fill('27300000016');
      await dialog.getByRole('button', { name: 'Guardar' }).click();
      expect(await cuitMessage(page)).toBe('Ya existe un proveedor con ese CUIT.');
      expect(posts).toHaveLength(1);
      expect(await horizontalOverflow(page)).toBeNull();
      expect(cspViolations).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('a manager edits the lead time; a clerk may not', async () => {
    const { page, context, cspViolations, consoleErrors } = await openSuppliers('manager');
    try {
      await page.getByRole('button', { name: 'Editar Lácteos del Oeste' }).click();
      const dialog = page.getByRole('dialog', { name: 'Editar proveedor Lácteos del Oeste' });
      const lead = dialog.getByLabel('Plazo de entrega (días)');
      expect(await lead.inputValue()).toBe('2');
      await lead.fill('7');
      await dialog.getByRole('button', { name: 'Guardar' }).click();
      await page.getByRole('status').getByText('Proveedor Lácteos del Oeste guardado.').waitFor();
      await page.locator('tbody tr', { hasText: 'Lácteos del Oeste' }).getByText('7 días').waitFor();
      const stored = await dash.api('GET', '/suppliers?cuit=27-30000001-6');
      expect(stored.body.items[0]).toMatchObject({ lead_time_days: 7, cuit: '27-30000001-6' });
      expect(cspViolations).toEqual([]);
      expect(consoleErrors).toEqual([]);
    } finally {
      await context.close();
    }

    const clerk = await openSuppliers('clerk', 390);
    try {
      await clerk.page.locator('tbody tr', { hasText: 'Lácteos del Oeste' }).waitFor();
      expect(await clerk.page.getByRole('button', { name: 'Nuevo proveedor' }).count()).toBe(0);
      expect(await clerk.page.getByRole('button', { name: /^Editar/ }).count()).toBe(0);
      expect(await horizontalOverflow(clerk.page)).toBeNull();
      expect(await checkAxe(clerk.page)).toEqual([]);
    } finally {
      await clerk.context.close();
    }
  });
});
