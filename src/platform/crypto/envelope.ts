// Envelope encryption. Each subject (a customer) has its own data key (DEK); DEKs are stored
// wrapped by a master key version (KEK). A personal field is sealed with its subject's DEK:
//
//   { v: 1, kid: <DEK id>, kek_version: <KEK version that wrapped the DEK when sealing>,
//     iv, tag, ciphertext }                           (base64url, stored as jsonb)
//
// The associated data binds the table, the record id, the field name, the DEK id and the KEK
// version, so a ciphertext copied into another column or another record, or relabelled with
// another key id, fails to authenticate. Destroying the DEK makes every field unreadable.
import { DecryptError, gcmOpen, gcmSeal, hkdf, IV_BYTES, KEY_BYTES, TAG_BYTES } from './primitives.ts';

export interface DataKey {
  id: string;
  subject: string;
  /** The KEK version the DEK is wrapped with right now. */
  kekVersion: number;
  key: Buffer;
}

/** Where a sealed value lives; all of it is authenticated. */
export interface FieldContext {
  table: string;
  recordId: string;
  field: string;
}

export interface SealedField {
  v: 1;
  kid: string;
  kek_version: number;
  iv: string;
  tag: string;
  ciphertext: string;
}

const SEP = '\u0000';

function fieldAad(ctx: FieldContext, kid: string, kekVersion: number): Buffer {
  return Buffer.from(['inventario/field/v1', ctx.table, ctx.recordId, ctx.field, kid, String(kekVersion)].join(SEP));
}

function wrapAad(id: string, subject: string, kekVersion: number): Buffer {
  return Buffer.from(['inventario/dek/v1', id, subject, String(kekVersion)].join(SEP));
}

// The KEK itself only feeds HKDF and the KCV; wrapping uses a key derived for that alone.
function wrappingKey(kek: Buffer): Buffer {
  return hkdf(kek, 'inventario/kek-wrap/v1');
}

/** base64(iv ‖ tag ‖ ciphertext) of the DEK under the KEK, bound to its id and subject. */
export function wrapDataKey(kek: Buffer, kekVersion: number, id: string, subject: string, dek: Buffer): string {
  const box = gcmSeal(wrappingKey(kek), dek, wrapAad(id, subject, kekVersion));
  return Buffer.concat([box.iv, box.tag, box.ciphertext]).toString('base64');
}

export function unwrapDataKey(kek: Buffer, kekVersion: number, id: string, subject: string, wrapped: string): Buffer {
  const raw = Buffer.from(wrapped, 'base64');
  if (raw.length !== IV_BYTES + TAG_BYTES + KEY_BYTES) throw new DecryptError('wrapped data key has the wrong length');
  return gcmOpen(
    wrappingKey(kek),
    { iv: raw.subarray(0, IV_BYTES), tag: raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES), ciphertext: raw.subarray(IV_BYTES + TAG_BYTES) },
    wrapAad(id, subject, kekVersion),
  );
}

export function sealField(dek: DataKey, ctx: FieldContext, plaintext: string): SealedField {
  const box = gcmSeal(dek.key, Buffer.from(plaintext, 'utf8'), fieldAad(ctx, dek.id, dek.kekVersion));
  return {
    v: 1,
    kid: dek.id,
    kek_version: dek.kekVersion,
    iv: box.iv.toString('base64url'),
    tag: box.tag.toString('base64url'),
    ciphertext: box.ciphertext.toString('base64url'),
  };
}

const B64URL = /^[A-Za-z0-9_-]*$/;

/** Checks the stored shape; anything unexpected is a DecryptError like a bad tag. */
export function parseSealedField(value: unknown): SealedField {
  const s = value as Partial<SealedField> | null;
  const ok =
    !!s &&
    typeof s === 'object' &&
    s.v === 1 &&
    typeof s.kid === 'string' &&
    Number.isInteger(s.kek_version) &&
    [s.iv, s.tag, s.ciphertext].every((x) => typeof x === 'string' && B64URL.test(x));
  if (!ok) throw new DecryptError('sealed field is malformed');
  return s as SealedField;
}

export function openField(dek: DataKey, ctx: FieldContext, value: unknown): string {
  const sealed = parseSealedField(value);
  if (sealed.kid !== dek.id) throw new DecryptError('sealed field belongs to another data key');
  const plaintext = gcmOpen(
    dek.key,
    {
      iv: Buffer.from(sealed.iv, 'base64url'),
      tag: Buffer.from(sealed.tag, 'base64url'),
      ciphertext: Buffer.from(sealed.ciphertext, 'base64url'),
    },
    fieldAad(ctx, sealed.kid, sealed.kek_version),
  );
  return plaintext.toString('utf8');
}
