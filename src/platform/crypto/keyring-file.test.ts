import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MasterKeyError } from './errors.ts';
import { createKeyringFileIfMissing, parseKeyring, readKeyringFile, serializeKeyring, writeKeyringFile } from './keyring-file.ts';
import { randomKey } from './primitives.ts';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
const tempFile = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'keyring-'));
  dirs.push(d);
  return path.join(d, 'data', 'keyring.json');
};

describe('the keyring file', () => {
  it('is created once, mode 0600, in the documented shape, and later calls read the same keyring', () => {
    const file = tempFile();
    const first = createKeyringFileIfMissing(file);
    expect(first.created).toBe(true);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const json = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(json).toEqual({ versions: [{ version: 1, key: expect.any(String), created_at: expect.any(String) }], active: 1 });
    const second = createKeyringFileIfMissing(file);
    expect(second.created).toBe(false);
    expect(second.keyring.versions[0]!.key.equals(first.keyring.versions[0]!.key)).toBe(true);
  });

  it('is replaced atomically and keeps retired versions', () => {
    const file = tempFile();
    const { keyring } = createKeyringFileIfMissing(file);
    const next = {
      active: 2,
      versions: [{ ...keyring.versions[0]!, retiredAt: '2026-01-01T00:00:00.000Z' }, { version: 2, key: randomKey(), createdAt: 'now', retiredAt: null }],
    };
    writeKeyringFile(file, next);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const read = readKeyringFile(file, { requirePrivate: true })!;
    expect(read.active).toBe(2);
    expect(read.versions.map((v) => [v.version, v.retiredAt])).toEqual([
      [1, '2026-01-01T00:00:00.000Z'],
      [2, null],
    ]);
    expect(fs.readdirSync(path.dirname(file))).toEqual(['keyring.json']);
  });

  it('refuses a data-dir keyring other users can read', () => {
    const file = tempFile();
    createKeyringFileIfMissing(file);
    fs.chmodSync(file, 0o644);
    expect(() => readKeyringFile(file, { requirePrivate: true })).toThrow(/readable by other users .*chmod 600/);
    expect(readKeyringFile(file, { requirePrivate: false })).toBeDefined();
  });

  it.each([
    ['not JSON', 'nope'],
    ['no versions', '{"versions":[],"active":1}'],
    ['a short key', '{"versions":[{"version":1,"key":"AAAA"}],"active":1}'],
    ['an unknown active version', () => serializeKeyring({ versions: [{ version: 1, key: randomKey(), createdAt: 'x', retiredAt: null }], active: 2 })],
    ['a retired active version', () => serializeKeyring({ versions: [{ version: 1, key: randomKey(), createdAt: 'x', retiredAt: 'y' }], active: 1 })],
  ])('rejects a keyring with %s, in one line naming the file', (_label, text) => {
    const content = typeof text === 'function' ? text() : text;
    expect(() => parseKeyring(content, '/x/keyring.json')).toThrow(MasterKeyError);
    expect(() => parseKeyring(content, '/x/keyring.json')).toThrow(/^\/x\/keyring.json is not a valid keyring: [^\n]+$/);
  });
});
