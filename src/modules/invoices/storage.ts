// Uploaded invoice files, stored by SHA-256 of their content under <data dir>/invoices/ab/<hash>.
// No extension and mode 0600: nothing here is ever executed or served by its name; the type is
// the one sniffed from the bytes and kept in the database.
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

export interface InvoiceFileStore {
  put(bytes: Buffer): Promise<{ sha256: string; size: number }>;
  get(sha256: string): Promise<Buffer | null>;
}

export function sha256Of(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function createInvoiceFileStore(dataDir: string): InvoiceFileStore {
  const root = path.join(dataDir, 'invoices');
  const fileFor = (sha256: string) => {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error('not a sha-256 hex digest');
    return path.join(root, sha256.slice(0, 2), sha256);
  };
  return {
    async put(bytes) {
      const sha256 = sha256Of(bytes);
      const target = fileFor(sha256);
      // Already there and whole (a crash can leave a short file only before the rename below, but
      // a same-size check costs nothing and also covers a file truncated by hand).
      const existing = await fs.stat(target).catch(() => null);
      if (existing?.size === bytes.length) return { sha256, size: bytes.length };
      await fs.mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
      // Written aside, flushed to disk and renamed: a reader never sees half a file, a power cut
      // never leaves a short file under the real name, and two uploads of the same content simply
      // both rename onto the same name.
      const tmp = `${target}.${randomBytes(6).toString('hex')}.tmp`;
      try {
        const handle = await fs.open(tmp, 'wx', 0o600);
        try {
          await handle.writeFile(bytes);
          await handle.sync();
        } finally {
          await handle.close();
        }
        await fs.rename(tmp, target);
      } catch (err) {
        await fs.rm(tmp, { force: true });
        throw err;
      }
      return { sha256, size: bytes.length };
    },
    async get(sha256) {
      try {
        return await fs.readFile(fileFor(sha256));
      } catch {
        return null;
      }
    },
  };
}
