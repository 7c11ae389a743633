// HTTPS when TLS_CERT_FILE/TLS_KEY_FILE are set (HSTS then on), strict CSP, and correct client
// addresses behind a trusted proxy.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { queryRows } from '../../src/platform/db/types.ts';
import { buildApp } from '../../src/app.ts';
import { configFrom } from '../../src/config.ts';
import { createLogger } from '../../src/platform/observability/logger.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-db.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

function selfSignedCertificate(dir: string): { cert: string; key: string } {
  const cert = path.join(dir, 'cert.pem');
  const key = path.join(dir, 'key.pem');
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
    '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost',
    '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1',
  ], { stdio: 'ignore' });
  return { cert, key };
}

function get(url: string, ca: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    https
      .get(url, { ca }, (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      })
      .on('error', reject);
  });
}

describe('HTTPS served directly', () => {
  let dir: string;
  let db: TestDatabase;
  let close: () => Promise<void>;
  let baseUrl: string;
  let ca: string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tls-'));
    const files = selfSignedCertificate(dir);
    ca = fs.readFileSync(files.cert, 'utf8');
    const config = configFrom({ TLS_CERT_FILE: files.cert, TLS_KEY_FILE: files.key, LOG_LEVEL: 'silent' });
    db = await createTestDatabase('pglite');
    const { app } = await buildApp({
      config,
      database: db.database,
      logger: createLogger({ level: 'silent' }),
      https: { cert: fs.readFileSync(files.cert), key: fs.readFileSync(files.key) },
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    baseUrl = `https://localhost:${(app.server.address() as AddressInfo).port}`;
    close = async () => {
      await app.close();
      await db.drop();
      fs.rmSync(dir, { recursive: true, force: true });
    };
  });
  afterAll(async () => close?.());

  it('answers over TLS with HSTS and a strict content security policy', async () => {
    const res = await get(`${baseUrl}/health`, ca);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ status: 'ok' });
    expect(res.headers['strict-transport-security']).toMatch(/max-age=31536000/);
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers['x-frame-options']).toBe('DENY');
  });
});

describe('behind a trusted proxy', () => {
  let t: TestApp;
  let plain: TestApp;
  beforeAll(async () => {
    t = await createTestApp('pglite', { TRUST_PROXY: '127.0.0.1' });
    plain = await createTestApp('pglite');
  });
  afterAll(async () => {
    await t?.close();
    await plain?.close();
  });

  it('takes the client address from X-Forwarded-For only when the proxy is trusted', async () => {
    const headers = { 'x-forwarded-for': '203.0.113.7', 'x-request-id': `proxy-${Date.now()}` };
    const trusted = await t.call('GET', '/api/v1/products', { key: 'inv_wrong-key-for-the-audit-trail-000', headers });
    expect(trusted.statusCode).toBe(401);
    const untrusted = await plain.call('GET', '/api/v1/products', { key: 'inv_wrong-key-for-the-audit-trail-000', headers });
    expect(untrusted.statusCode).toBe(401);
    // The audit trail records the client address of the failed authentication.
    const ipOf = (app: TestApp) =>
      vi.waitFor(async () => {
        const [row] = await queryRows<{ ip: string }>(
          app.db.database.db,
          sql`select ip from audit_events where request_id = ${headers['x-request-id']}`,
        );
        if (!row) throw new Error('no audit event yet');
        return row.ip;
      });
    expect(await ipOf(t)).toBe('203.0.113.7');
    expect(await ipOf(plain)).toBe('127.0.0.1');
  });

  it('sends no HSTS over plain HTTP', async () => {
    const res = await plain.call('GET', '/health');
    expect(res.headers['strict-transport-security']).toBeUndefined();
  });
});
