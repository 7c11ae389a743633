// The anomaly rules as the pure functions they are (thresholds, windows, store hours, dedup
// windows), and the report writer's escaping. No database.
import { describe, expect, it } from 'vitest';
import {
  RULES,
  defaultRuleConfig,
  evaluateRules,
  isPersonalDataRead,
  isStoreOpen,
  negativeAdjustment,
  type RuleEvent,
  type RuleInput,
} from '../../src/platform/audit/rules.ts';
import { zonedInstant } from '../../src/platform/time/zone.ts';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { csvCell, escapeHtml, writeReport } from '../../src/modules/audit/report.ts';
import type { EventDto } from '../../src/modules/audit/schemas.ts';

const TZ = 'America/Argentina/Buenos_Aires';
const cfg = defaultRuleConfig(TZ);
// Wednesday 2026-03-04, 12:00 in Buenos Aires (UTC-3).
const NOON = zonedInstant('2026-03-04', '12:00', TZ);
let seq = 0;

function ev(minutesBefore: number, fields: Partial<RuleEvent> & Pick<RuleEvent, 'action'>, now = NOON): RuleEvent {
  seq += 1;
  return { seq, at: new Date(now.getTime() - minutesBefore * 60_000), actor: 'api_key:a', resource: null, outcome: 'success', ip: '10.0.0.1', details: {}, ...fields };
}

const input = (events: RuleEvent[], now = NOON, personalDaily: RuleInput['personalDaily'] = []): RuleInput => ({ now, events, personalDaily });

describe('store hours', () => {
  it('are 08:00–21:00 Monday to Saturday in the store time zone', () => {
    const h = cfg.storeHours;
    expect(isStoreOpen(zonedInstant('2026-03-04', '08:00', TZ), TZ, h)).toBe(true);
    expect(isStoreOpen(zonedInstant('2026-03-04', '07:59', TZ), TZ, h)).toBe(false);
    expect(isStoreOpen(zonedInstant('2026-03-04', '20:59', TZ), TZ, h)).toBe(true);
    expect(isStoreOpen(zonedInstant('2026-03-04', '21:00', TZ), TZ, h)).toBe(false);
    expect(isStoreOpen(zonedInstant('2026-03-07', '12:00', TZ), TZ, h)).toBe(true); // Saturday
    expect(isStoreOpen(zonedInstant('2026-03-08', '12:00', TZ), TZ, h)).toBe(false); // Sunday
    // 23:30 UTC is 20:30 in Buenos Aires: open, although it is "late" in UTC.
    expect(isStoreOpen(new Date('2026-03-04T23:30:00Z'), TZ, h)).toBe(true);
  });
});

describe('brute_force', () => {
  const failures = (n: number, extra: Partial<RuleEvent> = {}) => Array.from({ length: n }, (_, i) => ev(i / 2, { action: 'auth.failure', actor: 'anonymous', outcome: 'failure', ...extra }));

  it('needs 5 failures from one address within 15 minutes; 20 make it critical', () => {
    expect(RULES.brute_force(input(failures(4)), cfg)).toEqual([]);
    const [high] = RULES.brute_force(input(failures(5)), cfg);
    expect(high).toMatchObject({ severity: 'high', actor: 'ip:10.0.0.1', dedupKey: 'brute_force:ip:10.0.0.1' });
    expect(high!.dedupUntil.getTime()).toBe(NOON.getTime() + 15 * 60_000);
    expect(RULES.brute_force(input(failures(20)), cfg)[0]!.severity).toBe('critical');
    // Spread over more than the window: not an attack.
    const spread = Array.from({ length: 6 }, (_, i) => ev(i * 4, { action: 'auth.failure', outcome: 'failure' }));
    expect(RULES.brute_force(input(spread), cfg)).toEqual([]);
  });

  it('counts failed logins per account across addresses, and ignores successes and lockouts', () => {
    const logins = Array.from({ length: 5 }, (_, i) => ev(i, { action: 'auth.login', outcome: 'failure', ip: `10.0.0.${i}`, details: { username: 'ana' } }));
    expect(RULES.brute_force(input(logins), cfg).map((f) => f.actor)).toEqual(['account:ana']);
    const other = Array.from({ length: 5 }, (_, i) => ev(i, { action: 'auth.login', outcome: i % 2 ? 'success' : 'denied', details: { username: 'ana' } }));
    expect(RULES.brute_force(input(other), cfg)).toEqual([]);
  });
});

describe('personal data rules', () => {
  it('recognises customers.*.read and customers.*.export only', () => {
    expect(['customers.customer.read', 'customers.customer.export', 'customers.note.read'].map(isPersonalDataRead)).toEqual([true, true, true]);
    expect(['customers.customer.create', 'customers.customer.list', 'customers.read', 'stock.movement.read'].map(isPersonalDataRead)).toEqual([false, false, false, false]);
  });

  it('flags reads outside store hours, successful ones only', () => {
    const night = zonedInstant('2026-03-04', '23:00', TZ);
    expect(RULES.off_hours_personal_data(input([ev(0, { action: 'customers.customer.read' }, night)], night), cfg)).toHaveLength(1);
    expect(RULES.off_hours_personal_data(input([ev(0, { action: 'customers.customer.read', outcome: 'error' }, night)], night), cfg)).toEqual([]);
    expect(RULES.off_hours_personal_data(input([ev(0, { action: 'customers.customer.read' })]), cfg)).toEqual([]);
  });

  it('flags more than 200 reads in an hour, or a day above 3× the actor’s usual p75', () => {
    const reads = (n: number) => Array.from({ length: n }, () => ev(30, { action: 'customers.customer.read' }));
    expect(RULES.mass_personal_data(input(reads(200)), cfg)).toEqual([]);
    expect(RULES.mass_personal_data(input(reads(201)), cfg)[0]).toMatchObject({ severity: 'high', actor: 'api_key:a' });
    const history = Array.from({ length: 14 }, (_, i) => ({ actor: 'api_key:a', day: `2026-02-${String(18 + i).padStart(2, '0')}`, count: 30 }));
    const today = (count: number) => [...history, { actor: 'api_key:a', day: '2026-03-04', count }];
    expect(RULES.mass_personal_data(input([], NOON, today(90)), cfg)).toEqual([]);
    const [daily] = RULES.mass_personal_data(input([], NOON, today(91)), cfg);
    expect(daily).toMatchObject({ severity: 'medium', details: { daily_p75: 30, today: 91 } });
    // Without history, a small day is never "mass": the floor of 50 applies.
    expect(RULES.mass_personal_data(input([], NOON, [{ actor: 'api_key:b', day: '2026-03-04', count: 49 }]), cfg)).toEqual([]);
  });
});

describe('privilege_change', () => {
  it('flags admin keys, admin users and raised roles, not the first start or lowered roles', () => {
    const events = [
      ev(1, { action: 'identity.api_key.create', details: { role: 'admin' } }),
      ev(1, { action: 'identity.api_key.create', details: { role: 'clerk' } }),
      ev(1, { action: 'identity.api_key.create', actor: 'system:first-start', details: { role: 'admin' } }),
      ev(1, { action: 'identity.user.create', details: { role: 'admin', username: 'x' } }),
      ev(1, { action: 'identity.user.role_change', details: { from: 'clerk', to: 'auditor' } }),
      ev(1, { action: 'identity.user.role_change', details: { from: 'admin', to: 'manager' } }),
    ];
    const found = RULES.privilege_change(input(events), cfg);
    expect(found.map((f) => f.evidence[0])).toEqual([events[0]!.seq, events[3]!.seq, events[4]!.seq]);
    expect(new Set(found.map((f) => f.dedupKey)).size).toBe(3);
  });
});

describe('stock adjustments', () => {
  it('takes the negative part of adjust movements and counts', () => {
    expect(negativeAdjustment(ev(0, { action: 'stock.movement.create', details: { type: 'adjust', quantity: '-25.5' } }))).toBe(-25.5);
    expect(negativeAdjustment(ev(0, { action: 'stock.movement.create', details: { type: 'out', quantity: '500' } }))).toBe(0);
    expect(negativeAdjustment(ev(0, { action: 'stock.count.create', details: { adjusted: [{ quantity: '-15' }, { quantity: '4' }, { quantity: '-10' }] } }))).toBe(-25);
  });

  it('flags at least 20 units taken out outside store hours only', () => {
    const night = zonedInstant('2026-03-04', '02:00', TZ);
    const adjust = (q: string) => ev(0, { action: 'stock.movement.create', details: { type: 'adjust', quantity: q } }, night);
    expect(RULES.off_hours_stock_adjustment(input([adjust('-19')], night), cfg)).toEqual([]);
    expect(RULES.off_hours_stock_adjustment(input([adjust('-20')], night), cfg)).toHaveLength(1);
    expect(RULES.off_hours_stock_adjustment(input([ev(0, { action: 'stock.movement.create', details: { type: 'adjust', quantity: '-500' } })]), cfg)).toEqual([]);
  });
});

describe('the other rules', () => {
  it('repeated 403s need 10 from one actor in 15 minutes', () => {
    const denials = (n: number) => Array.from({ length: n }, (_, i) => ev(i, { action: 'auth.denied', outcome: 'denied', details: { operation: 'catalog.product.create' } }));
    expect(RULES.repeated_denials(input(denials(9)), cfg)).toEqual([]);
    expect(RULES.repeated_denials(input(denials(10)), cfg)[0]).toMatchObject({ severity: 'medium', details: { operations: ['catalog.product.create'] } });
  });

  it('a failed chain verification is critical, one alert per broken spot', () => {
    const fail = (bad: number) => ev(0, { action: 'audit.chain.verify', outcome: 'failure', details: { first_bad_seq: bad } });
    const found = RULES.audit_chain_failure(input([fail(7), fail(7), ev(0, { action: 'audit.chain.verify' })]), cfg);
    expect(found.map((f) => [f.severity, f.dedupKey])).toEqual([
      ['critical', 'audit_chain_failure:7'],
      ['critical', 'audit_chain_failure:7'],
    ]);
  });

  it('decryption failures are errors on customers actions', () => {
    expect(RULES.decryption_failure(input([ev(0, { action: 'customers.customer.read', outcome: 'error', resource: 'customer:1' })]), cfg)[0]).toMatchObject({ severity: 'high' });
    expect(RULES.decryption_failure(input([ev(0, { action: 'stock.movement.create', outcome: 'error' })]), cfg)).toEqual([]);
  });

  it('ignore events outside their window and in the future of `now`', () => {
    const events = Array.from({ length: 30 }, () => ev(-5, { action: 'auth.failure', outcome: 'failure' }));
    expect(evaluateRules(input(events), cfg)).toEqual([]);
  });
});

describe('audit reports', () => {
  const event: EventDto = {
    seq: 1,
    id: 'e1',
    at: '2026-03-04T15:00:00.000Z',
    actor: '=HYPERLINK("http://evil")',
    actor_name: null,
    action: 'catalog.product.create',
    resource: '<script>alert(1)</script>',
    outcome: 'success',
    ip: null,
    request_id: 'r,1',
    details: { name: 'a "b"' },
  };
  const render = async (format: 'json' | 'csv' | 'html') => {
    let out = '';
    const summary = await writeReport(format, async function* () {
      yield event;
      yield { ...event, seq: 2, outcome: 'failure' as const };
    }, { from: '2026-03-01', to: null, generated_at: '2026-03-05T00:00:00.000Z' }, async (c) => void (out += c));
    return { out, summary };
  };

  it('defuse spreadsheet formulas and quote CSV cells', () => {
    expect(csvCell('=1+1')).toBe("'=1+1");
    expect(csvCell('-2')).toBe("'-2");
    expect(csvCell('a,"b"')).toBe('"a,""b"""');
    expect(csvCell(12)).toBe('12');
  });

  it('escape everything in HTML', async () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    const { out } = await render('html');
    expect(out).not.toContain('<script>');
    expect(out).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(out).toContain("default-src 'none'");
  });

  it('summarise per action, outcome and actor, in every format', async () => {
    const json = await render('json');
    const parsed = JSON.parse(json.out);
    expect(parsed.events).toHaveLength(2);
    expect(parsed.summary).toEqual({
      total: 2,
      by_action: [{ key: 'catalog.product.create', count: 2 }],
      by_outcome: [
        { key: 'failure', count: 1 },
        { key: 'success', count: 1 },
      ],
      by_actor: [{ key: event.actor, count: 2 }],
    });
    const csv = (await render('csv')).out.split('\r\n');
    expect(csv[0]).toBe('seq,at,actor,action,resource,outcome,ip,request_id,details');
    expect(csv[1]).toBe(`1,2026-03-04T15:00:00.000Z,"'=HYPERLINK(""http://evil"")",catalog.product.create,<script>alert(1)</script>,success,,"r,1","{""name"":""a \\""b\\""""}"`);
    expect(csv).toContain('summary,key,count');
    expect(csv).toContain('outcome,failure,1');
  });
});

describe('audit configuration', () => {
  it('reads store hours and days, webhook URLs and the alert secret', () => {
    expect(loadConfig({}).audit).toEqual({
      checkpointWebhookUrl: undefined,
      checkpointIntervalSeconds: 60,
      alertWebhookUrl: undefined,
      alertWebhookSecret: undefined,
      storeHours: { open: '08:00', close: '21:00', days: [1, 2, 3, 4, 5, 6] },
    });
    const c = loadConfig({ INVENTARIO_STORE_HOURS: '09:30-20:00', INVENTARIO_STORE_DAYS: 'mon-fri,sun', ALERT_WEBHOOK_URL: 'https://siem.example/hook?token=abc' });
    expect(c.audit.storeHours).toEqual({ open: '09:30', close: '20:00', days: [1, 2, 3, 4, 5, 7] });
    expect(c.audit.alertWebhookUrl).toBe('https://siem.example/hook?token=abc');
  });

  it.each([
    [{ INVENTARIO_STORE_HOURS: '21:00-08:00' }, 'INVENTARIO_STORE_HOURS'],
    [{ INVENTARIO_STORE_HOURS: '8-21' }, 'INVENTARIO_STORE_HOURS'],
    [{ INVENTARIO_STORE_DAYS: 'sat-mon' }, 'INVENTARIO_STORE_DAYS'],
    [{ ALERT_WEBHOOK_URL: 'ftp://x' }, 'ALERT_WEBHOOK_URL'],
    [{ ALERT_WEBHOOK_SECRET: 'short' }, 'ALERT_WEBHOOK_SECRET'],
    [{ AUDIT_CHECKPOINT_INTERVAL_SECONDS: '0' }, 'AUDIT_CHECKPOINT_INTERVAL_SECONDS'],
  ])('refuses %j naming %s, never echoing secrets or webhook URLs', (env, variable) => {
    expect(() => loadConfig(env as NodeJS.ProcessEnv)).toThrow(ConfigError);
    expect(() => loadConfig(env as NodeJS.ProcessEnv)).toThrow(new RegExp(`^Invalid ${variable}:`));
    expect(() => loadConfig({ ALERT_WEBHOOK_URL: 'ftp://user:pw@x' })).not.toThrow(/pw@x/);
  });
});
