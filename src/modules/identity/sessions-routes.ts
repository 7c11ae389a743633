// Dashboard sign-in (API.md "Authentication and roles"): login sets the session cookie and
// returns the CSRF token; logout ends the session; the session view lets a reloaded page get
// its CSRF token back; a signed-in user may change their own password.
import { z } from 'zod';
import type { App } from '../../platform/http/types.ts';
import { iso } from '../../platform/http/schemas.ts';
import { permissionsOf, type Role } from '../../platform/http/permissions.ts';
import type { SessionsService } from './sessions-service.ts';
import { changePasswordBody, loginBody, sessionDto } from './users-schemas.ts';

export function sessionsRoutes(app: App, { sessions, timezone }: { sessions: SessionsService; timezone: string }): void {
  const idle = sessions.idleTimeoutSeconds;
  const view = (csrfToken: string, user: { id: string; username: string; role: Role }, expiresAt: Date) => ({
    csrf_token: csrfToken,
    user,
    expires_at: iso(expiresAt),
    idle_timeout_seconds: idle,
    permissions: permissionsOf(user.role),
    timezone,
  });

  app.post(
    '/auth/login',
    {
      config: { access: 'public', operation: 'auth.login' },
      schema: { tags: ['identity'], body: loginBody, response: { 200: sessionDto } },
    },
    async (request, reply) => {
      const result = await sessions.login(request.body, request);
      sessions.setCookie(reply, request, result.token);
      return view(result.csrfToken, result.user, result.expiresAt);
    },
  );

  app.post(
    '/auth/logout',
    {
      // Public: ending an already expired session must still clear the cookie (see logout()).
      config: { access: 'public', operation: 'auth.logout' },
      schema: { tags: ['identity'], response: { 204: z.null().describe('Sesión cerrada') } },
    },
    async (request, reply) => {
      await sessions.logout(request);
      sessions.clearCookie(reply, request);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/auth/session',
    {
      config: { access: 'authenticated', operation: 'auth.session' },
      schema: { tags: ['identity'], response: { 200: sessionDto } },
    },
    async (request) => {
      const current = await sessions.current(request);
      return view(current.csrfToken, current.user, current.expiresAt);
    },
  );

  app.post(
    '/auth/password',
    {
      config: { access: 'authenticated', operation: 'auth.password_change' },
      schema: { tags: ['identity'], body: changePasswordBody, response: { 204: z.null().describe('Contraseña cambiada') } },
    },
    async (request, reply) => {
      await sessions.changeOwnPassword(request, {
        currentPassword: request.body.current_password,
        newPassword: request.body.new_password,
      });
      return reply.code(204).send(null);
    },
  );
}
