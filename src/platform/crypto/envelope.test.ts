import { describe, expect, it } from 'vitest';
import { openField, parseSealedField, sealField, unwrapDataKey, wrapDataKey, type DataKey } from './envelope.ts';
import { DecryptError, keyCheckValue, randomKey } from './primitives.ts';

const ID_A = '0195b7a4-0000-7000-8000-00000000000a';
const ID_B = '0195b7a4-0000-7000-8000-00000000000b';

function dek(id = '0195b7a4-0000-7000-8000-0000000000d1', kekVersion = 1): DataKey {
  return { id, subject: `customer:${ID_A}`, kekVersion, key: randomKey() };
}

const at = (recordId: string, field: string) => ({ table: 'customers', recordId, field });

/** Flips one bit of a base64url member of a sealed value. */
function flip(b64: string): string {
  const bytes = Buffer.from(b64, 'base64url');
  bytes[0] = bytes[0]! ^ 0x01;
  return bytes.toString('base64url');
}

describe('field envelope', () => {
  it('round-trips any UTF-8 text and never shows the plaintext in the sealed value', () => {
    const key = dek();
    for (const text of ['Juan Pérez', 'ñandú@correo.com.ar', '', 'x'.repeat(5000)]) {
      const sealed = sealField(key, at(ID_A, 'name'), text);
      expect(sealed).toMatchObject({ v: 1, kid: key.id, kek_version: 1 });
      expect(Object.keys(sealed).sort()).toEqual(['ciphertext', 'iv', 'kek_version', 'kid', 'tag', 'v']);
      if (text) expect(JSON.stringify(sealed)).not.toContain(text);
      expect(openField(key, at(ID_A, 'name'), JSON.parse(JSON.stringify(sealed)))).toBe(text);
    }
  });

  it('uses a fresh IV each time, so equal plaintexts do not look equal', () => {
    const key = dek();
    const a = sealField(key, at(ID_A, 'name'), 'Ana');
    const b = sealField(key, at(ID_A, 'name'), 'Ana');
    expect(a.iv).not.toBe(b.iv);
    expect(a.ciphertext).not.toBe(b.ciphertext);
  });

  it.each(['iv', 'tag', 'ciphertext'] as const)('refuses a value whose %s was altered', (member) => {
    const key = dek();
    const sealed = sealField(key, at(ID_A, 'email'), 'ana@example.com');
    expect(() => openField(key, at(ID_A, 'email'), { ...sealed, [member]: flip(sealed[member]) })).toThrow(DecryptError);
  });

  it('refuses a value moved to another column of the same record', () => {
    const key = dek();
    const sealed = sealField(key, at(ID_A, 'email'), 'ana@example.com');
    expect(() => openField(key, at(ID_A, 'phone'), sealed)).toThrow(DecryptError);
  });

  it('refuses a value moved to another record, even under the same data key', () => {
    const key = dek();
    const sealed = sealField(key, at(ID_A, 'name'), 'Ana');
    expect(() => openField(key, at(ID_B, 'name'), sealed)).toThrow(DecryptError);
    expect(() => openField(key, { ...at(ID_A, 'name'), table: 'users' }, sealed)).toThrow(DecryptError);
  });

  it('refuses a value relabelled with another key id or KEK version, and one opened with another key', () => {
    const key = dek();
    const sealed = sealField(key, at(ID_A, 'name'), 'Ana');
    expect(() => openField(key, at(ID_A, 'name'), { ...sealed, kid: ID_B })).toThrow(DecryptError);
    expect(() => openField(key, at(ID_A, 'name'), { ...sealed, kek_version: 2 })).toThrow(DecryptError);
    expect(() => openField({ ...dek(), id: key.id }, at(ID_A, 'name'), sealed)).toThrow(DecryptError);
  });

  it.each([null, 'text', 42, {}, { v: 2 }, { v: 1, kid: 'x', kek_version: 1, iv: '***', tag: '', ciphertext: '' }])(
    'treats the malformed stored value %j as a decryption failure',
    (value) => {
      expect(() => parseSealedField(value)).toThrow(DecryptError);
      expect(() => openField(dek(), at(ID_A, 'name'), value)).toThrow(DecryptError);
    },
  );
});

describe('data key wrapping', () => {
  it('unwraps with the same KEK, version, id and subject only', () => {
    const kek = randomKey();
    const key = randomKey();
    const wrapped = wrapDataKey(kek, 3, ID_A, 'customer:1', key);
    expect(unwrapDataKey(kek, 3, ID_A, 'customer:1', wrapped).equals(key)).toBe(true);
    expect(() => unwrapDataKey(randomKey(), 3, ID_A, 'customer:1', wrapped)).toThrow(DecryptError);
    expect(() => unwrapDataKey(kek, 4, ID_A, 'customer:1', wrapped)).toThrow(DecryptError);
    expect(() => unwrapDataKey(kek, 3, ID_B, 'customer:1', wrapped)).toThrow(DecryptError);
    expect(() => unwrapDataKey(kek, 3, ID_A, 'customer:2', wrapped)).toThrow(DecryptError);
    expect(() => unwrapDataKey(kek, 3, ID_A, 'customer:1', wrapped.slice(4))).toThrow(DecryptError);
  });

  it('gives every key a stable 16-hex-digit check value that differs between keys', () => {
    const kek = randomKey();
    expect(keyCheckValue(kek)).toMatch(/^[0-9a-f]{16}$/);
    expect(keyCheckValue(Buffer.from(kek))).toBe(keyCheckValue(kek));
    expect(keyCheckValue(randomKey())).not.toBe(keyCheckValue(kek));
  });
});
