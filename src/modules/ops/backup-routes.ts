// POST/GET /api/v1/backups (admin) and GET /api/v1/dr/reports (admin, auditor).
import path from 'node:path';
import { z } from 'zod';
import type { App } from '../../platform/http/types.ts';
import { page, paginationQuery } from '../../platform/http/schemas.ts';
import { pageOfList } from '../../platform/http/pagination.ts';
import { auditContextOf } from '../../platform/audit/writer.ts';
import type { BackupService } from './backup/service.ts';
import { listDrillReports } from './dr/report.ts';
import { watchOpsFiles } from './ops-metrics.ts';

const chainHead = z.object({ position: z.number().int(), event_seq: z.number().int(), hash: z.string() }).nullable();

export const manifestSchema = z.object({
  format_version: z.number().int(),
  backup_id: z.string(),
  engine: z.enum(['pglite', 'pg']),
  schema_version: z.string().nullable(),
  migrations_applied: z.number().int(),
  created_at: z.string(),
  finished_at: z.string(),
  row_counts: z.record(z.string(), z.number().int()),
  files: z.object({ count: z.number().int(), bytes: z.number().int() }),
  content_sha256: z.string(),
  content_bytes: z.number().int(),
  audit_chain_head: chainHead,
  kek_kcv: z.string(),
});

const createdSchema = z.object({
  file: z.string().meta({ description: 'File name inside the backups directory' }),
  size: z.number().int(),
  duration_ms: z.number().int(),
  manifest: manifestSchema,
  copy: z.object({ verified: z.boolean(), error: z.string().nullable() }).nullable(),
});

const entrySchema = z.object({
  file: z.string(),
  size: z.number().int(),
  created_at: z.string(),
  engine: z.string(),
  schema_version: z.string().nullable(),
  backup_id: z.string(),
  complete: z.boolean(),
  row_counts: z.record(z.string(), z.number().int()).nullable(),
});

const stepSchema = z.object({ step: z.string(), ok: z.boolean(), detail: z.string(), ms: z.number() });
const reportSchema = z.object({
  drill_id: z.string(),
  ok: z.boolean(),
  failed_step: z.string().nullable(),
  started_at: z.string(),
  finished_at: z.string(),
  target: z.object({ kind: z.string(), description: z.string() }),
  backup: z.object({ file: z.string(), backup_id: z.string(), created_at: z.string(), engine: z.string(), schema_version: z.string().nullable(), bytes: z.number(), content_bytes: z.number() }).nullable(),
  key: z.object({ kcv: z.string(), key_version: z.number().int().nullable(), shares_used: z.number().int(), threshold: z.number().int() }).nullable(),
  rto_seconds: z.number().nullable(),
  rpo_seconds: z.number().nullable(),
  restore_mb_per_s: z.number().nullable(),
  steps: z.array(stepSchema),
  audit_event: z.object({ recorded: z.boolean(), detail: z.string() }),
});

export function opsBackupRoutes(app: App, { backups, dataDir }: { backups: BackupService; dataDir: string }): void {
  watchOpsFiles(dataDir);

  app.post(
    '/backups',
    {
      config: { access: 'admin', operation: 'ops.backup.create' },
      schema: {
        tags: ['ops'],
        description: 'Hace ahora una copia de seguridad cifrada (y la copia verificada en BACKUP_COPY_DIR si está configurado) y devuelve su manifiesto.',
        response: { 201: createdSchema },
      },
    },
    async (request, reply) => {
      const made = await backups.create(auditContextOf(request));
      reply.code(201);
      return {
        file: path.basename(made.file),
        size: made.size,
        duration_ms: made.duration_ms,
        manifest: made.manifest,
        copy: made.copy ? { verified: made.copy.verified, error: made.copy.error } : null,
      };
    },
  );

  app.get(
    '/backups',
    {
      config: { access: 'admin', operation: 'ops.backup.list' },
      schema: { tags: ['ops'], description: 'Copias de seguridad del directorio de copias, de la más nueva a la más vieja.', querystring: z.object(paginationQuery), response: { 200: page(entrySchema) } },
    },
    async (request) => pageOfList(await backups.list(), request.query.limit, request.query.cursor),
  );

  app.get(
    '/dr/reports',
    {
      config: { access: 'dr:read', operation: 'ops.dr.report.list' },
      schema: { tags: ['ops'], description: 'Informes de los simulacros de recuperación ante desastres, del más nuevo al más viejo.', querystring: z.object(paginationQuery), response: { 200: page(reportSchema) } },
    },
    async (request) => pageOfList(listDrillReports(dataDir), request.query.limit, request.query.cursor),
  );
}
