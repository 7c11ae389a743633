// Password hashing with argon2id at OWASP's recommended minimum (19 MiB, 2 passes, 1 lane):
// about 40 ms per hash here, slow enough to make offline guessing expensive, fast enough for a
// login. Stored as the PHC string, so the parameters can be raised later and old hashes are
// upgraded at the next successful login (needsRehash).
import { randomBytes } from 'node:crypto';
import argon2 from 'argon2';
import { normalizePassword } from './password-policy.ts';

const OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(normalizePassword(password), OPTIONS);
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, normalizePassword(password));
  } catch {
    // A malformed stored hash is a failed login, never a 500 that tells the caller something.
    return false;
  }
}

export function needsRehash(hash: string): boolean {
  try {
    return argon2.needsRehash(hash, OPTIONS);
  } catch {
    return false;
  }
}

let dummyHash: Promise<string> | undefined;

/**
 * Made once per process before the first login is judged (known username or not), so even the
 * first unknown-username attempt costs the same as a real one.
 */
export async function prepareDummyHash(): Promise<void> {
  dummyHash ??= argon2.hash(randomBytes(16).toString('base64url'), OPTIONS);
  await dummyHash;
}

/**
 * Spends the same time as a real verification when the username does not exist, so response
 * times do not tell an attacker which usernames are real.
 */
export async function verifyAgainstDummy(password: string): Promise<false> {
  await prepareDummyHash();
  await verifyPassword(await dummyHash!, password);
  return false;
}
