// The role → permission table. It mirrors the capability matrix in API.md; every route names
// exactly one of these permissions and the auth hook checks it.

export const ROLES = ['admin', 'manager', 'clerk', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = {
  'catalog:read': ['admin', 'manager', 'clerk', 'auditor'],
  'catalog:write': ['admin', 'manager'],
  'stock:move': ['admin', 'manager', 'clerk'],
  'stock:adjust': ['admin', 'manager'],
  'pricing:manage': ['admin', 'manager'],
  'invoices:upload': ['admin', 'manager', 'clerk'],
  'invoices:manage': ['admin', 'manager'],
  'forecast:read': ['admin', 'manager', 'clerk', 'auditor'],
  'customers:manage': ['admin', 'manager'],
  'customers:privacy': ['admin'],
  'audit:read': ['admin', 'auditor'],
  'dr:read': ['admin', 'auditor'],
  admin: ['admin'],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

/** `public` routes need no credentials; `authenticated` ones accept any role. */
export type RouteAccess = Permission | 'public' | 'authenticated';

export function roleHas(role: Role, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly Role[]).includes(role);
}

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

export function permissionsOf(role: Role): Permission[] {
  return (Object.keys(PERMISSIONS) as Permission[]).filter((permission) => roleHas(role, permission));
}
