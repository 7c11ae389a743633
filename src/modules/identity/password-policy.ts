// The password rules for dashboard accounts (NIST SP 800-63B style): a minimum length, a maximum
// that keeps hashing cheap, no common or breached passwords, nothing built on the username, no
// composition rules. Messages are Spanish because they are shown to shop staff.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const PASSWORD_MAX_LENGTH = 128;
const DENY_LIST_FILE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'password-deny-list.txt');

// Derived forms (ends stripped, leetspeak undone) are only compared when this long, so a strong
// random password whose letters happen to spell "abcd" is not refused.
const MIN_DERIVED_LENGTH = 6;
const MIN_DISTINCT_CHARACTERS = 5;
const LEET: Record<string, string> = { '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '8': 'b', '@': 'a', '$': 's', '!': 'i' };

let denyList: Set<string> | undefined;

function loadDenyList(): Set<string> {
  if (!denyList) {
    const lines = fs.readFileSync(DENY_LIST_FILE, 'utf8').split('\n');
    denyList = new Set(lines.map((l) => l.trim().normalize('NFKC').toLowerCase()).filter((l) => l && !l.startsWith('#')));
  }
  return denyList;
}

/** Same normalization for checking and for hashing, so "ñ" typed two ways is one password. */
export function normalizePassword(password: string): string {
  return password.normalize('NFKC');
}

function stripEnds(s: string): string {
  return s.replace(/^[^\p{L}]+/u, '').replace(/[^\p{L}]+$/u, '');
}

function lettersOnly(s: string): string {
  return s.replace(/[^\p{L}]+/gu, '');
}

function undoLeet(s: string): string {
  return [...s].map((c) => LEET[c] ?? c).join('');
}

/** The forms of a password an attacker's word list would try first: "Boca-Juniors2024!", "P4ssw0rd!". */
function guessableForms(lower: string): string[] {
  const core = stripEnds(lower);
  const coreDeleet = undoLeet(core);
  return [core, lettersOnly(lower), coreDeleet, lettersOnly(coreDeleet), stripEnds(undoLeet(lower))].filter(
    (f) => f.length >= MIN_DERIVED_LENGTH,
  );
}

export interface PasswordContext {
  username?: string | undefined;
  email?: string | null | undefined;
  minLength: number;
}

/** Returns the reasons (Spanish) the password is refused; empty when it is acceptable. */
export function passwordProblems(password: string, context: PasswordContext): string[] {
  const normalized = normalizePassword(password);
  const length = [...normalized].length;
  if (length < context.minLength) return [`debe tener al menos ${context.minLength} caracteres`];
  if (length > PASSWORD_MAX_LENGTH) return [`debe tener como máximo ${PASSWORD_MAX_LENGTH} caracteres`];
  const lower = normalized.toLowerCase();
  const problems: string[] = [];
  const list = loadDenyList();
  if (list.has(lower) || guessableForms(lower).some((f) => list.has(f))) {
    problems.push('es una contraseña común o filtrada; elija otra más difícil de adivinar');
  }
  const username = context.username?.toLowerCase();
  if (username && username.length >= 3 && (lower.includes(username) || undoLeet(lower).includes(username))) {
    problems.push('no puede contener el nombre de usuario');
  }
  const mailbox = context.email?.toLowerCase().split('@')[0];
  if (mailbox && mailbox.length >= 4 && lower.includes(mailbox)) problems.push('no puede contener su dirección de correo');
  if (new Set(lower).size < MIN_DISTINCT_CHARACTERS) problems.push('repite demasiado los mismos caracteres');
  return problems;
}
