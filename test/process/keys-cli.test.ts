// `inventario keys status|split|recover|rotate` as operators run them: real processes on a real
// data directory, with and without the server running (API.md, last paragraph).
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyCheckValue } from '../../src/platform/crypto/primitives.ts';
import { killAllChildren, linesOf, makeTempDir, migratedDataDir, newBootstrapKey, removeTempDirs, runCli, startServer, type CliResult } from './helpers.ts';

afterAll(async () => {
  await killAllChildren();
  removeTempDirs();
});

interface KeyringJson {
  versions: { version: number; key: string; retired_at?: string }[];
  active: number;
}

const modeOf = (file: string) => fs.statSync(file).mode & 0o777;

/** A failure: exit 1 (2 for usage mistakes), nothing on stdout, one `error:` line matching re. */
function expectOneLineError(res: CliResult, re: RegExp, code = 1): void {
  expect(res.code, res.stdout).toBe(code);
  expect(res.stdout).toBe('');
  expect(linesOf(res.stderr)).toHaveLength(1);
  expect(res.stderr).toMatch(/^error: /);
  expect(res.stderr).toMatch(re);
}

describe('the keys CLI', () => {
  const bootstrapKey = newBootstrapKey();
  let dataDir: string;
  let work: string;
  let customerId: string;
  const keyringFile = () => path.join(dataDir, 'keyring.json');
  const keyring = (): KeyringJson => JSON.parse(fs.readFileSync(keyringFile(), 'utf8'));
  const activeKey = () => keyring().versions.find((v) => v.version === keyring().active)!.key;
  const cli = (args: string[], env: Record<string, string> = {}) => runCli(['keys', ...args], { INVENTARIO_DATA_DIR: dataDir, ...env });
  const shareFiles = (dir: string) => fs.readdirSync(dir).sort().map((f) => path.join(dir, f));

  beforeAll(() => {
    dataDir = migratedDataDir('keys');
    work = makeTempDir('keys-out');
  });

  it('says in one line that there is no master key yet', async () => {
    expectOneLineError(await cli(['split', '--shares', '3', '--threshold', '2', '--out', path.join(work, 'none')]), /no master key yet: .*keyring\.json does not exist/);
    expect(fs.existsSync(path.join(work, 'none'))).toBe(false);
  });

  it('the first server start creates keyring.json (0600) and never logs the key; split works while it runs, rotate refuses', async () => {
    const server = await startServer({ dataDir, bootstrapKey });
    expect(modeOf(keyringFile())).toBe(0o600);
    expect(keyring()).toMatchObject({ active: 1, versions: [{ version: 1 }] });
    const created = await server.request('POST', '/api/v1/customers', {
      key: bootstrapKey,
      body: { name: 'Rosa Etchegaray', doc_type: 'DNI', doc_number: '30111222', email: 'rosa@example.com' },
    });
    expect(created.status, created.text).toBe(201);
    customerId = created.json().id;

    const split = await cli(['split', '--shares', '5', '--threshold', '3', '--out', path.join(work, 'v1'), '--json']);
    expect(split.code, split.stderr).toBe(0);
    expect(JSON.parse(split.stdout)).toMatchObject({ key_version: 1, threshold: 3, shares: 5, kcv: keyCheckValue(Buffer.from(activeKey(), 'base64')) });

    expectOneLineError(await cli(['rotate']), /the server holds the embedded database .*stop it, then run `inventario keys rotate` again/);
    const exit = await server.stop();
    expect(exit.code).toBe(0);
    const output = server.stdout() + server.stderr();
    expect(output).not.toContain(activeKey());
    expect(output).not.toContain('Etchegaray');
  });

  it('writes one private share file per share, labelled, and refuses to overwrite them', async () => {
    const files = shareFiles(path.join(work, 'v1'));
    expect(files).toHaveLength(5);
    const kcv = keyCheckValue(Buffer.from(activeKey(), 'base64'));
    for (const [i, file] of files.entries()) {
      expect(modeOf(file)).toBe(0o600);
      expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toMatchObject({ index: i + 1, threshold: 3, total: 5, key_version: 1, kcv });
      expect(fs.readFileSync(file, 'utf8')).not.toContain(activeKey());
    }
    const before = fs.readFileSync(files[0]!, 'utf8');
    expectOneLineError(await cli(['split', '--shares', '5', '--threshold', '3', '--out', path.join(work, 'v1')]), /refusing to overwrite/);
    expect(fs.readFileSync(files[0]!, 'utf8')).toBe(before);
  });

  it('`rotate --json` with the server stopped re-wraps every data key and retires version 1', async () => {
    const oldKey = activeKey();
    const res = await cli(['rotate', '--json']);
    expect(res.code, res.stderr).toBe(0);
    expect(linesOf(res.stdout)).toHaveLength(1);
    const summary = JSON.parse(res.stdout);
    expect(summary).toMatchObject({ engine: 'pglite', previous_version: 1, new_version: 2, retired_versions: [1], keyring_file: keyringFile() });
    // The derivation root and the customer's data key.
    expect(summary.data_keys_rewrapped).toBe(2);
    expect(keyring().active).toBe(2);
    expect(keyring().versions.find((v) => v.version === 1)).toMatchObject({ key: oldKey, retired_at: expect.any(String) });
    expect(res.stdout).not.toContain(activeKey());

    const status = await cli(['status', '--json']);
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({
      kind: 'keyring',
      active: 2,
      versions: [
        { version: 1, kcv: keyCheckValue(Buffer.from(oldKey, 'base64')), retired_at: expect.any(String) },
        { version: 2, kcv: summary.kcv, retired_at: null },
      ],
    });
    expect(status.stdout).not.toContain(activeKey());
  });

  it('recovers the exact key from any 3 of 5 shares, printing it only when asked', async () => {
    const split = await cli(['split', '--shares', '5', '--threshold', '3', '--out', path.join(work, 'v2')]);
    expect(split.code, split.stderr).toBe(0);
    const files = shareFiles(path.join(work, 'v2'));
    const printed = await cli(['recover', files[4]!, files[0]!, files[2]!, '--print']);
    expect(printed.code, printed.stderr).toBe(0);
    expect(printed.stdout).toBe(`${activeKey()}\n`);
    expect(printed.stderr).toContain(keyCheckValue(Buffer.from(activeKey(), 'base64')));

    const out = path.join(work, 'recovered.key');
    const written = await cli(['recover', files[1]!, files[3]!, files[4]!, '--out', out, '--json']);
    expect(written.code, written.stderr).toBe(0);
    expect(JSON.parse(written.stdout)).toEqual({ kcv: keyCheckValue(Buffer.from(activeKey(), 'base64')), key_version: 2, shares_used: 3, threshold: 3, total: 5, out });
    expect(written.stdout).not.toContain(activeKey());
    expect(modeOf(out)).toBe(0o600);
    expect(fs.readFileSync(out, 'utf8').trim()).toBe(activeKey());
    expectOneLineError(await cli(['recover', files[0]!, files[1]!, files[2]!, '--out', out]), /refusing to overwrite/);
  });

  it('refuses too few shares, shares of two splits, and a damaged share, in one line each', async () => {
    const v1 = shareFiles(path.join(work, 'v1'));
    const v2 = shareFiles(path.join(work, 'v2'));
    expectOneLineError(await cli(['recover', v2[0]!, v2[1]!, '--print']), /not enough shares: this split needs 3 of 5, got 2/);
    expectOneLineError(await cli(['recover', v2[0]!, v2[1]!, v1[2]!, '--print']), /different splits .*KCV/);
    const damaged = path.join(work, 'damaged.json');
    const share = JSON.parse(fs.readFileSync(v2[2]!, 'utf8'));
    const bytes = Buffer.from(share.share, 'base64');
    bytes[3] = bytes[3]! ^ 0x40;
    fs.writeFileSync(damaged, JSON.stringify({ ...share, share: bytes.toString('base64') }));
    expectOneLineError(await cli(['recover', v2[0]!, v2[1]!, damaged, '--print']), /damaged\.json .*damaged/);
    expectOneLineError(await cli(['recover', v2[0]!, '--out', path.join(work, 'x'), '--print']), /exactly one of --out FILE or --print/, 2);
  });

  it('a server started with the recovered key file reads the customer; a server with a wrong key refuses to start', async () => {
    const server = await startServer({ dataDir, bootstrapKey, env: { INVENTARIO_MASTER_KEY_FILE: path.join(work, 'recovered.key') } });
    const res = await server.request('GET', `/api/v1/customers/${customerId}`, { key: bootstrapKey });
    expect(res.status, res.text).toBe(200);
    expect(res.json()).toMatchObject({ name: 'Rosa Etchegaray', doc_number: '30111222' });
    expect((await server.stop()).code).toBe(0);

    const wrong = randomBytes(32).toString('base64');
    const refused = await startServer({ dataDir, bootstrapKey, waitReady: false, env: { INVENTARIO_MASTER_KEY: wrong } });
    const exit = await refused.waitForExit();
    expect(exit.code).toBe(1);
    const errorLines = linesOf(refused.stderr());
    expect(errorLines).toHaveLength(1);
    expect(errorLines[0]).toMatch(new RegExp(`^error: wrong master key: INVENTARIO_MASTER_KEY has KCV ${keyCheckValue(Buffer.from(wrong, 'base64'))}.*refusing to start$`));
    expect(refused.stdout() + refused.stderr()).not.toContain(wrong);
  });

  it('splits a key given in INVENTARIO_MASTER_KEY without any data directory', async () => {
    const key = randomBytes(32).toString('base64');
    const out = path.join(work, 'env');
    const res = await runCli(['keys', 'split', '--shares', '2', '--threshold', '2', '--out', out, '--json'], {
      INVENTARIO_MASTER_KEY: key,
      INVENTARIO_DATA_DIR: path.join(work, 'no-such-dir'),
    });
    expect(res.code, res.stderr).toBe(0);
    expect(JSON.parse(res.stdout)).toMatchObject({ key_version: null, kcv: keyCheckValue(Buffer.from(key, 'base64')) });
    const back = await runCli(['keys', 'recover', ...shareFiles(out), '--print'], {});
    expect(back.stdout).toBe(`${key}\n`);
    expect(fs.existsSync(path.join(work, 'no-such-dir'))).toBe(false);
  });
});
