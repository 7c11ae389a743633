// One hook checks every request against the permission its route declared.
import type { FastifyInstance } from 'fastify';
import { AppError } from './errors.ts';
import type { Authenticator } from './context.ts';
import { roleHas } from './permissions.ts';

const WWW_AUTHENTICATE = 'Bearer realm="inventario", charset="UTF-8"';

export function unauthorized(detail = 'Se requieren credenciales válidas (Authorization: Bearer o X-API-Key).'): AppError {
  return new AppError(401, 'auth.unauthenticated', detail, { headers: { 'www-authenticate': WWW_AUTHENTICATE } });
}

export function registerAuthHook(app: FastifyInstance, authenticate: Authenticator): void {
  app.decorateRequest('identity', null);
  app.decorateRequest('problemCode', null);
  app.addHook('onRequest', async (request) => {
    const access = request.routeOptions.config.access;
    // Unknown routes (404 handler) and public routes need no identity.
    if (request.is404 || access === 'public') return;
    if (!access) throw new AppError(500, 'internal', 'La ruta no declara permisos.');
    if (request.routeOptions.config.allowAnonymous?.(request)) return;
    const identity = await authenticate(request);
    if (!identity) throw unauthorized();
    request.identity = identity;
    if (access === 'authenticated') return;
    if (!roleHas(identity.role, access)) {
      throw new AppError(403, 'auth.forbidden', 'Su rol no tiene permiso para esta operación.');
    }
  });
}
