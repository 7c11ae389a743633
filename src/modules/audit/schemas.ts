import { z } from 'zod';
import { iso, isoTimestamp, paginationQuery } from '../../platform/http/schemas.ts';
import { RULE_NAMES, SEVERITIES } from '../../platform/audit/rules.ts';
import { ALERT_STATUSES, type AlertRow } from '../../platform/audit/alerts.ts';
import type { VerifyReport } from '../../platform/audit/verifier.ts';
import type { AuditEventRow } from './repo.ts';

export const OUTCOMES = ['success', 'failure', 'denied', 'error'] as const;

/** An RFC 3339 instant, or a date meaning that whole day in the store's time zone. */
const instant = z.union([z.iso.datetime({ offset: true }), z.iso.date()]);

export const eventListQuery = z.object({
  ...paginationQuery,
  actor: z.string().min(1).max(200).optional(),
  action: z
    .string()
    .max(200)
    .regex(/^[a-z0-9_]+(\.[a-z0-9_]+)*(\.\*)?$/, 'una acción como stock.movement.create, o un prefijo como customers.*')
    .optional(),
  outcome: z.enum(OUTCOMES).optional(),
  from: instant.optional(),
  to: instant.optional(),
});
export type EventListQuery = z.infer<typeof eventListQuery>;

export const eventDto = z.object({
  seq: z.number().int(),
  id: z.string(),
  at: isoTimestamp,
  actor: z.string(),
  actor_name: z.string().nullable().meta({ description: 'Nombre del usuario o de la clave de API detrás de `actor`, si existe' }),
  action: z.string(),
  resource: z.string().nullable(),
  outcome: z.enum(OUTCOMES),
  ip: z.string().nullable(),
  request_id: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
});
export type EventDto = z.infer<typeof eventDto>;

export function toEventDto(row: AuditEventRow, actorNames: ReadonlyMap<string, string> = new Map()): EventDto {
  return {
    seq: Number(row.seq),
    id: row.id,
    at: iso(row.at),
    actor: row.actor,
    actor_name: actorNames.get(row.actor) ?? null,
    action: row.action,
    resource: row.resource,
    outcome: row.outcome as EventDto['outcome'],
    ip: row.ip,
    request_id: row.requestId,
    details: (row.details ?? {}) as Record<string, unknown>,
  };
}

const problemDto = z.object({
  kind: z.string(),
  seq: z.number().int().nullable(),
  position: z.number().int().nullable(),
  message: z.string(),
});

export const verifyResponse = z.object({
  ok: z.boolean(),
  events_checked: z.number().int(),
  head_position: z.number().int(),
  head_hash: z.string().nullable(),
  first_bad_seq: z.number().int().nullable(),
  last_checkpoint: z
    .object({
      seal_position: z.number().int(),
      event_seq: z.number().int(),
      head_hash: z.string(),
      at: isoTimestamp,
      public_key: z.string(),
      matches: z.boolean().nullable(),
    })
    .nullable(),
  problems: z.array(problemDto),
  warnings: z.array(z.string()),
});
export type VerifyDto = VerifyReport;

export const alertListQuery = z.object({
  ...paginationQuery,
  status: z.enum(ALERT_STATUSES).optional(),
  severity: z.enum(SEVERITIES).optional(),
  rule: z.enum(RULE_NAMES).optional(),
});
export type AlertListQuery = z.infer<typeof alertListQuery>;

export const alertDto = z.object({
  id: z.string(),
  rule: z.string(),
  severity: z.enum(SEVERITIES),
  at: isoTimestamp,
  actor: z.string().nullable(),
  summary: z.string(),
  status: z.enum(ALERT_STATUSES),
  evidence_seqs: z.array(z.number().int()),
  details: z.record(z.string(), z.unknown()),
  status_changed_at: isoTimestamp.nullable(),
  status_changed_by: z.string().nullable(),
  note: z.string().nullable(),
  delivery_state: z.enum(['none', 'pending', 'delivered', 'failed']),
});
export type AlertDto = z.infer<typeof alertDto>;

export function toAlertDto(row: AlertRow): AlertDto {
  return {
    id: row.id,
    rule: row.rule,
    severity: row.severity as AlertDto['severity'],
    at: iso(row.at),
    actor: row.actor,
    summary: row.summary,
    status: row.status as AlertDto['status'],
    evidence_seqs: Array.isArray(row.evidenceSeqs) ? (row.evidenceSeqs as number[]) : [],
    details: (row.details ?? {}) as Record<string, unknown>,
    status_changed_at: row.statusChangedAt ? iso(row.statusChangedAt) : null,
    status_changed_by: row.statusChangedBy,
    note: row.statusNote,
    delivery_state: row.deliveryState as AlertDto['delivery_state'],
  };
}

// Fastify hands a missing body to the validator as null.
export const transitionBody = z
  .strictObject({ note: z.string().trim().min(1).max(500).optional() })
  .nullish()
  .meta({ description: 'Nota opcional (por ejemplo, qué se revisó)' });
