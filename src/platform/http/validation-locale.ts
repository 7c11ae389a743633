import { z } from 'zod';

let configured = false;

/** Validation messages reach shop staff through problem details, so they are in Spanish. */
export function configureValidationLocale(): void {
  if (configured) return;
  z.config(z.locales.es());
  configured = true;
}
