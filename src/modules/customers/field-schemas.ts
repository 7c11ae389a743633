// Validators of the personal fields, shared by registration (schemas.ts) and rectification
// (privacy-schemas.ts) so a corrected value passes exactly the checks a new one does.
import { z } from 'zod';
import { DOC_TYPES, parsePhone } from './documents.ts';

export const docTypeField = z.enum(DOC_TYPES, { message: 'el tipo de documento debe ser DNI, CUIT, CUIL o PASSPORT' });

export const emailField = z.string().trim().max(254, 'el email es demasiado largo').pipe(z.email({ message: 'el email no es válido' }));

export const phoneField = z
  .string()
  .max(40, 'el teléfono es demasiado largo')
  .transform((value, ctx) => {
    const parsed = parsePhone(value);
    if (!parsed.ok) {
      ctx.addIssue({ code: 'custom', message: parsed.message });
      return z.NEVER;
    }
    return parsed.value;
  });
