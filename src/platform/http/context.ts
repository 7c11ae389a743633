import type { FastifyRequest } from 'fastify';
import type { Role, RouteAccess } from './permissions.ts';

/** Who is making a request, as established by the auth hook. */
export interface Identity {
  kind: 'api_key' | 'session';
  id: string;
  name: string;
  role: Role;
  /** Stable label written to the ledger and the logs: `api_key:<id>` or `user:<id>`. */
  actor: string;
}

/** Resolves credentials to an identity; supplied by the identity module. */
export type Authenticator = (request: FastifyRequest) => Promise<Identity | null>;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Required on every route: which permission the caller needs. */
    access?: RouteAccess;
    /** Required on every route: a stable operation name (`stock.movement.create`). */
    operation?: string;
    /**
     * Optional: lets a request through without an identity when it returns true (GET /metrics:
     * the scrape token, or loopback while no token is set). Checked before credentials.
     */
    allowAnonymous?: (request: FastifyRequest) => boolean;
  }
  interface FastifyRequest {
    identity: Identity | null;
    /** The problem code of an error response, set by the problem renderer. */
    problemCode: string | null;
  }
}

export function requireIdentity(request: FastifyRequest): Identity {
  if (!request.identity) throw new Error('route reached without an identity; check its access declaration');
  return request.identity;
}
