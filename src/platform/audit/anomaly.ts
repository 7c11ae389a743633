// Runs the anomaly rules: loads the recent events they look at, evaluates them with the given
// clock, and raises the findings as (deduplicated, audited, counted) alerts. Scheduled on one
// instance; `now` is a parameter so a test can replay a week in seconds.
import { sql } from 'drizzle-orm';
import { queryRows, type Database } from '../db/types.ts';
import { auditAlertsRaised } from '../observability/metrics.ts';
import { raiseAlert, type AlertRow } from './alerts.ts';
import { LOOKBACK_MS, evaluateRules, type DailyCount, type Finding, type RuleConfig, type RuleEvent, type RuleInput } from './rules.ts';
import type { AuditWriter } from './writer.ts';

// The SQL twin of isPersonalDataRead().
const PERSONAL_READ_REGEX = '^customers\\.[a-z_]+(\\.[a-z_]+)*\\.(read|export)$';
// A runaway source (a flood of 401s) must not make the job load millions of rows.
const MAX_EVENTS = 50_000;

export async function loadRuleInput(database: Database, now: Date, cfg: RuleConfig): Promise<RuleInput> {
  const from = new Date(now.getTime() - LOOKBACK_MS).toISOString();
  const until = now.toISOString();
  const rows = await queryRows<{
    seq: string;
    at_ms: number;
    actor: string;
    action: string;
    resource: string | null;
    outcome: string;
    ip: string | null;
    details: Record<string, unknown> | null;
  }>(
    database.db,
    sql`select seq::text as seq, (extract(epoch from at) * 1000)::float8 as at_ms, actor, action, resource, outcome, ip, details
        from audit_events
        where at >= ${from}::timestamptz and at <= ${until}::timestamptz
          and (action in ('auth.failure', 'auth.login', 'auth.denied', 'identity.api_key.create', 'identity.user.create',
                          'identity.user.role_change', 'stock.count.create', 'audit.chain.verify')
               or (action = 'stock.movement.create' and details->>'type' = 'adjust')
               or action like 'customers.%')
        order by audit_events.seq desc limit ${MAX_EVENTS}`,
  );
  const events: RuleEvent[] = rows.reverse().map((r) => ({
    seq: Number(r.seq),
    at: new Date(Number(r.at_ms)),
    actor: r.actor,
    action: r.action,
    resource: r.resource,
    outcome: r.outcome,
    ip: r.ip,
    details: r.details ?? {},
  }));
  const baselineFrom = new Date(now.getTime() - (cfg.massPersonal.baselineDays + 1) * 24 * 3_600_000).toISOString();
  const daily = await queryRows<{ actor: string; day: string; n: number | string }>(
    database.db,
    sql`select actor, to_char(at at time zone ${cfg.timezone}, 'YYYY-MM-DD') as day, count(*)::int as n
        from audit_events
        where at >= ${baselineFrom}::timestamptz and at <= ${until}::timestamptz
          and outcome = 'success' and action ~ ${PERSONAL_READ_REGEX}
        group by 1, 2`,
  );
  const personalDaily: DailyCount[] = daily.map((d) => ({ actor: d.actor, day: d.day, count: Number(d.n) }));
  return { now, events, personalDaily };
}

export interface AnomalyRunResult {
  findings: Finding[];
  raised: AlertRow[];
}

export async function runAnomalyRules(
  database: Database,
  writer: AuditWriter,
  cfg: RuleConfig,
  options: { now: Date; deliver: boolean },
): Promise<AnomalyRunResult> {
  const input = await loadRuleInput(database, options.now, cfg);
  const findings = evaluateRules(input, cfg);
  const raised: AlertRow[] = [];
  for (const finding of findings) {
    const row = await raiseAlert(database, writer, finding, options);
    if (!row) continue;
    raised.push(row);
    auditAlertsRaised.inc({ rule: row.rule, severity: row.severity });
  }
  return { findings, raised };
}
