// Anomaly rules: small pure functions over recent audit events. Each takes the events of the
// last LOOKBACK_MS (already loaded), the clock (`now`) and its thresholds, and returns findings;
// storing, deduplicating and sending them is anomaly.ts's job. Summaries are in Spanish: they
// reach the shop's auditor. Runbooks: docs/security/audit-trail.md.
import { zonedDayBounds, localDate } from '../time/zone.ts';

export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const RULE_NAMES = [
  'brute_force',
  'off_hours_personal_data',
  'mass_personal_data',
  'privilege_change',
  'repeated_denials',
  'off_hours_stock_adjustment',
  'audit_chain_failure',
  'decryption_failure',
] as const;
export type RuleName = (typeof RULE_NAMES)[number];

export interface RuleEvent {
  seq: number;
  at: Date;
  actor: string;
  action: string;
  resource: string | null;
  outcome: string;
  ip: string | null;
  details: Record<string, unknown>;
}

/** Personal-data reads per actor and local calendar day (YYYY-MM-DD), today included. */
export interface DailyCount {
  actor: string;
  day: string;
  count: number;
}

export interface RuleInput {
  now: Date;
  /** Events with at in [now - LOOKBACK_MS, now], oldest first. */
  events: RuleEvent[];
  personalDaily: DailyCount[];
}

export interface StoreHours {
  /** Local wall-clock `HH:MM`, opening inclusive, closing exclusive. */
  open: string;
  close: string;
  /** ISO weekdays the store opens: 1 = Monday … 7 = Sunday. */
  days: number[];
}

export interface RuleConfig {
  timezone: string;
  storeHours: StoreHours;
  bruteForce: { windowMs: number; high: number; critical: number };
  offHoursPersonal: { windowMs: number };
  massPersonal: { hourlyMax: number; baselineFactor: number; baselineDays: number; minDailyCount: number };
  repeatedDenials: { windowMs: number; threshold: number };
  stockAdjustment: { minNegativeQuantity: number };
  decryption: { windowMs: number };
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** The longest window any rule looks at. */
export const LOOKBACK_MS = HOUR;
const PER_EVENT_DEDUP_MS = 24 * HOUR;
const MAX_EVIDENCE = 50;

export function defaultRuleConfig(timezone: string, storeHours: StoreHours = { open: '08:00', close: '21:00', days: [1, 2, 3, 4, 5, 6] }): RuleConfig {
  return {
    timezone,
    storeHours,
    bruteForce: { windowMs: 15 * MINUTE, high: 5, critical: 20 },
    offHoursPersonal: { windowMs: HOUR },
    massPersonal: { hourlyMax: 200, baselineFactor: 3, baselineDays: 14, minDailyCount: 50 },
    repeatedDenials: { windowMs: 15 * MINUTE, threshold: 10 },
    stockAdjustment: { minNegativeQuantity: 20 },
    decryption: { windowMs: HOUR },
  };
}

export interface Finding {
  rule: RuleName;
  severity: Severity;
  /** Whom the alert is about: an actor label, or `ip:<address>` / `account:<username>`. */
  actor: string | null;
  summary: string;
  /** rule + subject: the same incident raises once until dedupUntil (escalation excepted). */
  dedupKey: string;
  dedupUntil: Date;
  evidence: number[];
  details: Record<string, unknown>;
}

// ---------------------------------------------------------------------------------------------
// Helpers

const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return h * 60 + m;
}

export function isStoreOpen(instant: Date, timezone: string, hours: StoreHours): boolean {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: timezone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(instant);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  const minutes = Number(get('hour')) * 60 + Number(get('minute'));
  return hours.days.includes(WEEKDAYS[get('weekday')] ?? 0) && minutes >= minutesOf(hours.open) && minutes < minutesOf(hours.close);
}

function localTime(instant: Date, timezone: string): string {
  return new Intl.DateTimeFormat('es-AR', { timeZone: timezone, dateStyle: 'short', timeStyle: 'short', hourCycle: 'h23' }).format(instant);
}

function within(events: RuleEvent[], now: Date, windowMs: number): RuleEvent[] {
  const from = now.getTime() - windowMs;
  return events.filter((e) => e.at.getTime() >= from && e.at.getTime() <= now.getTime());
}

function groupBy<T>(items: T[], key: (item: T) => string | null): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    if (k === null) continue;
    groups.set(k, [...(groups.get(k) ?? []), item]);
  }
  return groups;
}

function latestAt(events: RuleEvent[]): number {
  return Math.max(...events.map((e) => e.at.getTime()));
}

function evidenceOf(events: RuleEvent[]): number[] {
  return events.slice(-MAX_EVIDENCE).map((e) => e.seq);
}

const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);

export function isPersonalDataRead(action: string): boolean {
  return /^customers\.[a-z_]+(\.[a-z_]+)*\.(read|export)$/.test(action);
}

// ---------------------------------------------------------------------------------------------
// Rules

/** ≥ high auth failures per address or per account in the window → high; ≥ critical → critical. */
function bruteForce(input: RuleInput, cfg: RuleConfig): Finding[] {
  const { windowMs, high, critical } = cfg.bruteForce;
  const failures = within(input.events, input.now, windowMs).filter(
    (e) => e.action === 'auth.failure' || (e.action === 'auth.login' && e.outcome === 'failure'),
  );
  const account = (e: RuleEvent) => str(e.details.username) ?? (e.resource?.startsWith('user:') ? e.resource : null);
  const findings: Finding[] = [];
  for (const [scope, keyOf] of [
    ['ip', (e: RuleEvent) => e.ip],
    ['account', account],
  ] as const) {
    for (const [subject, group] of groupBy(failures, keyOf)) {
      if (group.length < high) continue;
      const severity: Severity = group.length >= critical ? 'critical' : 'high';
      const who = scope === 'ip' ? `la dirección ${subject}` : `la cuenta ${subject}`;
      findings.push({
        rule: 'brute_force',
        severity,
        actor: `${scope}:${subject}`,
        summary: `Posible ataque de fuerza bruta: ${group.length} intentos de autenticación fallidos desde ${who} en ${windowMs / MINUTE} minutos.`,
        dedupKey: `brute_force:${scope}:${subject}`,
        dedupUntil: new Date(latestAt(group) + windowMs),
        evidence: evidenceOf(group),
        details: { scope, subject, failures: group.length, window_minutes: windowMs / MINUTE },
      });
    }
  }
  return findings;
}

function offHoursPersonalData(input: RuleInput, cfg: RuleConfig): Finding[] {
  const { windowMs } = cfg.offHoursPersonal;
  const reads = within(input.events, input.now, windowMs).filter(
    (e) => isPersonalDataRead(e.action) && e.outcome === 'success' && !isStoreOpen(e.at, cfg.timezone, cfg.storeHours),
  );
  return [...groupBy(reads, (e) => e.actor)].map(([actor, group]) => ({
    rule: 'off_hours_personal_data',
    severity: 'medium',
    actor,
    summary: `${actor} leyó datos personales de clientes fuera del horario del comercio (${group.length} lecturas, la última el ${localTime(group[group.length - 1]!.at, cfg.timezone)}).`,
    dedupKey: `off_hours_personal_data:${actor}`,
    dedupUntil: new Date(latestAt(group) + windowMs),
    evidence: evidenceOf(group),
    details: { reads: group.length, store_hours: cfg.storeHours },
  }));
}

function percentile75(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(0.75 * sorted.length) - 1)]!;
}

/** > hourlyMax reads in an hour → high; today > factor × the actor's daily p75 → medium. */
function massPersonalData(input: RuleInput, cfg: RuleConfig): Finding[] {
  const { hourlyMax, baselineFactor, baselineDays, minDailyCount } = cfg.massPersonal;
  const today = localDate(input.now, cfg.timezone);
  const endOfDay = zonedDayBounds(today, cfg.timezone).end;
  const lastHour = within(input.events, input.now, HOUR).filter((e) => isPersonalDataRead(e.action) && e.outcome === 'success');
  const hourly = groupBy(lastHour, (e) => e.actor);
  const daily = groupBy(input.personalDaily, (d) => d.actor);
  const actors = new Set([...hourly.keys(), ...daily.keys()]);
  const findings: Finding[] = [];
  for (const actor of actors) {
    const recent = hourly.get(actor) ?? [];
    const days = daily.get(actor) ?? [];
    const todayCount = days.find((d) => d.day === today)?.count ?? 0;
    // Days without reads count as zero: a baseline of occasional reads stays low.
    const history: number[] = [];
    for (let i = 1; i <= baselineDays; i++) {
      const day = localDate(new Date(input.now.getTime() - i * 24 * HOUR), cfg.timezone);
      history.push(days.find((d) => d.day === day)?.count ?? 0);
    }
    const p75 = percentile75(history);
    const hourlyBreach = recent.length > hourlyMax;
    const dailyBreach = todayCount >= minDailyCount && todayCount > baselineFactor * p75;
    if (!hourlyBreach && !dailyBreach) continue;
    findings.push({
      rule: 'mass_personal_data',
      severity: hourlyBreach ? 'high' : 'medium',
      actor,
      summary: hourlyBreach
        ? `${actor} leyó o exportó datos personales de ${recent.length} clientes en la última hora (límite ${hourlyMax}).`
        : `${actor} lleva ${todayCount} lecturas de datos personales hoy, más de ${baselineFactor} veces su nivel habitual (p75 diario ${p75}).`,
      dedupKey: `mass_personal_data:${actor}`,
      dedupUntil: endOfDay,
      evidence: evidenceOf(recent),
      details: { last_hour: recent.length, today: todayCount, daily_p75: p75, hourly_max: hourlyMax, factor: baselineFactor },
    });
  }
  return findings;
}

const ROLE_RANK: Record<string, number> = { clerk: 1, auditor: 2, manager: 3, admin: 4 };
// Initial access on a first start (no admin existed): expected, not a privilege change.
const INITIAL_ACCESS_ACTORS = new Set(['system:bootstrap', 'system:first-start']);

function privilegeChange(input: RuleInput): Finding[] {
  const findings: Finding[] = [];
  for (const e of within(input.events, input.now, LOOKBACK_MS)) {
    if (e.outcome !== 'success' || INITIAL_ACCESS_ACTORS.has(e.actor)) continue;
    let summary: string | null = null;
    const role = str(e.details.role);
    if (e.action === 'identity.api_key.create' && role === 'admin') {
      summary = `${e.actor} creó una clave de API con rol admin (${str(e.details.name) ?? e.resource ?? 'sin nombre'}).`;
    } else if (e.action === 'identity.user.create' && role === 'admin') {
      summary = `${e.actor} creó el usuario administrador ${str(e.details.username) ?? e.resource ?? ''}.`.trim();
    } else if (e.action === 'identity.user.role_change') {
      const from = str(e.details.from);
      const to = str(e.details.to);
      if (to && (ROLE_RANK[to] ?? 0) > (ROLE_RANK[from ?? ''] ?? 0)) {
        summary = `${e.actor} elevó el rol de ${str(e.details.username) ?? e.resource ?? 'un usuario'} de ${from ?? '?'} a ${to}.`;
      }
    }
    if (!summary) continue;
    findings.push({
      rule: 'privilege_change',
      severity: 'high',
      actor: e.actor,
      summary,
      dedupKey: `privilege_change:${e.seq}`,
      dedupUntil: new Date(e.at.getTime() + PER_EVENT_DEDUP_MS),
      evidence: [e.seq],
      details: { action: e.action, resource: e.resource },
    });
  }
  return findings;
}

function repeatedDenials(input: RuleInput, cfg: RuleConfig): Finding[] {
  const { windowMs, threshold } = cfg.repeatedDenials;
  const denials = within(input.events, input.now, windowMs).filter((e) => e.action === 'auth.denied');
  return [...groupBy(denials, (e) => e.actor)]
    .filter(([, group]) => group.length >= threshold)
    .map(([actor, group]) => ({
      rule: 'repeated_denials' as const,
      severity: 'medium' as const,
      actor,
      summary: `${actor} recibió ${group.length} rechazos por falta de permiso en ${windowMs / MINUTE} minutos: posible exploración de permisos.`,
      dedupKey: `repeated_denials:${actor}`,
      dedupUntil: new Date(latestAt(group) + windowMs),
      evidence: evidenceOf(group),
      details: { denials: group.length, operations: [...new Set(group.map((e) => String(e.details.operation ?? '')))].slice(0, 20) },
    }));
}

/** The negative quantity an adjustment event took out of stock, or 0. */
export function negativeAdjustment(e: RuleEvent): number {
  if (e.action === 'stock.movement.create' && e.details.type === 'adjust') return Math.min(0, Number(e.details.quantity) || 0);
  if (e.action === 'stock.count.create' && Array.isArray(e.details.adjusted)) {
    return (e.details.adjusted as { quantity?: unknown }[]).reduce((sum, l) => sum + Math.min(0, Number(l.quantity) || 0), 0);
  }
  return 0;
}

function offHoursStockAdjustment(input: RuleInput, cfg: RuleConfig): Finding[] {
  const limit = cfg.stockAdjustment.minNegativeQuantity;
  return within(input.events, input.now, LOOKBACK_MS)
    .filter((e) => e.outcome === 'success' && negativeAdjustment(e) <= -limit && !isStoreOpen(e.at, cfg.timezone, cfg.storeHours))
    .map((e) => ({
      rule: 'off_hours_stock_adjustment' as const,
      severity: 'high' as const,
      actor: e.actor,
      summary: `${e.actor} descontó ${-negativeAdjustment(e)} unidades de stock con un ajuste fuera del horario del comercio (${localTime(e.at, cfg.timezone)}).`,
      dedupKey: `off_hours_stock_adjustment:${e.seq}`,
      dedupUntil: new Date(e.at.getTime() + PER_EVENT_DEDUP_MS),
      evidence: [e.seq],
      details: { action: e.action, resource: e.resource, quantity: negativeAdjustment(e), threshold: -limit },
    }));
}

function auditChainFailure(input: RuleInput): Finding[] {
  return within(input.events, input.now, LOOKBACK_MS)
    .filter((e) => e.action === 'audit.chain.verify' && e.outcome === 'failure')
    .map((e) => {
      const firstBad = e.details.first_bad_seq ?? null;
      return {
        rule: 'audit_chain_failure' as const,
        severity: 'critical' as const,
        actor: e.actor,
        summary: `La verificación de la cadena de auditoría falló${firstBad !== null ? ` (primer evento con problemas: ${String(firstBad)})` : ''}: el registro pudo ser alterado.`,
        // One alert per broken spot per day, however often verify runs meanwhile.
        dedupKey: `audit_chain_failure:${String(firstBad)}`,
        dedupUntil: new Date(e.at.getTime() + PER_EVENT_DEDUP_MS),
        evidence: [e.seq],
        details: { first_bad_seq: firstBad, problems: e.details.problems ?? [] },
      };
    });
}

function decryptionFailure(input: RuleInput, cfg: RuleConfig): Finding[] {
  const { windowMs } = cfg.decryption;
  const failures = within(input.events, input.now, windowMs).filter((e) => e.action.startsWith('customers.') && e.outcome === 'error');
  return [...groupBy(failures, (e) => e.actor)].map(([actor, group]) => ({
    rule: 'decryption_failure',
    severity: 'high',
    actor,
    summary: `Falló el descifrado de datos personales ${group.length} ${group.length === 1 ? 'vez' : 'veces'} (último recurso: ${group[group.length - 1]!.resource ?? 'desconocido'}): datos alterados o claves incorrectas.`,
    dedupKey: `decryption_failure:${actor}`,
    dedupUntil: new Date(latestAt(group) + windowMs),
    evidence: evidenceOf(group),
    details: { failures: group.length, resources: [...new Set(group.map((e) => e.resource))].slice(0, 20) },
  }));
}

export const RULES: Record<RuleName, (input: RuleInput, cfg: RuleConfig) => Finding[]> = {
  brute_force: bruteForce,
  off_hours_personal_data: offHoursPersonalData,
  mass_personal_data: massPersonalData,
  privilege_change: privilegeChange,
  repeated_denials: repeatedDenials,
  off_hours_stock_adjustment: offHoursStockAdjustment,
  audit_chain_failure: auditChainFailure,
  decryption_failure: decryptionFailure,
};

export function evaluateRules(input: RuleInput, cfg: RuleConfig): Finding[] {
  return RULE_NAMES.flatMap((name) => RULES[name](input, cfg));
}
