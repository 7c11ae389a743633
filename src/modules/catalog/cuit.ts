// CUIT/CUIL, Argentina's tax id: 11 digits, `XX-XXXXXXXX-X`, with a mod-11 check digit.
const WEIGHTS = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2] as const;
const VALID_PREFIXES = new Set(['20', '23', '24', '27', '30', '33', '34']);

export type CuitProblem = 'format' | 'prefix' | 'check_digit';

export type CuitResult = { ok: true; formatted: string } | { ok: false; problem: CuitProblem };

/** The check digit for the first 10 digits, or null when AFIP would never issue the number. */
export function cuitCheckDigit(first10: string): number | null {
  let sum = 0;
  for (let i = 0; i < 10; i++) sum += Number(first10[i]) * WEIGHTS[i]!;
  const v = 11 - (sum % 11);
  if (v === 11) return 0;
  if (v === 10) return null;
  return v;
}

/** Accepts `20-12345678-6` or `20123456786`; returns the dashed form when valid. */
export function parseCuit(input: string): CuitResult {
  const trimmed = input.trim();
  if (!/^\d{2}-\d{8}-\d$/.test(trimmed) && !/^\d{11}$/.test(trimmed)) return { ok: false, problem: 'format' };
  const digits = trimmed.replace(/-/g, '');
  if (!VALID_PREFIXES.has(digits.slice(0, 2))) return { ok: false, problem: 'prefix' };
  const expected = cuitCheckDigit(digits.slice(0, 10));
  if (expected === null || expected !== Number(digits[10])) return { ok: false, problem: 'check_digit' };
  return { ok: true, formatted: `${digits.slice(0, 2)}-${digits.slice(2, 10)}-${digits[10]}` };
}

export const cuitMessages: Record<CuitProblem, string> = {
  format: 'el CUIT debe tener 11 dígitos (XX-XXXXXXXX-X)',
  prefix: 'el prefijo del CUIT no es válido (20, 23, 24, 27, 30, 33 o 34)',
  check_digit: 'el dígito verificador del CUIT no es correcto',
};
