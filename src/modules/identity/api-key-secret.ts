import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

// Keys look like `inv_<43 base64url chars>`: 32 random bytes. The first 12 characters are the
// visible prefix that identifies a key in lists and logs without revealing it.
const KEY_PREFIX = 'inv_';
export const VISIBLE_PREFIX_LENGTH = 12;

export function generateApiKey(): string {
  return KEY_PREFIX + randomBytes(32).toString('base64url');
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export function visiblePrefix(key: string): string {
  return key.slice(0, VISIBLE_PREFIX_LENGTH);
}

export function hashesEqual(a: string, b: string): boolean {
  const ba = Buffer.from(a, 'hex');
  const bb = Buffer.from(b, 'hex');
  return ba.length === bb.length && timingSafeEqual(ba, bb);
}

/** Reads the key from `Authorization: Bearer` or `X-API-Key`; undefined when neither is sent. */
export function keyFromHeaders(headers: Record<string, string | string[] | undefined>): string | undefined {
  const auth = headers.authorization;
  if (typeof auth === 'string') {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    if (match) return match[1];
  }
  const header = headers['x-api-key'];
  return typeof header === 'string' && header.trim() ? header.trim() : undefined;
}
