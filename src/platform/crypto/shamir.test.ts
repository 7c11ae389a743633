import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ShareError } from './errors.ts';
import { keyCheckValue, randomKey } from './primitives.ts';
import { parseShareFile, readShareFile, recoverKey, splitKey, writeShareFiles, type ShareFile } from './shamir.ts';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
const tempDir = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'shares-'));
  dirs.push(d);
  return d;
};

function combinations<T>(items: T[], k: number): T[][] {
  if (k === 0) return [[]];
  return items.flatMap((item, i) => combinations(items.slice(i + 1), k - 1).map((rest) => [item, ...rest]));
}

describe('Shamir shares of the master key', () => {
  it('splits 3-of-5 and every set of 3 shares gives back exactly the key', async () => {
    const key = randomKey();
    const shares = await splitKey(key, { shares: 5, threshold: 3, keyVersion: 2 });
    expect(shares.map((s) => s.index)).toEqual([1, 2, 3, 4, 5]);
    for (const s of shares) expect(s).toMatchObject({ threshold: 3, total: 5, key_version: 2, kcv: keyCheckValue(key) });
    const sets = combinations(shares, 3);
    expect(sets).toHaveLength(10);
    for (const set of sets) {
      const recovered = await recoverKey(set);
      expect(recovered.key.equals(key)).toBe(true);
      expect(recovered.kcv).toBe(keyCheckValue(key));
    }
    // More than the threshold works too.
    expect((await recoverKey(shares)).key.equals(key)).toBe(true);
  });

  it('refuses two shares of a 3-of-5 split with a clear message instead of a wrong key', async () => {
    const shares = await splitKey(randomKey(), { shares: 5, threshold: 3, keyVersion: 1 });
    await expect(recoverKey(shares.slice(0, 2))).rejects.toThrow(/not enough shares: this split needs 3 of 5, got 2/);
    // The same share twice is still two shares short.
    await expect(recoverKey([shares[0]!, shares[0]!, shares[1]!])).rejects.toThrow(ShareError);
  });

  it('refuses shares from two different splits', async () => {
    const a = await splitKey(randomKey(), { shares: 5, threshold: 3, keyVersion: 1 });
    const b = await splitKey(randomKey(), { shares: 5, threshold: 3, keyVersion: 1 });
    await expect(recoverKey([a[0]!, a[1]!, b[2]!])).rejects.toThrow(/different splits .*KCV/);
  });

  it('refuses a mixed set even when its labels were made to agree: the KCV check catches it', async () => {
    const a = await splitKey(randomKey(), { shares: 5, threshold: 3, keyVersion: 1 });
    const b = await splitKey(randomKey(), { shares: 5, threshold: 3, keyVersion: 1 });
    const forged: ShareFile = { ...b[2]!, split_id: a[0]!.split_id, kcv: a[0]!.kcv };
    await expect(recoverKey([a[0]!, a[1]!, forged])).rejects.toThrow(/does not match the key check value/);
  });

  it('names a damaged share file, and catches a damaged share whose checksum was fixed up too', async () => {
    const shares = await splitKey(randomKey(), { shares: 3, threshold: 2, keyVersion: 1 });
    const bytes = Buffer.from(shares[1]!.share, 'base64');
    bytes[5] = bytes[5]! ^ 0xff;
    const damaged = { ...shares[1]!, share: bytes.toString('base64') };
    expect(() => parseShareFile(JSON.stringify(damaged), 'share-2.json')).toThrow(/share-2.json .*damaged/);
    const { createHash } = await import('node:crypto');
    const refreshed = { ...damaged, checksum: createHash('sha256').update(bytes).digest('hex').slice(0, 16) };
    const parsed = parseShareFile(JSON.stringify(refreshed), 'share-2.json');
    await expect(recoverKey([shares[0]!, parsed])).rejects.toThrow(/does not match the key check value/);
  });

  it('writes one private file per share, readable back, and never overwrites', async () => {
    const dir = tempDir();
    const shares = await splitKey(randomKey(), { shares: 3, threshold: 2, keyVersion: 4 });
    const files = writeShareFiles(dir, shares);
    expect(files).toHaveLength(3);
    for (const [i, file] of files.entries()) {
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      expect(path.basename(file)).toMatch(new RegExp(`share-${i + 1}-of-3\\.json$`));
      expect(readShareFile(file)).toEqual(shares[i]);
    }
    const before = fs.readFileSync(files[0]!, 'utf8');
    expect(() => writeShareFiles(dir, shares)).toThrow(/refusing to overwrite/);
    expect(fs.readFileSync(files[0]!, 'utf8')).toBe(before);
  });

  it.each([
    [1, 1],
    [2, 3],
    [256, 3],
  ])('refuses to split into %i shares with threshold %i', async (n, k) => {
    await expect(splitKey(randomKey(), { shares: n, threshold: k, keyVersion: 1 })).rejects.toThrow(ShareError);
  });
});
