import { z } from 'zod';
import { ROLES } from '../../platform/http/permissions.ts';
import { iso, isoTimestamp } from '../../platform/http/schemas.ts';
import type { ApiKeyRow } from './repo.ts';

export const roleSchema = z.enum(ROLES);

export const createApiKeyBody = z.strictObject({
  name: z.string().trim().min(1).max(100),
  role: roleSchema,
  expires_at: z.iso.datetime({ offset: true }).nullish(),
});

export const apiKeyDto = z.object({
  id: z.string(),
  name: z.string(),
  role: roleSchema,
  prefix: z.string(),
  created_at: isoTimestamp,
  created_by: z.string(),
  expires_at: isoTimestamp.nullable(),
  revoked_at: isoTimestamp.nullable(),
  last_used_at: isoTimestamp.nullable(),
});

export const createdApiKeyDto = apiKeyDto.extend({
  key: z.string().meta({ description: 'El secreto; se muestra solo esta vez' }),
});

export function toApiKeyDto(row: ApiKeyRow): z.infer<typeof apiKeyDto> {
  return {
    id: row.id,
    name: row.name,
    role: roleSchema.parse(row.role),
    prefix: row.prefix,
    created_at: iso(row.createdAt),
    created_by: row.createdBy,
    expires_at: row.expiresAt ? iso(row.expiresAt) : null,
    revoked_at: row.revokedAt ? iso(row.revokedAt) : null,
    last_used_at: row.lastUsedAt ? iso(row.lastUsedAt) : null,
  };
}
