import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { DEMO_CATEGORIES, demoCatalog, type DemoProduct } from './catalog.ts';
import { demoHistory, demoSummary, type DemoMovement } from './history.ts';
import { createRng } from './rng.ts';

const TZ = 'America/Argentina/Buenos_Aires';
// 19:00 local on a Tuesday: the last day is cut short, which must not leak future movements.
const END = new Date('2026-06-30T22:00:00Z');
const DAYS = 180;

function build(seed: number | string, endDate = END, timezone = TZ, days = DAYS) {
  const rng = createRng(seed);
  const catalog = demoCatalog(rng);
  const history = demoHistory(catalog.products, { days, endDate, timezone, rng });
  return { catalog, history };
}

const main = build(20260630);
const bySku = new Map(main.catalog.products.map((p) => [p.sku, p]));

// Written from DOMAIN.md on purpose, not imported, so a bug in the generator cannot hide here.
function isValidCuit(text: string): boolean {
  const m = /^(\d{2})-(\d{8})-(\d)$/.exec(text);
  if (!m) return false;
  if (!['20', '23', '24', '27', '30', '33', '34'].includes(m[1] as string)) return false;
  const digits = `${m[1]}${m[2]}`.split('').map(Number);
  const weights = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2];
  const s = digits.reduce((acc, d, i) => acc + d * (weights[i] as number), 0) % 11;
  const v = 11 - s;
  if (v === 10) return false;
  return (v === 11 ? 0 : v) === Number(m[3]);
}

function isValidEan13(code: string): boolean {
  if (!/^\d{13}$/.test(code)) return false;
  const digits = code.split('').map(Number);
  const sum = digits.slice(0, 12).reduce((acc, d, i) => acc + d * (i % 2 === 0 ? 1 : 3), 0);
  return (10 - (sum % 10)) % 10 === digits[12];
}

const clocks = new Map<string, Intl.DateTimeFormat>();
function localClock(at: Date, timeZone: string): { weekday: string; minutes: number; month: string } {
  let clock = clocks.get(timeZone);
  if (!clock) {
    clock = new Intl.DateTimeFormat('en-US', {
      timeZone,
      weekday: 'short',
      hourCycle: 'h23',
      hour: '2-digit',
      minute: '2-digit',
      year: 'numeric',
      month: '2-digit',
    });
    clocks.set(timeZone, clock);
  }
  const parts = clock.formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return { weekday: get('weekday'), minutes: Number(get('hour')) * 60 + Number(get('minute')), month: `${get('year')}-${get('month')}` };
}

/** Mon-Sat 08:00-21:00, Sun 09:00-13:30, in local time. */
function outsideStoreHours(history: DemoMovement[], timeZone: string): DemoMovement[] {
  return history.filter((m) => {
    const { weekday, minutes } = localClock(m.at, timeZone);
    const [open, close] = weekday === 'Sun' ? [9 * 60, 13 * 60 + 30] : [8 * 60, 21 * 60];
    return minutes < open || minutes > close;
  });
}

function replayLedger(history: DemoMovement[]): { min: Map<string, Decimal>; final: Map<string, Decimal> } {
  const final = new Map<string, Decimal>();
  const min = new Map<string, Decimal>();
  for (const m of history) {
    const q = new Decimal(m.quantity);
    const delta = m.type === 'out' ? q.neg() : q;
    const next = (final.get(m.sku) ?? new Decimal(0)).plus(delta);
    final.set(m.sku, next);
    const lowest = min.get(m.sku);
    if (!lowest || next.lt(lowest)) min.set(m.sku, next);
  }
  return { min, final };
}

describe('createRng', () => {
  it('is deterministic per seed and accepts string seeds', () => {
    const a = createRng(1);
    const b = createRng(1);
    const c = createRng('tienda demo');
    const d = createRng('tienda demo');
    const seqA = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(seqA);
    expect(Array.from({ length: 5 }, () => c.next())).toEqual(Array.from({ length: 5 }, () => d.next()));
    expect(Array.from({ length: 5 }, () => createRng(2).next())).not.toEqual(seqA);
  });

  it('keeps int() inclusive and in range, and poisson/normal near their means', () => {
    const rng = createRng(99);
    const ints = Array.from({ length: 2000 }, () => rng.int(1, 4));
    expect(new Set(ints)).toEqual(new Set([1, 2, 3, 4]));
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(Array.from({ length: 5000 }, () => rng.poisson(3)))).toBeCloseTo(3, 0);
    expect(mean(Array.from({ length: 5000 }, () => rng.poisson(50)))).toBeCloseTo(50, -1);
    expect(mean(Array.from({ length: 5000 }, () => rng.normal(10, 2)))).toBeCloseTo(10, 0);
    expect(rng.poisson(0)).toBe(0);
    expect(() => rng.pick([])).toThrow();
  });
});

describe('demoCatalog', () => {
  const { suppliers, products } = main.catalog;

  it('has about 12 suppliers with valid, unique company CUITs', () => {
    expect(suppliers.length).toBeGreaterThanOrEqual(10);
    expect(suppliers.length).toBeLessThanOrEqual(14);
    for (const s of suppliers) {
      expect(isValidCuit(s.cuit), s.cuit).toBe(true);
      expect(['30', '33']).toContain(s.cuit.slice(0, 2));
      expect(s.vat_condition).toBe('Responsable Inscripto');
      expect(s.lead_time_days).toBeGreaterThanOrEqual(1);
      expect(s.lead_time_days).toBeLessThanOrEqual(7);
      expect(s.email).toMatch(/^[a-z0-9.-]+@[a-z0-9.-]+\.[a-z]+$/);
      expect(s.phone).toMatch(/^\+54 \d{2,4} \d{2,4}-\d{4}$/);
      expect(s.phone.replace(/\D/g, '')).toHaveLength(12);
      expect(s.address).toMatch(/Argentina$/);
      expect(s.categories.length).toBeGreaterThanOrEqual(1);
      expect(s.categories.length).toBeLessThanOrEqual(3);
    }
    expect(new Set(suppliers.map((s) => s.cuit)).size).toBe(suppliers.length);
    expect(new Set(suppliers.map((s) => s.name)).size).toBe(suppliers.length);
  });

  it('rejects the DOMAIN.md CUIT cases in the independent checker', () => {
    expect(isValidCuit('20-12345678-6')).toBe(true);
    expect(isValidCuit('30-71234567-1')).toBe(true);
    expect(isValidCuit('20-12345678-9')).toBe(false);
    expect(isValidCuit('99-12345678-1')).toBe(false);
  });

  it('has about 200 products in exactly the ten categories', () => {
    expect(products.length).toBeGreaterThanOrEqual(190);
    expect(products.length).toBeLessThanOrEqual(210);
    expect(new Set(products.map((p) => p.category))).toEqual(new Set(DEMO_CATEGORIES));
    expect(DEMO_CATEGORIES).toHaveLength(10);
  });

  it('has unique, well-formed SKUs and unique valid 779 barcodes', () => {
    for (const p of products) expect(p.sku).toMatch(/^[A-Z0-9_-]{1,50}$/);
    expect(new Set(products.map((p) => p.sku)).size).toBe(products.length);
    const barcodes = products.flatMap((p) => (p.barcode === null ? [] : [p.barcode]));
    for (const b of barcodes) {
      expect(isValidEan13(b), b).toBe(true);
      expect(b.startsWith('779')).toBe(true);
    }
    expect(new Set(barcodes).size).toBe(barcodes.length);
  });

  it('sells fiambrería and verdulería by weight, without barcode; packaged goods by unit with one', () => {
    for (const p of products) {
      if (p.category === 'fiambrería' || p.category === 'verdulería') expect(p.unit).toBe('kg');
      if (p.unit === 'kg') expect(p.barcode).toBeNull();
      else expect(p.barcode).not.toBeNull();
    }
  });

  it('prices and stock bounds are exact decimal strings that make sense', () => {
    for (const p of products) {
      expect(p.cost_price).toMatch(/^\d+\.\d{2}$/);
      expect(p.sale_price).toMatch(/^\d+\.\d{2}$/);
      const expected = new Decimal(p.cost_price)
        .mul('1.35')
        .mul(new Decimal(p.vat_rate).div(100).plus(1))
        .toNearest(10, Decimal.ROUND_UP);
      expect(p.sale_price).toBe(expected.toFixed(2));
      expect(['0', '10.5', '21']).toContain(p.vat_rate);
      const pattern = p.unit === 'unit' ? /^\d+$/ : /^\d+(\.\d{1,3})?$/;
      expect(p.min_stock).toMatch(pattern);
      expect(p.max_stock).toMatch(pattern);
      expect(new Decimal(p.max_stock).gt(p.min_stock)).toBe(true);
      expect(p.baseDailyDemand).toBeGreaterThan(0);
      expect(suppliers[p.supplierIndex]?.categories).toContain(p.category);
      expect(p.leadTimeDays).toBe(suppliers[p.supplierIndex]?.lead_time_days);
    }
    const yerba = products.find((p) => p.name === 'Yerba mate 1 kg');
    expect(Number(yerba?.cost_price)).toBeGreaterThan(3000);
    expect(Number(yerba?.cost_price)).toBeLessThan(4000);
    expect(products.filter((p) => p.baseDailyDemand < 0.3).length).toBeGreaterThanOrEqual(10);
    expect(products.filter((p) => p.vat_rate === '10.5').length).toBeGreaterThan(0);
  });

  it('gives every supplier some products', () => {
    const served = new Set(products.map((p) => p.supplierIndex));
    expect(served.size).toBe(suppliers.length);
  });
});

describe('demoHistory', () => {
  const { history } = main;

  it('never takes a product below zero when replayed through the ledger', () => {
    const { min } = replayLedger(history);
    for (const [sku, lowest] of min) expect(lowest.gte(0), sku).toBe(true);
    expect(min.size).toBe(main.catalog.products.length);
  });

  it('uses whole numbers for unit products and at most 3 decimals for kg', () => {
    const bad = history.filter((m) => {
      const p = bySku.get(m.sku) as DemoProduct;
      if (!(p.unit === 'unit' ? /^-?\d+$/ : /^-?\d+(\.\d{1,3})?$/).test(m.quantity)) return true;
      const q = new Decimal(m.quantity);
      return m.type === 'adjust' ? q.isZero() : !q.gt(0);
    });
    expect(bad).toEqual([]);
  });

  it('keeps type, reason, cost and reference consistent', () => {
    const bad = history.filter((m) => {
      switch (m.type) {
        case 'in':
          return m.reason !== 'purchase' || !/^\d+\.\d{2}$/.test(m.unit_cost ?? '') || !/^FA-\d{4}-\d{8}$/.test(m.reference ?? '');
        case 'out':
          return m.reason !== 'sale' || m.unit_cost !== null;
        case 'adjust':
          return (
            m.unit_cost !== null ||
            (m.reason !== 'shrinkage' && m.reason !== 'count') ||
            (m.reason === 'shrinkage' && !new Decimal(m.quantity).isNeg())
          );
      }
    });
    expect(bad).toEqual([]);
    const s = demoSummary(history);
    expect(s.byType.adjust).toBeGreaterThan(0);
    expect(s.byReason.shrinkage).toBeGreaterThan(0);
    expect(s.byReason.count).toBeGreaterThan(0);
  });

  it('opens every product with a purchase on day 0 and prices older receipts lower', () => {
    const first = new Map<string, DemoMovement>();
    const last = new Map<string, DemoMovement>();
    for (const m of history) {
      if (!first.has(m.sku)) first.set(m.sku, m);
      if (m.type === 'in') last.set(m.sku, m);
    }
    const day0 = localClock(history[0]!.at, TZ);
    for (const p of main.catalog.products) {
      const open = first.get(p.sku) as DemoMovement;
      expect(open.type).toBe('in');
      expect(open.at.getTime() - history[0]!.at.getTime()).toBeLessThan(2 * 3600_000);
      expect(localClock(open.at, TZ).month).toBe(day0.month);
      // ~180 days at 4.5 %/month: the opening cost is roughly 30 % below today's.
      const ratio = new Decimal(p.cost_price).div(open.unit_cost as string).toNumber();
      expect(ratio).toBeGreaterThan(1.25);
      expect(ratio).toBeLessThan(1.35);
      expect(new Decimal((last.get(p.sku) as DemoMovement).unit_cost as string).gte(open.unit_cost as string)).toBe(true);
    }
  });

  it('is sorted by time, within store hours, and never after endDate', () => {
    const unsorted = history.filter((m, i) => i > 0 && m.at < history[i - 1]!.at);
    expect(unsorted).toEqual([]);
    expect(history.at(-1)!.at.getTime()).toBeLessThanOrEqual(END.getTime());
    expect(outsideStoreHours(history, TZ)).toEqual([]);
  });

  it('shows the weekday and the southern-hemisphere seasonal patterns', () => {
    const salesByWeekday = new Map<string, number>();
    const bebidasByMonth = new Map<string, number>();
    for (const m of history) {
      if (m.reason !== 'sale') continue;
      const p = bySku.get(m.sku) as DemoProduct;
      if (p.unit !== 'unit') continue;
      const { weekday, month } = localClock(m.at, TZ);
      salesByWeekday.set(weekday, (salesByWeekday.get(weekday) ?? 0) + Number(m.quantity));
      if (p.category === 'bebidas') bebidasByMonth.set(month, (bebidasByMonth.get(month) ?? 0) + Number(m.quantity));
    }
    const sat = salesByWeekday.get('Sat') ?? 0;
    const sun = salesByWeekday.get('Sun') ?? 0;
    expect(sat).toBeGreaterThan(sun * 1.5);
    for (const day of ['Mon', 'Tue', 'Wed', 'Thu', 'Fri']) expect(salesByWeekday.get(day) ?? 0).toBeGreaterThan(sun);
    expect(bebidasByMonth.get('2026-01') ?? 0).toBeGreaterThan((bebidasByMonth.get('2026-06') ?? 0) * 1.3);
  });

  it('has intermittent demand for slow movers', () => {
    const slow = main.catalog.products.filter((p) => p.unit === 'unit' && p.baseDailyDemand < 0.3);
    const saleDays = new Map<string, Set<string>>();
    for (const m of history) {
      if (m.reason !== 'sale') continue;
      const days = saleDays.get(m.sku) ?? new Set<string>();
      days.add(m.at.toISOString().slice(0, 10));
      saleDays.set(m.sku, days);
    }
    for (const p of slow) expect(saleDays.get(p.sku)?.size ?? 0).toBeLessThan(DAYS / 2);
  });

  it('is reproducible for a seed and different for another', () => {
    const again = build(20260630);
    expect(JSON.stringify(again.catalog)).toBe(JSON.stringify(main.catalog));
    expect(JSON.stringify(again.history)).toBe(JSON.stringify(main.history));
    const other = build(20260631);
    expect(JSON.stringify(other.catalog)).not.toBe(JSON.stringify(main.catalog));
    expect(JSON.stringify(other.history)).not.toBe(JSON.stringify(main.history));
  });

  it('converts wall times generically, across a DST change', () => {
    // Madrid moves to summer time on 2026-03-29; store hours must stay 08:00-21:00 local.
    const madrid = build(5, new Date('2026-04-15T19:00:00Z'), 'Europe/Madrid', 40);
    expect(madrid.history.length).toBeGreaterThan(0);
    expect(outsideStoreHours(madrid.history, 'Europe/Madrid')).toEqual([]);
    for (const lowest of replayLedger(madrid.history).min.values()) expect(lowest.gte(0)).toBe(true);
  });

  it('produces nothing before the store opens on a single day, and validates days', () => {
    const rng = createRng(1);
    const { products } = demoCatalog(rng);
    // 06:00 in Buenos Aires.
    const early = new Date('2026-03-03T09:00:00Z');
    expect(demoHistory(products, { days: 1, endDate: early, timezone: TZ, rng })).toEqual([]);
    expect(() => demoHistory(products, { days: 0, endDate: early, timezone: TZ, rng })).toThrow(RangeError);
  });
});

describe('demoSummary', () => {
  it('counts by type and reason', () => {
    const s = demoSummary(main.history);
    expect(s.total).toBe(main.history.length);
    expect(s.byType.in + s.byType.out + s.byType.adjust).toBe(s.total);
    expect(s.byReason.sale).toBe(s.byType.out);
    expect(s.byReason.purchase).toBe(s.byType.in);
    expect(s.byReason.shrinkage + s.byReason.count).toBe(s.byType.adjust);
    expect(s.products).toBe(main.catalog.products.length);
    expect(s.from).toEqual(main.history[0]!.at);
    expect(s.to).toEqual(main.history.at(-1)!.at);
    expect(demoSummary([])).toMatchObject({ total: 0, from: null, to: null });
  });
});
