import { z } from 'zod';
import { isoTimestamp, paginationQuery } from '../../platform/http/schemas.ts';
import { DATA_CLASS_KEYS } from './personal-data.ts';
import { RETENTION_CLASSES } from './retention-policy.ts';

// ---------------------------------------------------------------------------------------------
// Retention

export const retentionRunBody = z
  .strictObject({ dry_run: z.boolean().default(true) })
  // No body at all is a dry run: removing data must always be asked for explicitly.
  .nullish()
  .transform((body) => body ?? { dry_run: true });

const retentionAction = z.enum(['anonymise', 'delete', 'report_only', 'backup_rotation']);

export const classReportDto = z.object({
  class: z.enum(RETENTION_CLASSES),
  action: retentionAction,
  cutoff: isoTimestamp.nullable(),
  due: z.number().int().meta({ description: 'Elementos vencidos al momento de la ejecución' }),
  applied: z.number().int().meta({ description: 'Elementos borrados o anonimizados por esta ejecución (0 en simulación)' }),
  retained: z.number().int().meta({ description: 'Vencidos que se conservan a propósito (auditoría, retención legal)' }),
  failed: z.number().int().meta({ description: 'Vencidos que no se pudieron borrar esta vez (se reintenta en la próxima ejecución)' }),
  note: z.string().nullable(),
});

export const retentionReportDto = z.object({
  id: z.string(),
  trigger: z.enum(['api', 'cli', 'scheduled']),
  dry_run: z.boolean(),
  actor: z.string(),
  started_at: isoTimestamp,
  finished_at: isoTimestamp,
  classes: z.array(classReportDto),
});

export const retentionStatusDto = z.object({
  policy: z.object({
    interval_hours: z.number().int(),
    classes: z.array(
      z.object({
        class: z.enum(RETENTION_CLASSES),
        label: z.string(),
        period: z.object({ years: z.number().optional(), hours: z.number().optional(), seconds: z.number().optional() }).nullable(),
        action: retentionAction,
        basis: z.string(),
        config: z.array(z.string()),
      }),
    ),
  }),
  last_run: retentionReportDto.nullable(),
  last_applied_run: retentionReportDto.nullable(),
});

// ---------------------------------------------------------------------------------------------
// Breaches

const instant = z.iso.datetime({ offset: true, message: 'fecha y hora inválida; use RFC 3339 (2026-03-01T12:00:00Z)' });
const text = (max: number) => z.string().trim().min(1).max(max);
const dataClasses = z
  .array(z.enum(DATA_CLASS_KEYS, { message: `clase de datos desconocida; use una de: ${DATA_CLASS_KEYS.join(', ')}` }))
  .min(1, { message: 'indique al menos una clase de datos afectada' })
  .max(DATA_CLASS_KEYS.length)
  .transform((list) => [...new Set(list)]);
const peopleAffected = z.number({ message: 'debe ser un número entero' }).int().min(0).max(1_000_000_000);
const alertIds = z
  .array(z.uuid({ message: 'id de alerta inválido' }))
  .max(100)
  .transform((list) => [...new Set(list)]);

export const breachCreateBody = z.strictObject({
  title: text(200),
  description: text(10_000),
  detected_at: instant,
  occurred_at: instant.nullish(),
  data_classes: dataClasses,
  people_affected: peopleAffected,
  likely_consequences: text(5_000).nullish(),
  measures_taken: text(5_000).nullish(),
  alert_ids: alertIds.default([]),
});
export type BreachCreate = z.infer<typeof breachCreateBody>;

export const BREACH_STATUSES = ['open', 'notified', 'closed'] as const;
export type BreachStatus = (typeof BREACH_STATUSES)[number];

export const breachPatchBody = z
  .strictObject({
    title: text(200).optional(),
    description: text(10_000).optional(),
    detected_at: instant.optional(),
    occurred_at: instant.nullish(),
    data_classes: dataClasses.optional(),
    people_affected: peopleAffected.optional(),
    likely_consequences: text(5_000).nullish(),
    measures_taken: text(5_000).nullish(),
    alert_ids: alertIds.optional(),
    status: z.enum(BREACH_STATUSES, { message: 'el estado debe ser open, notified o closed' }).optional(),
    notified_at: instant.optional(),
    authority_reference: text(200).nullish(),
    delay_reason: text(5_000).nullish(),
  })
  .refine((b) => Object.keys(b).length > 0, { message: 'indique al menos un campo a cambiar' });
export type BreachPatch = z.infer<typeof breachPatchBody>;

export const breachListQuery = z.object({
  status: z.enum(BREACH_STATUSES).optional(),
  ...paginationQuery,
});
export type BreachListQuery = z.infer<typeof breachListQuery>;

export const breachDto = z.object({
  id: z.string(),
  title: z.string(),
  description: z.string(),
  occurred_at: isoTimestamp.nullable(),
  detected_at: isoTimestamp,
  data_classes: z.array(z.string()),
  people_affected: z.number().int(),
  likely_consequences: z.string().nullable(),
  measures_taken: z.string().nullable(),
  status: z.enum(BREACH_STATUSES),
  notified_at: isoTimestamp.nullable(),
  authority_reference: z.string().nullable(),
  delay_reason: z.string().nullable(),
  closed_at: isoTimestamp.nullable(),
  alert_ids: z.array(z.string()),
  created_by: z.string(),
  created_at: isoTimestamp,
  updated_at: isoTimestamp,
  notification: z.object({
    deadline_at: isoTimestamp.meta({ description: 'detected_at + 72 h (Ley 25.326 y GDPR art. 33.1)' }),
    hours_remaining: z.number().nullable().meta({ description: 'Horas hasta el vencimiento (negativas si venció); null si ya no está abierto' }),
    overdue: z.boolean(),
    notified_in_time: z.boolean().nullable(),
  }),
});
export type BreachDto = z.infer<typeof breachDto>;

export const breachExportDto = z.object({
  format: z.literal('inventario.breach-notification/1'),
  generated_at: isoTimestamp,
  controller: z.object({ name: z.string().nullable(), cuit: z.string().nullable(), address: z.string().nullable(), email: z.string().nullable() }),
  breach: breachDto.extend({ data_class_labels: z.array(z.string()) }),
  linked_alerts: z.array(
    z.object({ id: z.string(), rule: z.string(), severity: z.string(), at: isoTimestamp, summary: z.string(), status: z.string() }),
  ),
});

// ---------------------------------------------------------------------------------------------
// Records of processing

export const recordsDto = z.object({
  generated_from: z.string(),
  classes: z.array(z.object({ class: z.string(), label: z.string() })),
  fields: z.array(
    z.object({
      table: z.string(),
      column: z.string(),
      data_class: z.string(),
      purpose: z.string(),
      legal_basis: z.string(),
      retention: z.string(),
      recipients: z.array(z.string()),
      sealed: z.boolean(),
    }),
  ),
});
