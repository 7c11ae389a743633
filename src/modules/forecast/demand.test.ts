// Demand series from ledger day rows (censoring) and the reorder arithmetic, with known answers.
import { describe, expect, it } from 'vitest';
import { buildDemandSeries } from './demand-series.ts';
import { reorderFor } from './reorder.ts';
import { scanFloor, staleProducts, uuidFloor, uuidTimeMs, NIL_UUID } from './freshness.ts';

const row = (product_id: string, day: number, sales: string, net: string, sold_out = false) => ({ product_id, day, sales, net, sold_out });

describe('daily demand with stock-out days censored', () => {
  const history = (days: ReturnType<typeof row>[], opening: [string, string][] = []) => ({
    from: '2026-03-01',
    through: '2026-03-07',
    opening: new Map(opening),
    days,
  });

  it('starts at the first movement and censors days that close at zero or sell out', () => {
    const series = buildDemandSeries(
      history([
        row('a', 1, '0', '10'), // received 10
        row('a', 2, '4', '-4'),
        row('a', 3, '6', '-6', true), // sold out at noon
        row('a', 5, '3', '5'), // received 8 in the morning, sold 3
        row('a', 6, '5', '-5', true),
      ]),
      ['a'],
    ).get('a')!;
    expect(series.start).toBe('2026-03-02');
    // Day 4 had nothing to sell (closed at 0): unknown, not zero. Day 6 sold out: censored.
    expect(Array.from(series.values)).toEqual([0, 4, Number.NaN, Number.NaN, 3, Number.NaN]);
  });

  it('keeps zero-sale days with stock as observed zeros, from the window start when stock predates it', () => {
    const series = buildDemandSeries(history([row('b', 3, '2.5', '-2.5')], [['b', '7.5']]), ['b']).get('b')!;
    expect(series.start).toBe('2026-03-01');
    expect(Array.from(series.values)).toEqual([0, 0, 0, 2.5, 0, 0, 0]);
  });

  it('handles products with no movement at all, or none in the window', () => {
    const map = buildDemandSeries(history([], [['empty', '0'], ['stocked', '3']]), ['never', 'empty', 'stocked']);
    expect(map.get('never')!.values).toHaveLength(0);
    expect(Array.from(map.get('empty')!.values).every(Number.isNaN)).toBe(true);
    expect(Array.from(map.get('stocked')!.values)).toEqual([0, 0, 0, 0, 0, 0, 0]);
  });
});

describe('reorder point and suggested quantity', () => {
  const base = { unit: 'unit', onHand: '20', onOrder: '0', leadTimeDays: 3, reviewDays: 7, demand: new Array(90).fill(10), sigma: 0, z: 1.645, adjustedMin: '0' };

  it('is lead-time demand plus review-period demand minus stock', () => {
    const r = reorderFor(base);
    expect(r.reorderPoint.toFixed()).toBe('30');
    expect(r.suggestedQty.toFixed()).toBe('80');
    expect(r.dailyDemand.toFixed(3)).toBe('10.000');
  });

  it('adds z·σ·√L of safety stock, rounded up to whole units', () => {
    // 1.645 × 2 × √4 = 6.58 → 40 + 6.58 = 46.58 → 47.
    const r = reorderFor({ ...base, leadTimeDays: 4, sigma: 2 });
    expect(r.safetyStock.toFixed(2)).toBe('6.58');
    expect(r.reorderPoint.toFixed()).toBe('47');
    expect(r.suggestedQty.toFixed()).toBe('97');
  });

  it('never goes below the seasonal minimum, and subtracts what is on order', () => {
    const r = reorderFor({ ...base, demand: new Array(90).fill(0), adjustedMin: '13', onHand: '5', onOrder: '2' });
    expect(r.reorderPoint.toFixed()).toBe('13');
    expect(r.suggestedQty.toFixed()).toBe('6');
  });

  it('suggests nothing when the shelf is full', () => {
    expect(reorderFor({ ...base, onHand: '500' }).suggestedQty.toFixed()).toBe('0');
  });

  it('keeps grams in the reorder point of weighed goods but orders whole kilos', () => {
    const r = reorderFor({ ...base, unit: 'kg', demand: new Array(90).fill(1.2345), onHand: '3.5', leadTimeDays: 2, reviewDays: 1 });
    expect(r.reorderPoint.toFixed()).toBe('2.469');
    // 2.469 + 1.2345 − 3.5 = 0.2035 → 1 kg.
    expect(r.suggestedQty.toFixed()).toBe('1');
  });
});

describe('cache freshness through UUIDv7 marks', () => {
  const mark = '0190f0a0-1234-7abc-8def-0123456789ab';
  it('reads and floors UUIDv7 timestamps', () => {
    const ms = uuidTimeMs(mark);
    expect(uuidFloor(ms)).toBe('0190f0a0-1234-0000-0000-000000000000');
    expect(uuidFloor(ms) < mark).toBe(true);
    expect(scanFloor([])).toBe(NIL_UUID);
    expect(scanFloor([{ productId: 'a', historyThrough: 'x', sourceMark: null }])).toBe(NIL_UUID);
    expect(uuidTimeMs(scanFloor([{ productId: 'a', historyThrough: 'x', sourceMark: mark }]))).toBe(ms - 5_000);
  });

  it('calls stale: missing rows, older histories, and products with newer movements', () => {
    const stamps = [
      { productId: 'a', historyThrough: '2026-03-07', sourceMark: mark },
      { productId: 'b', historyThrough: '2026-03-06', sourceMark: mark },
      { productId: 'c', historyThrough: '2026-03-07', sourceMark: mark },
      { productId: 'd', historyThrough: '2026-03-07', sourceMark: mark },
    ];
    const newer = uuidFloor(uuidTimeMs(mark) + 120_000);
    const older = uuidFloor(uuidTimeMs(mark) - 120_000);
    const changed = new Map([
      ['c', newer],
      ['d', older],
    ]);
    expect(staleProducts(['a', 'b', 'c', 'd', 'e'], stamps, '2026-03-07', changed)).toEqual(['b', 'c', 'e']);
  });
});
