// CUIT/CUIL (Argentina's tax id), checked in the browser as the user types so a typo is caught
// before the form is sent. The rule is DOMAIN.md's; the server checks it again (its own copy,
// which the dashboard must not import), and its answer is what counts.
//   - 11 digits, written XX-XXXXXXXX-X; accepted with or without the dashes.
//   - Prefix 20, 23, 24, 27 (people) or 30, 33, 34 (companies).
//   - Check digit: weights 5 4 3 2 7 6 5 4 3 2 over the first 10 digits, s = Σ mod 11,
//     v = 11 − s; v = 11 → 0; v = 10 → invalid (AFIP never issues such a number).
const WEIGHTS = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2];
const PREFIXES = ['20', '23', '24', '27', '30', '33', '34'];

export type CuitProblem = 'format' | 'prefix' | 'check_digit';
export type CuitCheck = { ok: true; formatted: string } | { ok: false; problem: CuitProblem };

/** The expected check digit for the first 10 digits, or null when no digit makes it valid. */
export function cuitCheckDigit(first10: string): number | null {
  let sum = 0;
  for (let i = 0; i < 10; i++) sum += Number(first10[i]) * (WEIGHTS[i] ?? 0);
  const v = 11 - (sum % 11);
  if (v === 11) return 0;
  if (v === 10) return null;
  return v;
}

export function checkCuit(input: string): CuitCheck {
  const text = input.trim();
  if (!/^\d{2}-\d{8}-\d$/.test(text) && !/^\d{11}$/.test(text)) return { ok: false, problem: 'format' };
  const digits = text.replace(/-/g, '');
  if (!PREFIXES.includes(digits.slice(0, 2))) return { ok: false, problem: 'prefix' };
  const expected = cuitCheckDigit(digits.slice(0, 10));
  if (expected === null || expected !== Number(digits[10])) return { ok: false, problem: 'check_digit' };
  return { ok: true, formatted: formatCuit(digits) };
}

/** `20123456786` → `20-12345678-6`; anything that is not 11 digits is returned as it came. */
export function formatCuit(value: string): string {
  const digits = value.replace(/\D/g, '');
  if (digits.length !== 11 || !/^[\d-]+$/.test(value.trim())) return value;
  return `${digits.slice(0, 2)}-${digits.slice(2, 10)}-${digits.slice(10)}`;
}

/**
 * What to tell the user while typing: nothing until the number could be complete (11 digits) or
 * the field was left, so a half-typed CUIT is not shouted at.
 */
export function liveCuitProblem(input: string, left: boolean): CuitProblem | null {
  if (input.trim() === '') return null;
  const digits = input.replace(/\D/g, '');
  if (!left && digits.length < 11 && /^[\d-\s]*$/.test(input)) return null;
  const result = checkCuit(input);
  return result.ok ? null : result.problem;
}
