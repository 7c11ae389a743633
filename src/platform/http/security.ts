// Security headers and rate limits for every response.
import { createHash } from 'node:crypto';
import helmet from 'helmet';
import rateLimit from '@fastify/rate-limit';
import { Redis } from 'ioredis';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from './errors.ts';

export interface SecurityOptions {
  tls: boolean;
  rateLimitPerMinute: number;
  rateLimitAnonPerMinute: number;
  redisUrl: string | undefined;
}

/** The caller's rate-limit bucket: the API key's visible prefix if one is sent, else the IP. */
export function rateLimitKey(request: FastifyRequest): string {
  const auth = request.headers.authorization;
  const key = typeof auth === 'string' && auth.startsWith('Bearer ') ? auth.slice(7) : request.headers['x-api-key'];
  if (typeof key === 'string' && key.length >= 16) return `key:${key.slice(0, 16)}`;
  // Dashboard users get their own budget per session (staff behind one shop router would
  // otherwise share the anonymous per-IP one). Only a hash of the cookie is kept as the bucket.
  const session = SESSION_COOKIE.exec(request.headers.cookie ?? '')?.[1];
  if (session && session.length >= 16) return `key:s${createHash('sha256').update(session).digest('hex').slice(0, 15)}`;
  return `ip:${request.ip}`;
}

const SESSION_COOKIE = /(?:^|;\s*)(?:__Host-)?inventario_session=([^;\s]+)/;

export async function registerSecurity(app: FastifyInstance, options: SecurityOptions): Promise<Redis | undefined> {
  // helmet's middleware is built once here. @fastify/helmet rebuilt it (parsing the CSP
  // directives again) on every request: about 10 µs of CPU each, 2 % of a stock movement's.
  // The headers are the same on every response, so nothing is lost.
  const securityHeaders = helmet({
    // Strict by default: nothing inline, nothing from elsewhere. /docs relaxes it for itself.
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    frameguard: { action: 'deny' },
    hsts: options.tls ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    crossOriginEmbedderPolicy: false,
  });
  app.addHook('onRequest', (request, reply, done) => securityHeaders(request.raw, reply.raw, (err) => done(err as Error | undefined)));

  const redis = options.redisUrl
    ? new Redis(options.redisUrl, { lazyConnect: false, maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2000 })
    : undefined;
  // A Redis outage must not take the shop down: errors are swallowed here and the limiter
  // skips (skipOnError) until Redis is back.
  redis?.on('error', () => undefined);

  // JSON only: text/plain is a "simple" content type any web page may POST cross-origin without
  // a CORS preflight, and no route takes it. Unsupported types get 415.
  app.removeContentTypeParser('text/plain');

  await app.register(rateLimit, {
    // Not per route: route-level hooks run after the app-level auth hook, so requests refused
    // with 401/403 would never be counted. The app-level hook below is added before buildApp
    // registers the auth hook, so it runs first and also covers unknown routes.
    global: false,
    timeWindow: 60_000,
    max: (request: FastifyRequest) =>
      rateLimitKey(request).startsWith('key:') ? options.rateLimitPerMinute : options.rateLimitAnonPerMinute,
    keyGenerator: rateLimitKey,
    ...(redis ? { redis, nameSpace: 'inventario-rl:', skipOnError: true } : {}),
    // Health and readiness probes are never throttled.
    allowList: (request: FastifyRequest) => ['/health', '/ready'].includes(request.url.split('?')[0]!),
    errorResponseBuilder: (_request, context) => {
      const err = new AppError(
        429,
        'rate_limit.exceeded',
        `Demasiadas solicitudes; reintente en ${Math.ceil(context.ttl / 1000)} s.`,
        { headers: { 'retry-after': String(Math.ceil(context.ttl / 1000)) } },
      );
      return err;
    },
  });
  app.addHook('onRequest', app.rateLimit());
  return redis;
}
