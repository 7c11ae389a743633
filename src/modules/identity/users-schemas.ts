// Request and response shapes for dashboard accounts. Bodies are strict: a field that is not
// listed (password_hash, disabled_at, created_by, id...) is refused, never silently assigned.
import { z } from 'zod';
import { isoTimestamp, iso } from '../../platform/http/schemas.ts';
import { roleSchema } from './schemas.ts';
import type { UserView } from './users-service.ts';

export const usernameSchema = z
  .string()
  .trim()
  .toLowerCase()
  .min(3, 'debe tener al menos 3 caracteres')
  .max(64, 'debe tener como máximo 64 caracteres')
  .regex(/^[a-z0-9][a-z0-9._-]*$/, 'solo letras sin acentos, números, punto, guion y guion bajo; debe empezar con letra o número');

// The policy (length, deny-list, username) is checked by the service, which knows the username;
// this only bounds the input so a huge body never reaches the hasher.
const passwordInput = z.string().max(1024, 'es demasiado larga');

const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(254, 'es demasiado larga')
  .regex(z.regexes.email, 'no es una dirección de correo válida');

export const createUserBody = z.strictObject({
  username: usernameSchema,
  password: passwordInput,
  role: roleSchema,
  email: emailSchema.nullish(),
});

export const updateUserBody = z
  .strictObject({
    email: emailSchema.nullable().optional(),
    disabled: z.boolean().optional(),
    password: passwordInput.optional(),
    role: roleSchema.optional().meta({ description: 'Cambio de privilegios: solo administradores; queda auditado' }),
  })
  .refine((b) => Object.values(b).some((v) => v !== undefined), { message: 'indique al menos un campo para cambiar' });

export const loginBody = z.strictObject({
  username: z.string().max(256),
  password: passwordInput,
});

export const changePasswordBody = z.strictObject({
  current_password: passwordInput,
  new_password: passwordInput,
});

export const userDto = z.object({
  id: z.string(),
  username: z.string(),
  role: roleSchema,
  email: z.string().nullable(),
  disabled: z.boolean(),
  created_at: isoTimestamp,
  created_by: z.string(),
  updated_at: isoTimestamp,
  password_changed_at: isoTimestamp,
});

export const sessionUserDto = z.object({ id: z.string(), username: z.string(), role: roleSchema });

export const sessionDto = z.object({
  csrf_token: z.string().meta({ description: 'Enviar en X-CSRF-Token en cada escritura hecha con la cookie de sesión' }),
  user: sessionUserDto,
  expires_at: isoTimestamp.meta({ description: 'Vencimiento absoluto de la sesión' }),
  idle_timeout_seconds: z.number().int(),
  permissions: z.array(z.string()).meta({ description: 'Permisos del rol: el panel muestra solo lo que el usuario puede hacer' }),
  timezone: z.string().meta({ description: 'Zona horaria del comercio (IANA)' }),
});

export function toUserDto({ row, email }: UserView): z.infer<typeof userDto> {
  return {
    id: row.id,
    username: row.username,
    role: roleSchema.parse(row.role),
    email,
    disabled: row.disabledAt !== null,
    created_at: iso(row.createdAt),
    created_by: row.createdBy,
    updated_at: iso(row.updatedAt),
    password_changed_at: iso(row.passwordChangedAt),
  };
}
