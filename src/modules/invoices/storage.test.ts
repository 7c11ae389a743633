// Invoice files on disk: content-addressed, private, never left short.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createInvoiceFileStore, sha256Of } from './storage.ts';

describe('invoice file store', () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'invoice-files-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

  it('stores by SHA-256 with mode 0600, reads it back, and leaves no temporary file', async () => {
    const dir = tempDir();
    const store = createInvoiceFileStore(dir);
    const bytes = Buffer.from('%PDF-1.7 factura de prueba');
    const { sha256, size } = await store.put(bytes);
    expect(sha256).toBe(sha256Of(bytes));
    expect(size).toBe(bytes.length);
    const file = path.join(dir, 'invoices', sha256.slice(0, 2), sha256);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect((await store.get(sha256))?.equals(bytes)).toBe(true);
    expect(fs.readdirSync(path.dirname(file))).toEqual([sha256]);
    expect(await store.get('0'.repeat(64))).toBeNull();
  });

  it('rewrites a stored file that is shorter than its content (a cut-off write), and keeps a whole one', async () => {
    const dir = tempDir();
    const store = createInvoiceFileStore(dir);
    const bytes = Buffer.from('contenido completo de la factura');
    const { sha256 } = await store.put(bytes);
    const file = path.join(dir, 'invoices', sha256.slice(0, 2), sha256);
    fs.writeFileSync(file, bytes.subarray(0, 5));
    await store.put(bytes);
    expect(fs.readFileSync(file).equals(bytes)).toBe(true);
    const before = fs.statSync(file).mtimeMs;
    await store.put(bytes);
    expect(fs.statSync(file).mtimeMs).toBe(before);
  });
});
