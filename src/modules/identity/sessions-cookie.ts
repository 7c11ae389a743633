// The dashboard session cookie: 32 random bytes, HttpOnly (no script can read it), SameSite=Strict
// (never sent on cross-site requests), Path=/, and Secure whenever the client reached us over
// TLS. Secure cookies use the __Host- prefix, which browsers accept only from a secure origin
// without a Domain attribute, so a sibling subdomain cannot plant one.
import { createHash, randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../../config.ts';

const PLAIN_NAME = 'inventario_session';
const SECURE_NAME = '__Host-inventario_session';
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export function newSessionToken(): string {
  return randomBytes(32).toString('base64url');
}

export function sessionTokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** HTTPS served directly, or a trusted proxy saying the client used HTTPS (X-Forwarded-Proto). */
export function isSecureRequest(request: FastifyRequest, config: Pick<Config, 'tls' | 'trustProxy'>): boolean {
  if (config.tls) return true;
  return config.trustProxy !== false && request.protocol === 'https';
}

export function sessionCookieName(secure: boolean): string {
  return secure ? SECURE_NAME : PLAIN_NAME;
}

/** The well-formed session token the request carries, if any. */
export function sessionTokenFrom(request: FastifyRequest, config: Pick<Config, 'tls' | 'trustProxy'>): string | undefined {
  const value = request.cookies?.[sessionCookieName(isSecureRequest(request, config))];
  return value && TOKEN_PATTERN.test(value) ? value : undefined;
}

function cookieOptions(secure: boolean) {
  return { httpOnly: true, sameSite: 'strict', path: '/', secure } as const;
}

/** No Max-Age: the cookie ends with the browser; the server enforces idle and absolute limits. */
export function setSessionCookie(reply: FastifyReply, request: FastifyRequest, config: Pick<Config, 'tls' | 'trustProxy'>, token: string): void {
  const secure = isSecureRequest(request, config);
  reply.setCookie(sessionCookieName(secure), token, cookieOptions(secure));
}

export function clearSessionCookie(reply: FastifyReply, request: FastifyRequest, config: Pick<Config, 'tls' | 'trustProxy'>): void {
  const secure = isSecureRequest(request, config);
  reply.clearCookie(sessionCookieName(secure), cookieOptions(secure));
}
