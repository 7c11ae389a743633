// Usuarios y claves in a real browser, as the admin: creating a dashboard user shows the API's
// password-policy message inline (a weak password), then succeeds with a good one; the role is
// changed and the account disabled from the edit dialog. An API key is created, its secret shown
// once with "Copiar" (announced "Copiado"), the key works against the API, is gone from the page
// once dismissed, and after revoking (with confirmation) the API answers 401.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { checkAxe, describeE2E, horizontalOverflow, newPage, openBrowser, saveScreenshots, startDashboard, type Dashboard } from './harness.ts';

describeE2E('usuarios y claves (browser)', () => {
  let dash: Dashboard;
  let browser: Browser;

  beforeAll(async () => {
    [dash, browser] = await Promise.all([startDashboard(), openBrowser()]);
  });

  afterAll(async () => {
    await browser?.close();
    await dash?.stop();
  });

  async function userByName(username: string): Promise<{ id: string; role: string; disabled: boolean } | undefined> {
    const res = await dash.api('GET', '/users?limit=100');
    return (res.body.items as Array<{ id: string; username: string; role: string; disabled: boolean }>).find((u) => u.username === username);
  }

  it('an admin creates a user: the password policy message inline, then a good password; role change and disable', async () => {
    const { page, context, cspViolations, consoleErrors } = await newPage(browser, dash, { role: 'admin', width: 390, path: '/usuarios' });
    try {
      await page.getByRole('heading', { level: 1, name: 'Usuarios y claves' }).waitFor();
      await page.getByRole('region', { name: 'Tabla de usuarios del panel' }).getByText(dash.users.manager.username).waitFor();

      await page.getByRole('button', { name: 'Nuevo usuario' }).click();
      const form = page.getByRole('form', { name: 'Nuevo usuario' });
      await form.getByLabel('Nombre de usuario').fill('cajera.tarde');
      const password = form.getByLabel('Contraseña');
      await password.fill('cajera.tarde-2026');
      await form.getByLabel('Rol').selectOption('clerk');
      await form.getByRole('button', { name: 'Crear usuario' }).click();
      await password.and(page.locator('[aria-invalid="true"]')).waitFor();
      const errorId = ((await password.getAttribute('aria-describedby')) ?? '').split(' ').find((id) => id.endsWith('-error'));
      expect(await page.locator(`[id="${errorId}"]`).textContent()).toBe('la contraseña no puede contener el nombre de usuario');
      await form.getByRole('alert').getByText('Revise los campos marcados.').waitFor();
      expect(await userByName('cajera.tarde')).toBeUndefined();
      expect(await checkAxe(page)).toEqual([]);
      expect(await horizontalOverflow(page)).toBeNull();

      await password.fill('Tereré-con-limón-en-enero');
      await form.getByRole('button', { name: 'Crear usuario' }).click();
      await form.getByRole('status').getByText('Usuario cajera.tarde creado.').waitFor();
      expect(await password.inputValue()).toBe('');
      const created = await userByName('cajera.tarde');
      expect(created).toMatchObject({ role: 'clerk', disabled: false });
      const row = page.getByRole('region', { name: 'Tabla de usuarios del panel' }).locator('tr', { hasText: 'cajera.tarde' });
      await row.getByText('Depósito/caja').filter({ visible: true }).waitFor();

      await row.getByRole('button', { name: 'Editar el usuario cajera.tarde' }).click();
      const dialog = page.getByRole('dialog', { name: 'Editar cajera.tarde' });
      await dialog.getByLabel('Rol').selectOption('manager');
      await dialog.getByLabel('Cuenta deshabilitada (no puede ingresar)').check();
      expect(await checkAxe(page)).toEqual([]);
      await dialog.getByRole('button', { name: 'Guardar' }).click();
      await page.getByRole('status').getByText('Cambios guardados para cajera.tarde.').waitFor();
      await row.getByText('Deshabilitado').filter({ visible: true }).waitFor();
      expect(await userByName('cajera.tarde')).toMatchObject({ role: 'manager', disabled: true });

      // The admin's own row cannot demote or disable itself.
      await page.getByRole('button', { name: `Editar el usuario ${dash.users.admin.username}` }).click();
      const self = page.getByRole('dialog', { name: `Editar ${dash.users.admin.username}` });
      expect(await self.getByLabel('Rol').isDisabled()).toBe(true);
      await self.getByRole('button', { name: 'Cancelar' }).click();

      expect(cspViolations).toEqual([]);
      expect(consoleErrors.filter((e) => !/status of 400/.test(e))).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('an API key: the secret once with Copiar, it works, and after revoking the API answers 401', async () => {
    const { page, context, cspViolations, consoleErrors } = await newPage(browser, dash, { role: 'admin', path: '/usuarios' });
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    try {
      const me = (key: string) => fetch(`${dash.baseUrl}/api/v1/me`, { headers: { authorization: `Bearer ${key}` } });
      const keys = page.getByRole('region', { name: 'Claves de API', exact: true });
      await keys.getByRole('region', { name: 'Tabla de claves de API' }).waitFor();

      await keys.getByRole('button', { name: 'Nueva clave de API' }).click();
      const form = keys.getByRole('form', { name: 'Nueva clave de API' });
      await form.getByLabel('Nombre').fill('Balanza E2E');
      await form.getByLabel('Rol').selectOption('clerk');
      await form.getByRole('button', { name: 'Crear clave' }).click();

      const box = keys.getByRole('region', { name: 'Clave «Balanza E2E» creada' });
      await box.getByText('no se volverá a mostrar').waitFor();
      const secret = ((await box.getByTestId('api-key-secret').textContent()) ?? '').trim();
      expect(secret.length).toBeGreaterThan(20);
      await box.getByRole('button', { name: 'Copiar' }).click();
      await box.getByRole('status').getByText('Copiado', { exact: true }).waitFor();
      expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
      expect(await checkAxe(page)).toEqual([]);
      await saveScreenshots(page, 'usuarios-clave-creada');

      // The key works against the API, with the role it was given.
      const ok = await me(secret);
      expect(ok.status).toBe(200);
      expect(await ok.json()).toMatchObject({ kind: 'api_key', name: 'Balanza E2E', role: 'clerk' });

      // Dismissed, the secret is gone; the list shows its prefix only.
      await box.getByRole('button', { name: 'Ya la guardé' }).click();
      await box.waitFor({ state: 'detached' });
      const row = keys.locator('tr', { hasText: 'Balanza E2E' });
      await row.waitFor();
      expect(await page.content()).not.toContain(secret);

      await row.getByRole('button', { name: 'Revocar la clave Balanza E2E' }).click();
      const confirm = page.getByRole('dialog', { name: 'Revocar clave de API' });
      await confirm.getByText('dejará de funcionar de inmediato').waitFor();
      await confirm.getByRole('button', { name: 'Sí, revocar' }).click();
      await keys.getByRole('status').getByText('Clave «Balanza E2E» revocada.').waitFor();
      await row.getByText('Revocada').filter({ visible: true }).waitFor();
      expect(await row.getByRole('button').count()).toBe(0);

      expect((await me(secret)).status).toBe(401);
      expect(await horizontalOverflow(page)).toBeNull();
      await saveScreenshots(page, 'usuarios-clave-revocada');
      expect(cspViolations).toEqual([]);
      expect(consoleErrors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
