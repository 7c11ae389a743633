import { describe, expect, it } from 'vitest';
import { parseCuit } from './cuit.ts';

describe('parseCuit', () => {
  it.each([
    ['20-12345678-6', '20-12345678-6'],
    ['20123456786', '20-12345678-6'],
    ['30-71234567-1', '30-71234567-1'],
    [' 30712345671 ', '30-71234567-1'],
  ])('accepts %s and returns the dashed form', (input, formatted) => {
    expect(parseCuit(input)).toEqual({ ok: true, formatted });
  });

  it.each([
    ['20-12345678-9', 'check_digit'],
    ['99-12345678-1', 'prefix'],
    ['20-1234567-6', 'format'],
    ['2012345678', 'format'],
    ['20-12345678-6x', 'format'],
    ['2O-12345678-6', 'format'],
    ['', 'format'],
  ])('rejects %s (%s)', (input, problem) => {
    expect(parseCuit(input)).toEqual({ ok: false, problem });
  });

  it('rejects numbers whose computed digit would be 10, which AFIP never issues', () => {
    // 20-00000001-?: sum = 2*5 + 1*2 = 12, 12 mod 11 = 1, v = 10 → never issued.
    for (let d = 0; d <= 9; d++) expect(parseCuit(`20-00000001-${d}`).ok).toBe(false);
  });
});
