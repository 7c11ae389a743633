// The breach register: record a suspected breach, follow it to notification and closure with the
// 72-hour clock of GDPR art. 33.1 (Ley 25.326 sets no fixed term; its art. 9 duty of security and
// the AAIP's security measures, Res. 47/2018, ask for incidents to be recorded and reported, and the
// stricter model is used), and export what the authority asks for. Every write and every export is an audit event; details
// carry ids, classes and counts only, never the free text (it may name people).
import { uuidv7 } from 'uuidv7';
import type { Config } from '../../config.ts';
import type { Database, Queryable } from '../../platform/db/types.ts';
import type { AuditContext, AuditWriter } from '../../platform/audit/writer.ts';
import { findAlert } from '../../platform/audit/alerts.ts';
import { decodeCursor, pageOf } from '../../platform/http/pagination.ts';
import { iso } from '../../platform/http/schemas.ts';
import { PrivacyErrors } from './errors.ts';
import { setOverdueSource } from './metrics.ts';
import { createBreachesRepo, type BreachInsert, type BreachRow } from './breaches-repo.ts';
import { DATA_CLASSES, type DataClass } from './personal-data.ts';
import type { BreachCreate, BreachDto, BreachListQuery, BreachPatch, BreachStatus } from './schemas.ts';

export const NOTIFICATION_HOURS = 72;
const HOUR = 3_600_000;
/** Clocks differ a little between a browser and the server. */
const FUTURE_TOLERANCE_MS = 5 * 60_000;

const TRANSITIONS: Record<BreachStatus, BreachStatus[]> = { open: ['notified', 'closed'], notified: ['closed'], closed: [] };

export function toBreachDto(row: BreachRow, now: Date): BreachDto {
  const deadline = new Date(row.detectedAt.getTime() + NOTIFICATION_HOURS * HOUR);
  const open = row.status === 'open';
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    occurred_at: row.occurredAt ? iso(row.occurredAt) : null,
    detected_at: iso(row.detectedAt),
    data_classes: row.dataClasses,
    people_affected: row.peopleAffected,
    likely_consequences: row.likelyConsequences,
    measures_taken: row.measuresTaken,
    status: row.status as BreachStatus,
    notified_at: row.notifiedAt ? iso(row.notifiedAt) : null,
    authority_reference: row.authorityReference,
    delay_reason: row.delayReason,
    closed_at: row.closedAt ? iso(row.closedAt) : null,
    alert_ids: row.alertIds,
    created_by: row.createdBy,
    created_at: iso(row.createdAt),
    updated_at: iso(row.updatedAt),
    notification: {
      deadline_at: iso(deadline),
      hours_remaining: open ? Math.round(((deadline.getTime() - now.getTime()) / HOUR) * 10) / 10 : null,
      overdue: open && now > deadline,
      notified_in_time: row.notifiedAt ? row.notifiedAt <= deadline : null,
    },
  };
}

export interface BreachesDeps {
  database: Database;
  config: Config;
  audit: AuditWriter;
  clock?: () => Date;
}

export function createBreachesService({ database, config, audit, clock = () => new Date() }: BreachesDeps) {
  async function checkAlerts(q: Queryable, ids: string[]): Promise<void> {
    const missing: number[] = [];
    for (const [i, id] of ids.entries()) if (!(await findAlert(q, id))) missing.push(i);
    if (missing.length > 0) throw PrivacyErrors.unknownAlerts(missing);
  }

  function checkDates(detected: Date, occurred: Date | null, now: Date): void {
    if (detected.getTime() > now.getTime() + FUTURE_TOLERANCE_MS) throw PrivacyErrors.badDates('detected_at', 'no puede ser una fecha futura');
    if (occurred && occurred > detected) throw PrivacyErrors.badDates('occurred_at', 'no puede ser posterior a detected_at');
  }

  setOverdueSource(() => createBreachesRepo(database.db).countOverdue(NOTIFICATION_HOURS));

  const date = (v: string | null | undefined) => (v === undefined ? undefined : v === null ? null : new Date(v));

  return {
    async create(input: BreachCreate, ctx: AuditContext): Promise<BreachDto> {
      const now = clock();
      const detectedAt = new Date(input.detected_at);
      const occurredAt = date(input.occurred_at) ?? null;
      checkDates(detectedAt, occurredAt, now);
      const row = await database.transaction(async (tx) => {
        await checkAlerts(tx, input.alert_ids);
        const created = await createBreachesRepo(tx).insert({
          id: uuidv7(),
          title: input.title,
          description: input.description,
          occurredAt,
          detectedAt,
          dataClasses: input.data_classes,
          peopleAffected: input.people_affected,
          likelyConsequences: input.likely_consequences ?? null,
          measuresTaken: input.measures_taken ?? null,
          alertIds: input.alert_ids,
          createdBy: ctx.actor,
          updatedBy: ctx.actor,
        });
        await audit.record(tx, ctx, {
          action: 'privacy.breach.create',
          resource: `breach:${created.id}`,
          outcome: 'success',
          details: { data_classes: input.data_classes, people_affected: input.people_affected, alert_ids: input.alert_ids },
        });
        return created;
      });
      return toBreachDto(row, now);
    },

    async get(id: string): Promise<BreachDto> {
      const row = await createBreachesRepo(database.db).find(id);
      if (!row) throw PrivacyErrors.breachNotFound();
      return toBreachDto(row, clock());
    },

    async list(query: BreachListQuery): Promise<{ items: BreachDto[]; next_cursor: string | null }> {
      const cursor = decodeCursor(query.cursor, 2);
      if (cursor && (Number.isNaN(Date.parse(cursor[0]!)) || !/^[0-9a-f-]{36}$/.test(cursor[1]!))) throw PrivacyErrors.badDates('cursor', 'cursor inválido; use el next_cursor de la respuesta anterior');
      const before = cursor ? { detectedAt: new Date(cursor[0]!), id: cursor[1]! } : undefined;
      const rows = await createBreachesRepo(database.db).list({ status: query.status, before, limit: query.limit });
      const page = pageOf(rows, query.limit, (r) => [r.detectedAt.toISOString(), r.id]);
      const now = clock();
      return { items: page.items.map((r) => toBreachDto(r, now)), next_cursor: page.next_cursor };
    },

    async update(id: string, patch: BreachPatch, ctx: AuditContext): Promise<BreachDto> {
      const now = clock();
      const row = await database.transaction(async (tx) => {
        const repo = createBreachesRepo(tx);
        const current = await repo.find(id, true);
        if (!current) throw PrivacyErrors.breachNotFound();
        if (current.status === 'closed') throw PrivacyErrors.breachClosed();
        const from = current.status as BreachStatus;
        const to = patch.status ?? from;
        if (to !== from && !TRANSITIONS[from].includes(to)) throw PrivacyErrors.invalidTransition(from, to);
        if (patch.notified_at !== undefined && to === 'open') throw PrivacyErrors.badDates('notified_at', 'solo se indica al pasar el incidente a notified');
        const detectedAt = date(patch.detected_at) ?? current.detectedAt;
        const occurredAt = patch.occurred_at === undefined ? current.occurredAt : date(patch.occurred_at)!;
        checkDates(detectedAt, occurredAt, now);
        if (patch.alert_ids) await checkAlerts(tx, patch.alert_ids);
        const values: Partial<BreachInsert> = {
          ...(patch.title !== undefined ? { title: patch.title } : {}),
          ...(patch.description !== undefined ? { description: patch.description } : {}),
          ...(patch.detected_at !== undefined ? { detectedAt } : {}),
          ...(patch.occurred_at !== undefined ? { occurredAt } : {}),
          ...(patch.data_classes !== undefined ? { dataClasses: patch.data_classes } : {}),
          ...(patch.people_affected !== undefined ? { peopleAffected: patch.people_affected } : {}),
          ...(patch.likely_consequences !== undefined ? { likelyConsequences: patch.likely_consequences } : {}),
          ...(patch.measures_taken !== undefined ? { measuresTaken: patch.measures_taken } : {}),
          ...(patch.alert_ids !== undefined ? { alertIds: patch.alert_ids } : {}),
          ...(patch.authority_reference !== undefined ? { authorityReference: patch.authority_reference } : {}),
          ...(patch.delay_reason !== undefined ? { delayReason: patch.delay_reason } : {}),
          status: to,
          updatedBy: ctx.actor,
          updatedAt: now,
        };
        if (to === 'notified' && (from !== 'notified' || patch.notified_at !== undefined)) {
          const notifiedAt = date(patch.notified_at) ?? now;
          if (notifiedAt < detectedAt) throw PrivacyErrors.badDates('notified_at', 'no puede ser anterior a detected_at');
          if (notifiedAt.getTime() > now.getTime() + FUTURE_TOLERANCE_MS) throw PrivacyErrors.badDates('notified_at', 'no puede ser una fecha futura');
          values.notifiedAt = notifiedAt;
        }
        if (to === 'closed') values.closedAt = now;
        const updated = await repo.update(id, values);
        await audit.record(tx, ctx, {
          action: 'privacy.breach.update',
          resource: `breach:${id}`,
          outcome: 'success',
          details: { fields: Object.keys(patch).sort(), ...(to !== from ? { from, to } : {}) },
        });
        return updated;
      });
      return toBreachDto(row, now);
    },

    /** The notification for the authority (GDPR art. 33.3; AAIP incident form), audited. */
    async export(id: string, ctx: AuditContext) {
      const now = clock();
      return database.transaction(async (tx) => {
        const row = await createBreachesRepo(tx).find(id);
        if (!row) throw PrivacyErrors.breachNotFound();
        const alerts = [];
        for (const alertId of row.alertIds) {
          const a = await findAlert(tx, alertId);
          if (a) alerts.push({ id: a.id, rule: a.rule, severity: a.severity, at: iso(a.at), summary: a.summary, status: a.status });
        }
        await audit.record(tx, ctx, { action: 'privacy.breach.export', resource: `breach:${id}`, outcome: 'success', details: { alerts: alerts.length } });
        const c = config.privacy.controller;
        return {
          format: 'inventario.breach-notification/1' as const,
          generated_at: iso(now),
          controller: { name: c.name ?? null, cuit: c.cuit ?? null, address: c.address ?? null, email: c.email ?? null },
          breach: { ...toBreachDto(row, now), data_class_labels: row.dataClasses.map((k) => DATA_CLASSES[k as DataClass] ?? k) },
          linked_alerts: alerts,
        };
      });
    },
  };
}

export type BreachesService = ReturnType<typeof createBreachesService>;
