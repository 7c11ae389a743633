// API keys: creation, lookup on every request, revocation and the first admin key; request
// authentication by API key or, for the dashboard, by session cookie (sessions-service.ts).
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyRequest } from 'fastify';
import { uuidv7 } from 'uuidv7';
import type { Database, Queryable } from '../../platform/db/types.ts';
import { SYSTEM_CONTEXT, auditContextOf, type AuditContext, type AuditWriter } from '../../platform/audit/writer.ts';
import type { Identity } from '../../platform/http/context.ts';
import type { Role } from '../../platform/http/permissions.ts';
import { isRole } from '../../platform/http/permissions.ts';
import { decodeCursor, pageOf } from '../../platform/http/pagination.ts';
import { findPgError } from '../../platform/db/sqlstate.ts';
import { createIdentityRepo, type ApiKeyRow } from './repo.ts';
import { IdentityErrors } from './errors.ts';
import { generateApiKey, hashApiKey, hashesEqual, keyFromHeaders, visiblePrefix } from './api-key-secret.ts';
import type { SessionsService } from './sessions-service.ts';
import { lockedError, type Lockout } from './sessions-lockout.ts';

// Authenticated keys are remembered briefly so a busy till does not pay a lookup per request.
// Revocation through this instance clears the cache at once; other instances notice within
// CACHE_TTL_MS. last_used_at is written at most once a minute per key.
const CACHE_TTL_MS = 2_000;
const LAST_USED_WRITE_INTERVAL_MS = 60_000;

export interface CreatedApiKey {
  row: ApiKeyRow;
  key: string;
}

export interface CreateApiKeyInput {
  name: string;
  role: Role;
  expiresAt?: Date | null;
  createdBy: string;
}

export function createIdentityService(
  database: Database,
  deps: { audit: AuditWriter; sessions?: Pick<SessionsService, 'authenticate'>; lockout?: Lockout },
) {
  const { audit, sessions, lockout } = deps;
  const cache = new Map<string, { identity: Identity; expiresAt: Date | null; cachedAt: number }>();
  const lastUsedWritten = new Map<string, number>();

  function identityOf(row: ApiKeyRow): Identity {
    const role = isRole(row.role) ? row.role : 'clerk';
    return { kind: 'api_key', id: row.id, name: row.name, role, actor: `api_key:${row.id}` };
  }

  function recordUse(id: string): void {
    const now = Date.now();
    if (now - (lastUsedWritten.get(id) ?? 0) < LAST_USED_WRITE_INTERVAL_MS) return;
    lastUsedWritten.set(id, now);
    // Fire and forget: a failed timestamp update must never fail the request.
    createIdentityRepo(database.db).touchLastUsed(id).catch(() => lastUsedWritten.delete(id));
  }

  async function authenticateKey(key: string): Promise<Identity | null> {
    if (key.length < 16 || key.length > 512) return null;
    const hash = hashApiKey(key);
    const cached = cache.get(hash);
    const now = Date.now();
    if (cached && now - cached.cachedAt < CACHE_TTL_MS && (!cached.expiresAt || cached.expiresAt.getTime() > now)) {
      recordUse(cached.identity.id);
      return cached.identity;
    }
    const candidates = await createIdentityRepo(database.db).findByPrefix(visiblePrefix(key));
    const row = candidates.find((c) => hashesEqual(c.keyHash, hash));
    if (!row || row.revokedAt || (row.expiresAt && row.expiresAt.getTime() <= now)) {
      cache.delete(hash);
      return null;
    }
    const identity = identityOf(row);
    cache.set(hash, { identity, expiresAt: row.expiresAt, cachedAt: now });
    recordUse(row.id);
    return identity;
  }

  /** Inserts a key and its audit event in one transaction. */
  async function insertKey(key: string, input: CreateApiKeyInput, ctx: AuditContext): Promise<ApiKeyRow> {
    return database.transaction(async (tx) => {
      const row = await insertKeyRow(tx, key, input);
      await audit.record(tx, ctx, {
        action: 'identity.api_key.create',
        resource: `api_key:${row.id}`,
        outcome: 'success',
        details: { name: row.name, role: row.role, prefix: row.prefix, expires_at: row.expiresAt?.toISOString() ?? null },
      });
      return row;
    });
  }

  async function insertKeyRow(q: Queryable, key: string, input: CreateApiKeyInput): Promise<ApiKeyRow> {
    return createIdentityRepo(q).insertApiKey({
      id: uuidv7(),
      name: input.name,
      role: input.role,
      prefix: visiblePrefix(key),
      keyHash: hashApiKey(key),
      createdBy: input.createdBy,
      expiresAt: input.expiresAt ?? null,
    });
  }

  return {
    /**
     * An API key when one is sent (a key wins over a cookie), else the dashboard session cookie.
     * A failed key counts against the client address like a failed login; a locked address is
     * refused from memory before any lookup, so a flood of made-up keys costs no queries.
     */
    authenticate: async (request: FastifyRequest): Promise<Identity | null> => {
      const key = keyFromHeaders(request.headers);
      if (!key) return sessions ? sessions.authenticate(request) : null;
      if (!lockout) return authenticateKey(key);
      const locked = lockout.ipLockedFast(request.ip);
      if (locked > 0) throw lockedError(locked);
      const identity = await authenticateKey(key);
      if (identity) return identity;
      const lockedNow = await database.transaction((tx) =>
        lockout.recordFailure(tx, [{ scope: 'ip', key: request.ip }], auditContextOf(request), 'api_key'),
      );
      if (lockedNow > 0) throw lockedError(lockedNow);
      return null;
    },

    authenticateKey,

    /**
     * The display name behind audit actors (`user:<id>` → username, `api_key:<id>` → key name),
     * so an auditor reads names without access to the users list. Other actors get no entry.
     */
    async actorNames(actors: Iterable<string>): Promise<Map<string, string>> {
      const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
      const idsOf = (kind: string) =>
        [...new Set([...actors].filter((a) => a.startsWith(`${kind}:`)).map((a) => a.slice(kind.length + 1)))].filter((id) => uuid.test(id));
      const found = await createIdentityRepo(database.db).namesOf(idsOf('user'), idsOf('api_key'));
      return new Map([...found.users.map((u) => [`user:${u.id}`, u.name] as const), ...found.keys.map((k) => [`api_key:${k.id}`, k.name] as const)]);
    },

    async createApiKey(input: CreateApiKeyInput, ctx: AuditContext = SYSTEM_CONTEXT): Promise<CreatedApiKey> {
      const key = generateApiKey();
      return { row: await insertKey(key, input, ctx), key };
    },

    async listApiKeys(limit: number, cursor: string | undefined) {
      const after = decodeCursor(cursor, 1)?.[0];
      const rows = await createIdentityRepo(database.db).list(limit, after);
      return pageOf(rows, limit, (r) => [r.id]);
    },

    async getApiKey(id: string): Promise<ApiKeyRow> {
      const [row] = await createIdentityRepo(database.db).findById(id);
      if (!row) throw IdentityErrors.apiKeyNotFound();
      return row;
    },

    async revokeApiKey(id: string, ctx: AuditContext = SYSTEM_CONTEXT): Promise<ApiKeyRow> {
      const row = await database.transaction(async (tx) => {
        const revoked = await createIdentityRepo(tx).revoke(id);
        if (!revoked) throw IdentityErrors.apiKeyNotFound();
        await audit.record(tx, ctx, {
          action: 'identity.api_key.revoke',
          resource: `api_key:${revoked.id}`,
          outcome: 'success',
          details: { name: revoked.name, role: revoked.role, prefix: revoked.prefix },
        });
        return revoked;
      });
      for (const [hash, entry] of cache) if (entry.identity.id === id) cache.delete(hash);
      return row;
    },

    /**
     * At start-up: when no admin key exists, the bootstrap key (if configured) becomes one.
     * Without it, a fresh admin key is written to a 0600 file in the data dir (never logged),
     * so the shop owner of a first `npm start` has a way in. Returns what was done.
     */
    async ensureAdminAccess(options: { bootstrapKey?: string | undefined; dataDir?: string }): Promise<
      { action: 'none' } | { action: 'bootstrap' } | { action: 'generated'; file: string }
    > {
      const repo = createIdentityRepo(database.db);
      if (options.bootstrapKey) {
        const existing = await repo.findByPrefix(visiblePrefix(options.bootstrapKey));
        if (existing.some((r) => hashesEqual(r.keyHash, hashApiKey(options.bootstrapKey!)))) return { action: 'none' };
      }
      if ((await repo.countActiveAdmins()) > 0) return { action: 'none' };
      if (options.bootstrapKey) {
        try {
          await insertKey(options.bootstrapKey, { name: 'bootstrap', role: 'admin', createdBy: 'system:bootstrap' }, {
            ...SYSTEM_CONTEXT,
            actor: 'system:bootstrap',
          });
        } catch (err) {
          // Instances started together race to register the same key: the unique hash index
          // lets exactly one win, and for the others the key is already there.
          if (findPgError(err)?.code === '23505') return { action: 'none' };
          throw err;
        }
        return { action: 'bootstrap' };
      }
      if (!options.dataDir) return { action: 'none' };
      const key = generateApiKey();
      await insertKey(key, { name: 'initial-admin', role: 'admin', createdBy: 'system:first-start' }, {
        ...SYSTEM_CONTEXT,
        actor: 'system:first-start',
      });
      const file = path.join(options.dataDir, 'initial-admin-api-key.txt');
      fs.writeFileSync(file, `${key}\n`, { mode: 0o600 });
      return { action: 'generated', file };
    },
  };
}

export type IdentityService = ReturnType<typeof createIdentityService>;
