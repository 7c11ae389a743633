// CSRF protection for cookie-authenticated requests (synchronizer token). The token is derived
// from the session secret with HMAC, so it needs no storage, changes whenever the session does,
// and cannot be computed from anything in the database (which holds only the session's SHA-256).
// SameSite=Strict and the JSON-only body parser already stop most cross-site writes; the token
// is the layer that does not depend on browser behaviour.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { AppError } from './errors.ts';

export const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function isStateChanging(method: string): boolean {
  return !SAFE_METHODS.has(method.toUpperCase());
}

export function csrfTokenFor(sessionSecret: string): string {
  return createHmac('sha256', sessionSecret).update('inventario-csrf-v1').digest('base64url');
}

/** Constant-time comparison of the header with the session's token. */
export function csrfMatches(sessionSecret: string, presented: unknown): boolean {
  if (typeof presented !== 'string') return false;
  const expected = Buffer.from(csrfTokenFor(sessionSecret));
  const given = Buffer.from(presented);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export function csrfFailed(): AppError {
  return new AppError(
    403,
    'auth.csrf_failed',
    'Falta el encabezado X-CSRF-Token o no corresponde a la sesión; vuelva a iniciar sesión si el problema persiste.',
  );
}

/** Throws 403 auth.csrf_failed when a state-changing request lacks the session's token. */
export function assertCsrf(request: FastifyRequest, sessionSecret: string): void {
  if (!isStateChanging(request.method)) return;
  if (!csrfMatches(sessionSecret, request.headers[CSRF_HEADER])) throw csrfFailed();
}
