// Argentine identity documents, emails and phones: validation, the normalized forms stored and
// returned, the normalized forms blind indexes are computed over, and the masked name of lists.
import { parseCuit, type CuitProblem } from '../catalog/cuit.ts';

export const DOC_TYPES = ['DNI', 'CUIT', 'CUIL', 'PASSPORT'] as const;
export type DocType = (typeof DOC_TYPES)[number];

export type DocResult = { ok: true; value: string } | { ok: false; message: string };

const CUIT_MESSAGES: Record<CuitProblem, string> = {
  format: 'debe tener 11 dígitos (XX-XXXXXXXX-X)',
  prefix: 'el prefijo no es válido (20, 23, 24, 27, 30, 33 o 34)',
  check_digit: 'el dígito verificador no es correcto',
};

/**
 * The canonical form of a document number: DNI as 7–8 digits (dots and spaces dropped),
 * CUIT/CUIL dashed `XX-XXXXXXXX-X` with a valid check digit, passports as 6–20 upper-case
 * letters and digits.
 */
export function parseDocument(type: DocType, input: string): DocResult {
  const trimmed = input.trim();
  switch (type) {
    case 'DNI': {
      if (!/^[\d.\s]+$/.test(trimmed)) return { ok: false, message: 'el DNI solo admite dígitos (puntos opcionales)' };
      // Leading zeros are padding, not part of the number ("08.123.456" is 8123456).
      const digits = trimmed.replace(/[.\s]/g, '').replace(/^0+/, '');
      if (!/^\d{7,8}$/.test(digits)) return { ok: false, message: 'el DNI debe tener 7 u 8 dígitos' };
      return { ok: true, value: digits };
    }
    case 'CUIT':
    case 'CUIL': {
      const parsed = parseCuit(trimmed);
      if (!parsed.ok) return { ok: false, message: `el ${type} ${CUIT_MESSAGES[parsed.problem]}` };
      return { ok: true, value: parsed.formatted };
    }
    case 'PASSPORT': {
      const value = trimmed.replace(/[\s-]/g, '').toUpperCase();
      if (!/^[A-Z0-9]{6,20}$/.test(value)) return { ok: false, message: 'el pasaporte debe tener de 6 a 20 letras o dígitos' };
      return { ok: true, value };
    }
  }
}

/** What the document blind index is computed over: the type and the bare number. */
export function documentIndexInput(type: DocType, canonical: string): string {
  return `${type}:${canonical.replace(/-/g, '')}`;
}

/** Emails compare case-insensitively: trimmed and lower-cased before indexing. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Phones: digits with optional +, spaces, dashes and parentheses; 6–15 digits (E.164). */
export function parsePhone(input: string): DocResult {
  const value = input.trim().replace(/\s+/g, ' ');
  if (!/^\+?[\d\s()-]+$/.test(value)) return { ok: false, message: 'el teléfono solo admite dígitos, espacios, +, - y paréntesis' };
  const digits = value.replace(/\D/g, '').length;
  if (digits < 6 || digits > 15) return { ok: false, message: 'el teléfono debe tener entre 6 y 15 dígitos' };
  return { ok: true, value };
}

/** "Juan Pérez" → "J*** P***": enough to tell people apart on a list, not to identify them. */
export function maskName(name: string): string {
  return name
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .map((word) => `${Array.from(word)[0]!.toLocaleUpperCase('es-AR')}***`)
    .join(' ');
}
