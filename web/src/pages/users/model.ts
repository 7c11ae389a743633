// Shapes of /users and /api-keys (src/modules/identity/*-schemas.ts) and small helpers.
import { ApiError } from '../../api/client.ts';
import type { Role } from '../../api/types.ts';
import { errorMessage } from '../../components/states.tsx';
import { t } from '../../i18n/index.ts';

export const ROLES: Role[] = ['admin', 'manager', 'clerk', 'auditor'];

export const roleOptions = ROLES.map((r) => ({ value: r, label: `${t.roles[r] ?? r} (${r})` }));

export interface User {
  id: string;
  username: string;
  role: Role;
  email: string | null;
  disabled: boolean;
  created_at: string;
  created_by: string;
  updated_at: string;
  password_changed_at: string;
}

export interface ApiKey {
  id: string;
  name: string;
  role: Role;
  prefix: string;
  created_at: string;
  created_by: string;
  expires_at: string | null;
  revoked_at: string | null;
  last_used_at: string | null;
}

export interface CreatedApiKey extends ApiKey {
  key: string;
}

export function usersErrorMessage(error: unknown): string {
  if (error instanceof ApiError && t.users.errors[error.code]) return t.users.errors[error.code]!;
  return errorMessage(error);
}

/** The form-level line under a form: "check the fields" when the API flagged fields. */
export function formLevelMessage(error: unknown, fieldCodes: string[] = []): string {
  if (error instanceof ApiError && (error.errors.length > 0 || fieldCodes.includes(error.code))) return t.form.fixErrors;
  return usersErrorMessage(error);
}

