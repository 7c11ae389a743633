// The `inventario` CLI as people and scripts run it: real processes on a data directory whose
// server is stopped, checked afterwards through a real server.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readJournal } from '../../src/platform/db/migrate.ts';
import {
  killAllChildren,
  linesOf,
  makeTempDir,
  newBootstrapKey,
  removeTempDirs,
  runCli,
  spawnNode,
  startServer,
  type CliResult,
} from './helpers.ts';

afterAll(async () => {
  await killAllChildren();
  removeTempDirs();
});

interface ApiKeyItem {
  id: string;
  name: string;
  role: string;
  prefix: string;
  revoked_at: string | null;
  [field: string]: unknown;
}

describe('the inventario CLI on a data directory whose server is stopped', () => {
  const bootstrapKey = newBootstrapKey();
  let dataDir: string;
  let clerkKey: string;
  const cli = (...args: string[]) => runCli(args, { INVENTARIO_DATA_DIR: dataDir });
  const listKeys = async (): Promise<ApiKeyItem[]> => {
    const res = await cli('api-keys', 'list', '--json');
    expect(res.code, res.stderr).toBe(0);
    return (JSON.parse(res.stdout) as { items: ApiKeyItem[] }).items;
  };

  beforeAll(() => {
    dataDir = makeTempDir('cli');
  });

  it('`migrate --json` migrates a new data directory and prints one JSON summary', async () => {
    const journal = readJournal();
    const expected = { engine: 'pglite', applied: journal.length, latest: journal[journal.length - 1]!.tag };
    const first = await cli('migrate', '--json');
    expect(first.code, first.stderr).toBe(0);
    expect(linesOf(first.stdout)).toHaveLength(1);
    expect(JSON.parse(first.stdout)).toEqual(expected);
    expect(first.stderr).toBe('');
    expect(fs.existsSync(path.join(dataDir, 'pg'))).toBe(true);
    // Running it again changes nothing and says so the same way.
    const again = await cli('migrate', '--json');
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toEqual(expected);
    // The CLI released the data directory when it finished.
    expect(fs.existsSync(path.join(dataDir, 'inventario.lock'))).toBe(false);
  });

  it('`api-keys create --name caja --role clerk` prints the key alone on one line, and that key authenticates with role clerk', async () => {
    const created = await cli('api-keys', 'create', '--name', 'caja', '--role', 'clerk');
    expect(created.code, created.stderr).toBe(0);
    expect(created.stderr).toBe('');
    expect(created.stdout).toMatch(/^\S{32,}\n$/);
    clerkKey = created.stdout.trim();

    const server = await startServer({ dataDir, bootstrapKey });
    const me = await server.request('GET', '/api/v1/me', { key: clerkKey });
    expect(me.status, me.text).toBe(200);
    expect(me.json()).toMatchObject({ kind: 'api_key', name: 'caja', role: 'clerk' });
    // A clerk reads the catalog but may not write it.
    expect((await server.request('GET', '/api/v1/products', { key: clerkKey })).status).toBe(200);
    const write = await server.request('POST', '/api/v1/products', {
      key: clerkKey,
      body: { sku: 'CLI-1', name: 'x', category: 'x', cost_price: 1 },
    });
    expect(write.status).toBe(403);
    expect(write.json()).toMatchObject({ code: 'auth.forbidden' });
    expect(await server.stop()).toEqual({ code: 0, signal: null });
    expect(server.stdout()).not.toContain(clerkKey);
  });

  it('`api-keys list --json` lists the keys without any secret', async () => {
    const res = await cli('api-keys', 'list', '--json');
    expect(res.code, res.stderr).toBe(0);
    expect(linesOf(res.stdout)).toHaveLength(1);
    const items = (JSON.parse(res.stdout) as { items: ApiKeyItem[] }).items;
    const caja = items.find((k) => k.name === 'caja');
    expect(caja).toMatchObject({ role: 'clerk', revoked_at: null });
    expect(clerkKey.startsWith(caja!.prefix)).toBe(true);
    expect(caja!.prefix.length).toBeLessThan(clerkKey.length / 2);
    expect(items.find((k) => k.name === 'bootstrap')).toMatchObject({ role: 'admin' });
    for (const secret of [clerkKey, bootstrapKey]) {
      expect(res.stdout).not.toContain(secret);
      expect(res.stdout).not.toContain(secret.slice(-24));
      expect(res.stdout).not.toContain(createHash('sha256').update(secret).digest('hex'));
    }
    for (const item of items) {
      for (const field of Object.keys(item)) expect(field).not.toMatch(/^(key|key_hash|hash|secret)$/);
    }
  });

  it('`api-keys revoke ID` makes the key fail with 401 at once', async () => {
    const caja = (await listKeys()).find((k) => k.name === 'caja')!;
    const res = await cli('api-keys', 'revoke', caja.id, '--json');
    expect(res.code, res.stderr).toBe(0);
    expect(JSON.parse(res.stdout)).toMatchObject({ revoked: { id: caja.id, name: 'caja' } });
    expect((await listKeys()).find((k) => k.id === caja.id)!.revoked_at).not.toBeNull();

    const server = await startServer({ dataDir, bootstrapKey });
    const me = await server.request('GET', '/api/v1/me', { key: clerkKey });
    expect(me.status).toBe(401);
    expect(me.headers.get('www-authenticate')).toBeTruthy();
    expect((await server.request('GET', '/api/v1/me', { key: bootstrapKey })).status).toBe(200);
    expect(await server.stop()).toEqual({ code: 0, signal: null });

    const unknown = await cli('api-keys', 'revoke', '00000000-0000-7000-8000-000000000000');
    expect(unknown.code).toBe(1);
    expect(linesOf(unknown.stderr)).toHaveLength(1);
    // A command that fails after opening the database leaves no lock behind.
    expect(fs.existsSync(path.join(dataDir, 'inventario.lock'))).toBe(false);
  });

  it('a wrong role, a bad expiry or a malformed id is refused with one clear line and exit code 2, creating nothing', async () => {
    const before = await listKeys();
    const badRole = await cli('api-keys', 'create', '--name', 'x', '--role', 'jefe');
    expect(badRole.code).toBe(2);
    expect(badRole.stdout).toBe('');
    expect(linesOf(badRole.stderr)).toHaveLength(1);
    expect(badRole.stderr).toContain('--role');
    expect(badRole.stderr).toContain('admin, manager, clerk, auditor');

    const badExpiry = await cli('api-keys', 'create', '--name', 'x', '--role', 'clerk', '--expires-at', 'mañana');
    expect(badExpiry.code).toBe(2);
    expect(linesOf(badExpiry.stderr)).toHaveLength(1);
    expect(badExpiry.stderr).toContain('--expires-at');

    const badId = await cli('api-keys', 'revoke', 'not-a-uuid');
    expect(badId.code).toBe(2);
    expect(linesOf(badId.stderr)).toHaveLength(1);

    expect(await listKeys()).toEqual(before);
  });

  it.skipIf(!fs.existsSync('/proc/sys/kernel/random/boot_id'))(
    'takes over a lock written before a reboot even when its pid now belongs to a live process',
    async () => {
      const lockFile = path.join(dataDir, 'inventario.lock');
      // This test runner is alive; a lock naming it from this boot is respected...
      const owner = { pid: process.pid, host: os.hostname(), purpose: 'serve', since: '2026-01-01T00:00:00.000Z' };
      fs.writeFileSync(lockFile, JSON.stringify(owner));
      const refused = await cli('api-keys', 'list', '--json');
      expect(refused.code).not.toBe(0);
      expect(linesOf(refused.stderr)).toHaveLength(1);
      expect(refused.stderr).toContain(String(process.pid));
      // ...but the same pid recorded before the last boot (power cut) is someone else now.
      fs.writeFileSync(lockFile, JSON.stringify({ ...owner, boot: '00000000-0000-4000-8000-000000000000' }));
      const res = await cli('api-keys', 'list', '--json');
      expect(res.code, res.stderr).toBe(0);
      expect(fs.existsSync(lockFile)).toBe(false);
    },
  );

  it('bin/inventario.js (what `npx inventario` runs) is the same CLI', async () => {
    const proc = spawnNode(['bin/inventario.js', 'api-keys', 'list', '--json'], { INVENTARIO_DATA_DIR: dataDir });
    const exit = await proc.waitForExit(120_000);
    expect(exit, proc.stderr()).toEqual({ code: 0, signal: null });
    expect((JSON.parse(proc.stdout()) as { items: ApiKeyItem[] }).items).toEqual(await listKeys());
  });
});

describe('inventario --help', () => {
  /** Command names listed under "Commands:" in a help text (commander's layout). */
  function commandsIn(help: string): string[] {
    const section = help.split(/^Commands:\s*$/m)[1] ?? '';
    return [...section.matchAll(/^ {2}([a-z][\w-]*)/gm)].map((m) => m[1]!).filter((name) => name !== 'help');
  }

  it('works for every command and subcommand, without touching the data directory', async () => {
    const dataDir = path.join(makeTempDir('help'), 'never-created');
    const env = { INVENTARIO_DATA_DIR: dataDir };
    const helped = new Map<string, CliResult>();
    let frontier: string[][] = [[]];
    for (let depth = 0; depth < 3 && frontier.length > 0; depth++) {
      const results = await Promise.all(frontier.map((cmd) => runCli([...cmd, '--help'], env)));
      const nextFrontier: string[][] = [];
      results.forEach((res, i) => {
        const cmd = frontier[i]!;
        helped.set(cmd.join(' '), res);
        expect(res.code, `${cmd.join(' ')} --help: ${res.stderr}`).toBe(0);
        expect(res.stderr).toBe('');
        expect(res.stdout).toContain(`Usage: inventario${cmd.length ? ` ${cmd.join(' ')}` : ''}`);
        for (const sub of commandsIn(res.stdout)) nextFrontier.push([...cmd, sub]);
      });
      frontier = nextFrontier;
    }
    // The commands this suite relies on are among them (more may exist).
    expect([...helped.keys()]).toEqual(
      expect.arrayContaining(['', 'serve', 'migrate', 'api-keys', 'api-keys create', 'api-keys list', 'api-keys revoke', 'seed']),
    );
    expect(helped.get('api-keys create')!.stdout).toContain('--role');
    expect(fs.existsSync(dataDir)).toBe(false);
    // About 40 help screens, each a process that loads commander and one command's module.
  }, 90_000);
});
