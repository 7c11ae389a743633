import { describe, expect, it } from 'vitest';
import { documentIndexInput, maskName, normalizeEmail, parseDocument, parsePhone } from './documents.ts';

describe('customer documents', () => {
  it.each([
    ['DNI', '12345678', '12345678'],
    ['DNI', '12.345.678', '12345678'],
    ['DNI', ' 8.123.456 ', '8123456'],
    ['DNI', '08123456', '8123456'],
    ['CUIT', '20123456786', '20-12345678-6'],
    ['CUIL', '27-12345678-0', '27-12345678-0'],
    ['PASSPORT', 'aaa 123456', 'AAA123456'],
  ] as const)('accepts %s %j as %j', (type, input, expected) => {
    expect(parseDocument(type, input)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['DNI', '123456'],
    ['DNI', '123456789'],
    ['DNI', '12-345-678'],
    ['DNI', '0001234'],
    ['CUIT', '20-12345678-9'],
    ['CUIL', '99-12345678-1'],
    ['CUIT', '2012345678'],
    ['PASSPORT', 'AB1'],
    ['PASSPORT', 'AB/123456'],
  ] as const)('rejects %s %j with a Spanish message', (type, input) => {
    const result = parseDocument(type, input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(/^(el|la) /);
  });

  it('indexes the type with the bare number, so formatting never changes the index', () => {
    expect(documentIndexInput('CUIT', '20-12345678-6')).toBe('CUIT:20123456786');
    expect(documentIndexInput('DNI', '12345678')).toBe('DNI:12345678');
    expect(documentIndexInput('DNI', '12345678')).not.toBe(documentIndexInput('PASSPORT', '12345678'));
  });

  it('compares emails trimmed and lower-cased', () => {
    expect(normalizeEmail('  Juan.Perez@Example.COM ')).toBe('juan.perez@example.com');
  });

  it.each(['+54 9 11 1234-5678', '(011) 4567-8901', '4567890'])('accepts the phone %j', (phone) => {
    expect(parsePhone(phone).ok).toBe(true);
  });

  it.each(['12345', '+54 9 11 1234-5678 int 2', '1'.repeat(16), 'llamar'])('rejects the phone %j', (phone) => {
    expect(parsePhone(phone).ok).toBe(false);
  });

  it('masks a name to initials', () => {
    expect(maskName('Juan Pérez')).toBe('J*** P***');
    expect(maskName('  maría   josé  ñandú ')).toBe('M*** J*** Ñ***');
    expect(maskName('Ana')).toBe('A***');
  });
});
