// Dashboard sign-in (API.md "Authentication and roles"): login sets the session cookie and
// returns the CSRF token; logout ends the session; the session view lets a reloaded page get
// its CSRF token back; a signed-in user may change their own password.
import { z } from 'zod';
import type { App } from '../../platform/http/types.ts';
import { iso } from '../../platform/http/schemas.ts';
import type { SessionsService } from './sessions-service.ts';
import { changePasswordBody, loginBody, sessionDto } from './users-schemas.ts';

export function sessionsRoutes(app: App, { sessions }: { sessions: SessionsService }): void {
  const idle = sessions.idleTimeoutSeconds;

  app.post(
    '/auth/login',
    {
      config: { access: 'public', operation: 'auth.login' },
      schema: { tags: ['identity'], body: loginBody, response: { 200: sessionDto } },
    },
    async (request, reply) => {
      const result = await sessions.login(request.body, request);
      sessions.setCookie(reply, request, result.token);
      return { csrf_token: result.csrfToken, user: result.user, expires_at: iso(result.expiresAt), idle_timeout_seconds: idle };
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
      return { csrf_token: current.csrfToken, user: current.user, expires_at: iso(current.expiresAt), idle_timeout_seconds: idle };
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
