// What deploy/compose.yaml relies on, run natively: two real `inventario serve` processes on one
// PostgreSQL database (sharing the master key and the data directory), behind a TLS-terminating
// reverse proxy started here that does what deploy/Caddyfile does — replaces X-Forwarded-For
// with the real client address, adds X-Forwarded-Proto: https, balances over both instances and
// keeps /metrics to itself. One instance serves HTTPS itself from TLS_CERT_FILE/TLS_KEY_FILE with
// a self-signed certificate made by openssl in the test. (test/integration/transport.test.ts
// covers TLS and trustProxy in-process; this proves the same through real processes and sockets.)
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseUrl } from '../helpers/engines.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-db.ts';
import { createProduct, freePort, killAllChildren, makeTempDir, migratedDataDir, newBootstrapKey, READY_TIMEOUT_MS, removeTempDirs, startServer, uniqueLabel, waitFor, type ServerProcess } from './helpers.ts';

const METRICS_TOKEN = `metrics-${randomBytes(12).toString('hex')}`;

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function selfSignedCertificate(dir: string): { certFile: string; keyFile: string; ca: string } {
  const certFile = path.join(dir, 'cert.pem');
  const keyFile = path.join(dir, 'key.pem');
  // openssl is a hard requirement here: a missing binary fails the test (in CI too).
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
    '-keyout', keyFile, '-out', certFile, '-days', '1', '-subj', '/CN=localhost',
    '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1',
  ], { stdio: 'ignore' });
  return { certFile, keyFile, ca: fs.readFileSync(certFile, 'utf8') };
}

/** One request over http or https; `localAddress` picks the client's loopback address. */
function send(url: string, options: { method?: string; headers?: Record<string, string>; body?: unknown; ca?: string; localAddress?: string } = {}): Promise<Reply> {
  const u = new URL(url);
  const payload = options.body === undefined ? undefined : Buffer.from(JSON.stringify(options.body));
  const headers = { ...(options.headers ?? {}), ...(payload ? { 'content-type': 'application/json', 'content-length': String(payload.length) } : {}) };
  const lib = u.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = lib.request(
      u,
      { method: options.method ?? 'GET', headers, timeout: 30_000, ...(options.ca ? { ca: options.ca } : {}), ...(options.localAddress ? { localAddress: options.localAddress } : {}) },
      (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timeout: ${url}`)));
    req.on('error', reject);
    req.end(payload);
  });
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection', 'te', 'trailer']);

/** The Caddyfile in miniature: TLS in front, round-robin behind, X-Forwarded-* set, /metrics kept in. */
async function startProxy(tls: { certFile: string; keyFile: string; ca: string }, upstreams: string[]): Promise<{ url: string; close(): Promise<void> }> {
  let next = 0;
  const server = https.createServer({ cert: fs.readFileSync(tls.certFile), key: fs.readFileSync(tls.keyFile) }, (req, res) => {
    if (req.url?.split('?')[0] === '/metrics') {
      res.writeHead(404).end();
      return;
    }
    const upstream = upstreams[next++ % upstreams.length]!;
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(req.headers)) if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
    // Whatever the client claimed is replaced by the address it really connected from.
    headers['x-forwarded-for'] = req.socket.remoteAddress!.replace(/^::ffff:/, '');
    headers['x-forwarded-proto'] = 'https';
    headers['x-forwarded-host'] = req.headers.host ?? '';
    const target = new URL(req.url ?? '/', upstream);
    const lib = target.protocol === 'https:' ? https : http;
    const out = lib.request(target, { method: req.method, headers, ...(target.protocol === 'https:' ? { ca: tls.ca } : {}) }, (up) => {
      res.writeHead(up.statusCode ?? 502, { ...up.headers, 'x-upstream': upstream });
      up.pipe(res);
    });
    out.on('error', () => res.writeHead(502).end());
    req.pipe(out);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

// Two instances need one server database; the embedded engine is single-process by design.
// testDatabaseUrl() throws under CI=true when PostgreSQL is missing, so CI always runs this.
if (testDatabaseUrl()) {
  describe('two instances on one PostgreSQL behind a TLS reverse proxy', () => {
    const bootstrapKey = newBootstrapKey();
    let scratch: TestDatabase;
    let plain: ServerProcess;
    let tlsInstance: ServerProcess;
    let tlsUrl: string;
    let proxy: { url: string; close(): Promise<void> };
    let tls: { certFile: string; keyFile: string; ca: string };

    beforeAll(async () => {
      scratch = await createTestDatabase('pg', 2);
      tls = selfSignedCertificate(makeTempDir('deploy-tls'));
      const dataDir = migratedDataDir('deploy-data');
      // As in compose.yaml: one master key, one data volume, trust only the proxy's address.
      const env = { INVENTARIO_MASTER_KEY: randomBytes(32).toString('base64'), TRUST_PROXY: '127.0.0.1', METRICS_TOKEN };
      const tlsPort = await freePort();
      [plain, tlsInstance] = await Promise.all([
        startServer({ databaseUrl: scratch.url!, bootstrapKey, dataDir, env }),
        startServer({
          databaseUrl: scratch.url!,
          bootstrapKey,
          dataDir,
          waitReady: false,
          env: { ...env, PORT: String(tlsPort), TLS_CERT_FILE: tls.certFile, TLS_KEY_FILE: tls.keyFile },
        }),
      ]);
      tlsUrl = `https://127.0.0.1:${tlsPort}`;
      await waitFor(`${tlsUrl}/ready`, async () => ((await send(`${tlsUrl}/ready`, { ca: tls.ca }).catch(() => null))?.status === 200 ? true : undefined), READY_TIMEOUT_MS);
      proxy = await startProxy(tls, [plain.baseUrl, tlsUrl]);
    });

    afterAll(async () => {
      await proxy?.close();
      await Promise.all([plain, tlsInstance].map((s) => s?.stop().catch(() => undefined)));
      await killAllChildren();
      await scratch?.drop();
      removeTempDirs();
    });

    const viaProxy = (urlPath: string, options: Parameters<typeof send>[1] = {}) =>
      send(`${proxy.url}${urlPath}`, { ca: tls.ca, ...options, headers: { authorization: `Bearer ${bootstrapKey}`, ...(options.headers ?? {}) } });

    it('spreads requests over both instances, which read and write the same database', async () => {
      const product = await createProduct(plain, bootstrapKey);
      const seen = new Set<string>();
      for (let i = 0; i < 4; i++) {
        const res = await viaProxy(`/api/v1/products/${product.id}`);
        expect(res.status, res.body).toBe(200);
        expect(JSON.parse(res.body).sku).toBe(product.sku);
        seen.add(String(res.headers['x-upstream']));
      }
      expect([...seen].sort()).toEqual([plain.baseUrl, tlsUrl].sort());
    });

    it('records the client address the proxy forwards, not the proxy address and not one the client made up', async () => {
      const requestIds = [uniqueLabel('xff-a'), uniqueLabel('xff-b')];
      for (const id of requestIds) {
        // The client connects from 127.0.0.2 and claims to be 203.0.113.66; a wrong key is audited.
        const res = await viaProxy('/api/v1/products', {
          localAddress: '127.0.0.2',
          headers: { authorization: 'Bearer inv_wrong-key-for-the-deployment-test', 'x-forwarded-for': '203.0.113.66', 'x-request-id': id },
        });
        expect(res.status).toBe(401);
      }
      const client = new pg.Client({ connectionString: scratch.url! });
      await client.connect();
      try {
        const ips = await waitFor(
          'audit events of both requests',
          async () => {
            const { rows } = await client.query<{ ip: string }>('select ip from audit_events where request_id = any($1)', [requestIds]);
            return rows.length === 2 ? rows.map((r) => r.ip) : undefined;
          },
          15_000,
        );
        // One request went to each instance (round robin); both saw the real client.
        expect(ips).toEqual(['127.0.0.2', '127.0.0.2']);
      } finally {
        await client.end();
      }
    });

    it('gives a dashboard login through the HTTPS proxy the Secure __Host- cookie, and a plain one directly over HTTP', async () => {
      const password = `Yerba-Mate-${randomBytes(6).toString('hex')}`;
      const username = uniqueLabel('cajera').toLowerCase().replace(/[^a-z0-9_.-]/g, '').slice(0, 40);
      const created = await plain.request('POST', '/api/v1/users', { key: bootstrapKey, body: { username, password, role: 'clerk' } });
      expect(created.status, created.text).toBe(201);
      const login = { method: 'POST', body: { username, password }, headers: { authorization: '' } };
      const proxied = await viaProxy('/api/v1/auth/login', login);
      expect(proxied.status, proxied.body).toBe(200);
      const secureCookie = [proxied.headers['set-cookie']].flat().join('\n');
      expect(secureCookie).toMatch(/__Host-inventario_session=[^;]+;.*Secure/);
      const direct = await send(`${plain.baseUrl}/api/v1/auth/login`, { method: 'POST', body: { username, password } });
      expect(direct.status, direct.body).toBe(200);
      const plainCookie = [direct.headers['set-cookie']].flat().join('\n');
      expect(plainCookie).toMatch(/(^|\n)inventario_session=/);
      expect(plainCookie).not.toContain('Secure');
    });

    it('serves HTTPS itself from TLS_CERT_FILE/TLS_KEY_FILE with HSTS, and refuses plain HTTP on that port', async () => {
      const res = await send(`${tlsUrl}/health`, { ca: tls.ca });
      expect(res.status).toBe(200);
      expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
      await expect(send(`${tlsUrl.replace('https:', 'http:')}/health`)).rejects.toThrow();
      // The certificate is checked: without the self-signed CA the client refuses the server.
      await expect(send(`${tlsUrl}/health`)).rejects.toThrow(/self[- ]signed|certificate/i);
    });

    it('keeps /metrics behind the proxy; Prometheus scrapes each instance with METRICS_TOKEN', async () => {
      expect((await viaProxy('/metrics')).status).toBe(404);
      for (const [url, ca] of [[plain.baseUrl, undefined], [tlsUrl, tls.ca]] as const) {
        expect((await send(`${url}/metrics`, { ...(ca ? { ca } : {}) })).status).toBe(401);
        const scraped = await send(`${url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` }, ...(ca ? { ca } : {}) });
        expect(scraped.status).toBe(200);
        expect(scraped.body).toMatch(/^inventario_http_request_duration_seconds_count\{route="\/api\/v1\/products\/:id",method="GET",status="200"\} [1-9]/m);
      }
    });
  });
}

describe('the deploy/ files agree with what the tests above prove', () => {
  const read = (file: string) => fs.readFileSync(path.resolve(import.meta.dirname, '../../deploy', file), 'utf8');

  it('the image builds in two stages and runs as a non-root user with a health check', () => {
    const dockerfile = read('Dockerfile');
    const stages = dockerfile.split(/^FROM /m).slice(1);
    expect(stages).toHaveLength(2);
    const runtime = stages[1]!;
    expect(runtime).toMatch(/^USER inventario$/m);
    expect(runtime).not.toMatch(/^USER root/m);
    expect(runtime).toMatch(/^HEALTHCHECK [\s\S]*\/health/m);
    expect(runtime).toMatch(/^CMD \["serve"\]$/m);
  });

  it('compose trusts forwarded headers from the proxy container only, and runs two instances on one database and key', () => {
    const compose = read('compose.yaml');
    const proxyIp = /caddy:[\s\S]*?ipv4_address: (\S+)/.exec(compose)?.[1];
    expect(proxyIp).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    const trusted = [...compose.matchAll(/TRUST_PROXY: (\S+)/g)].map((m) => m[1]);
    expect(new Set(trusted)).toEqual(new Set([proxyIp]));
    for (const service of ['app1', 'app2', 'postgres', 'redis', 'caddy']) expect(compose).toMatch(new RegExp(`^  ${service}:$`, 'm'));
    expect(compose).toContain('INVENTARIO_MASTER_KEY_FILE: /run/secrets/master_key');
    const caddyfile = read('Caddyfile');
    expect(caddyfile).toMatch(/reverse_proxy app1:8080 app2:8080/);
    expect(caddyfile).toMatch(/health_uri \/ready/);
    expect(caddyfile).toMatch(/@metrics path \/metrics\s+respond @metrics 404/);
  });

  it('the systemd timers start the backup and drill services, which run CLI commands', () => {
    for (const unit of ['inventario-backup', 'inventario-dr-drill']) {
      expect(read(`systemd/${unit}.timer`)).toMatch(/^OnCalendar=/m);
      expect(read(`systemd/${unit}.timer`)).toMatch(/^Persistent=true$/m);
      expect(read(`systemd/${unit}.service`)).toMatch(/^Type=oneshot$/m);
    }
    expect(read('systemd/inventario-backup.service')).toMatch(/^ExecStart=\/usr\/bin\/node bin\/inventario\.js backup create/m);
    expect(read('systemd/inventario-dr-drill.service')).toMatch(/^ExecStart=\/usr\/bin\/node bin\/inventario\.js dr drill [\s\S]*--share /m);
    expect(read('systemd/inventario.service')).toMatch(/^ExecStart=\/usr\/bin\/node bin\/inventario\.js serve$/m);
  });
});
