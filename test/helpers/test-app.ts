// The real app over a fresh database, driven with app.inject (no sockets).
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { configFrom, type Config } from '../../src/config.ts';
import { createLogger } from '../../src/platform/observability/logger.ts';
import type { EngineName } from '../../src/platform/db/types.ts';
import type { Services } from '../../src/services.ts';
import type { Role } from '../../src/platform/http/permissions.ts';
import { createTestDatabase, type TestDatabase } from './test-db.ts';

export interface TestApp {
  app: FastifyInstance;
  services: Services;
  db: TestDatabase;
  config: Config;
  /** Everything the server logged, one JSON line per entry. */
  logLines: string[];
  adminKey: string;
  keyFor(role: Role): Promise<string>;
  call(method: string, url: string, options?: CallOptions): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export interface CallOptions {
  key?: string | null;
  body?: unknown;
  headers?: Record<string, string>;
  idempotencyKey?: string;
}

let counter = 0;

export async function createTestApp(engine: EngineName, env: Record<string, string> = {}): Promise<TestApp> {
  const db = await createTestDatabase(engine);
  // An in-memory random master key per app: tests never touch a keyring file in ./data.
  const masterKey = env.INVENTARIO_MASTER_KEY_FILE ? {} : { INVENTARIO_MASTER_KEY: randomBytes(32).toString('base64') };
  // A data directory of its own (removed at close) unless the test names one: what an app writes
  // beside its database (audit checkpoints, the erasure journal, the register of shredded keys,
  // invoice files) must never land in ./data, where `npm start` keeps the developer's store.
  const ownDataDir = env.INVENTARIO_DATA_DIR ? undefined : fs.mkdtempSync(path.join(os.tmpdir(), 'inventario-test-app-'));
  const config = configFrom({
    LOG_LEVEL: 'info',
    RATE_LIMIT_PER_MINUTE: '100000',
    RATE_LIMIT_ANON_PER_MINUTE: '100000',
    ...masterKey,
    ...(ownDataDir ? { INVENTARIO_DATA_DIR: ownDataDir } : {}),
    ...env,
  });
  const logLines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, cb) {
      logLines.push(...String(chunk).split('\n').filter(Boolean));
      cb();
    },
  });
  const logger = createLogger({ level: config.logLevel, destination });
  const { app, services } = await buildApp({ config, database: db.database, logger });
  await app.ready();
  const admin = await services.identity.createApiKey({ name: 'test-admin', role: 'admin', createdBy: 'test' });
  const keys = new Map<Role, string>([['admin', admin.key]]);

  const call: TestApp['call'] = (method, url, options = {}) => {
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    const key = options.key === undefined ? admin.key : options.key;
    if (key) headers.authorization = `Bearer ${key}`;
    if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
    return app.inject({
      method: method as 'GET',
      url,
      headers,
      ...(options.body !== undefined ? { payload: options.body as object } : {}),
    });
  };

  return {
    app,
    services,
    db,
    config,
    logLines,
    adminKey: admin.key,
    async keyFor(role) {
      const existing = keys.get(role);
      if (existing) return existing;
      const created = await services.identity.createApiKey({ name: `test-${role}`, role, createdBy: 'test' });
      keys.set(role, created.key);
      return created.key;
    },
    call,
    async close() {
      await app.close();
      await db.drop();
      if (ownDataDir) fs.rmSync(ownDataDir, { recursive: true, force: true });
    },
  };
}

/** A unique idempotency key per call site. */
export function idemKey(label = 'k'): string {
  counter += 1;
  return `${label}-${process.pid}-${Date.now()}-${counter}`;
}
