import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

describe('loadConfig', () => {
  it('gives the documented defaults when nothing is set', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      databaseUrl: undefined,
      timezone: 'America/Argentina/Buenos_Aires',
      logLevel: 'info',
      trustProxy: false,
    });
    expect(c.dataDir.endsWith('/data')).toBe(true);
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '' })).toMatchObject({ port: 8080, databaseUrl: undefined });
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ INVENTARIO_BOOTSTRAP_API_KEY: 'short' }, 'INVENTARIO_BOOTSTRAP_API_KEY'],
    [{ INVENTARIO_TIMEZONE: 'Mars/Base' }, 'INVENTARIO_TIMEZONE'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ REDIS_URL: 'http://x' }, 'REDIS_URL'],
    [{ TLS_CERT_FILE: '/x.pem' }, 'TLS_KEY_FILE'],
    [{ INVENTARIO_MASTER_KEY: 'bm90LTMyLWJ5dGVz' }, 'INVENTARIO_MASTER_KEY'],
    [{ METRICS_TOKEN: 'short' }, 'METRICS_TOKEN'],
    [{ RETENTION_INVOICE_FILES_YEARS: '5' }, 'RETENTION_INVOICE_FILES_YEARS'],
    [{ RETENTION_AUDIT_EVENTS_YEARS: '2' }, 'RETENTION_AUDIT_EVENTS_YEARS'],
    [{ RETENTION_CUSTOMERS_INACTIVE_YEARS: '0' }, 'RETENTION_CUSTOMERS_INACTIVE_YEARS'],
    [{ RETENTION_INTERVAL_HOURS: '-1' }, 'RETENTION_INTERVAL_HOURS'],
    [{ PRIVACY_CONTACT_EMAIL: 'nope' }, 'PRIVACY_CONTACT_EMAIL'],
    [{ PRIVACY_CONTROLLER_CUIT: '123' }, 'PRIVACY_CONTROLLER_CUIT'],
  ])('rejects %j with one line naming %s', (env, variable) => {
    let error: unknown;
    try {
      loadConfig(env as NodeJS.ProcessEnv);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain(variable);
    expect(message.split('\n')).toHaveLength(1);
  });

  it('never echoes a rejected secret', () => {
    expect(() => loadConfig({ INVENTARIO_BOOTSTRAP_API_KEY: 'hunter2-secret' })).toThrow(/^Invalid INVENTARIO_BOOTSTRAP_API_KEY: [^"]*$/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://user:pa55w0rd@db/x' })).not.toThrow(/pa55w0rd/);
    expect(() => loadConfig({ PORT: 'abc' })).toThrow(/got "abc"/);
  });

  it('parses TRUST_PROXY as a flag, a hop count or a list of addresses', () => {
    expect(loadConfig({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.1, 10.0.0.0/8' }).trustProxy).toEqual(['10.0.0.1', '10.0.0.0/8']);
  });

  it('defaults retention to the Argentine fiscal and prescription periods', () => {
    expect(loadConfig({}).privacy.retention).toEqual({ customersInactiveYears: 5, invoiceFilesYears: 10, auditEventsYears: 10, intervalHours: 24 });
    expect(loadConfig({ RETENTION_INTERVAL_HOURS: '0', PRIVACY_CONTROLLER_NAME: ' Almacén Don José ' }).privacy).toMatchObject({
      retention: { intervalHours: 0 },
      controller: { name: 'Almacén Don José', email: undefined },
    });
  });

  it('accepts a 32-byte base64 master key', () => {
    const key = Buffer.alloc(32, 7).toString('base64');
    expect(loadConfig({ INVENTARIO_MASTER_KEY: key }).masterKey).toBe(key);
  });
});
