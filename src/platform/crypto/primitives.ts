// The few node:crypto operations everything else is built from. AES-256-GCM with a random
// 96-bit IV per message (NIST SP 800-38D; at our volumes the random-IV collision bound is far
// away), HKDF-SHA256 for key separation, HMAC-SHA256 for key check values and blind indexes.
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

export const KEY_BYTES = 32;
export const IV_BYTES = 12;
export const TAG_BYTES = 16;

/** Raised for every failed authentication: the cause is never told apart (no oracle). */
export class DecryptError extends Error {
  override name = 'DecryptError';
  constructor(message = 'ciphertext could not be authenticated') {
    super(message);
  }
}

export function randomKey(): Buffer {
  return randomBytes(KEY_BYTES);
}

export interface GcmBox {
  iv: Buffer;
  tag: Buffer;
  ciphertext: Buffer;
}

export function gcmSeal(key: Buffer, plaintext: Buffer, aad: Buffer): GcmBox {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { iv, tag: cipher.getAuthTag(), ciphertext };
}

export function gcmOpen(key: Buffer, box: GcmBox, aad: Buffer): Buffer {
  // node accepts shorter tags unless told otherwise; a truncated tag must not pass.
  if (key.length !== KEY_BYTES || box.iv.length !== IV_BYTES || box.tag.length !== TAG_BYTES) throw new DecryptError();
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, box.iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(aad);
    decipher.setAuthTag(box.tag);
    return Buffer.concat([decipher.update(box.ciphertext), decipher.final()]);
  } catch {
    throw new DecryptError();
  }
}

/** HKDF-SHA256. `info` names the purpose; different purposes give independent keys. */
export function hkdf(ikm: Buffer, info: string, length = KEY_BYTES, salt = 'inventario/hkdf/v1'): Buffer {
  return Buffer.from(hkdfSync('sha256', ikm, Buffer.from(salt), Buffer.from(info), length));
}

export function hmac(key: Buffer, data: string | Buffer): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

/** Key check value: proves which key this is without revealing it (64 bits of an HMAC). */
export function keyCheckValue(key: Buffer): string {
  return hmac(key, 'inventario-kcv').subarray(0, 8).toString('hex');
}

export function sameBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

// Standard or URL-safe alphabet, padding optional: what config.ts accepts for the env variable.
const BASE64_TEXT = /^[A-Za-z0-9+/_-]+={0,2}$/;

/** Parses a 32-byte key written in base64; undefined when it is anything else. */
export function parseBase64Key(text: string): Buffer | undefined {
  const trimmed = text.trim();
  if (!BASE64_TEXT.test(trimmed)) return undefined;
  const key = Buffer.from(trimmed, 'base64');
  return key.length === KEY_BYTES ? key : undefined;
}

/** Best effort: overwrite key material we no longer need (the GC may have copied it already). */
export function wipe(...buffers: (Buffer | undefined)[]): void {
  for (const b of buffers) b?.fill(0);
}
