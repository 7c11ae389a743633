// Errors of the key platform. Messages are one line, in English (they reach logs and the CLI,
// not shop staff), and never contain key material.
export { DecryptError } from './primitives.ts';

/** The master key is missing, wrong, or inconsistent with the database: refuse to start. */
export class MasterKeyError extends Error {
  override name = 'MasterKeyError';
}

/** A Shamir share set that cannot give back the key (too few, mixed, damaged). */
export class ShareError extends Error {
  override name = 'ShareError';
}
