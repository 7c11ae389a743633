// DOMAIN.md "Inflation-aware pricing" and "IVA": every listed case, plus the edges around them.
import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import {
  daysBetween,
  DEFAULT_PRICING_SETTINGS,
  inflationFactor,
  marginOf,
  markupFor,
  quote,
  replacementCost,
  roundUpToStep,
  suggestedPrice,
} from './engine.ts';
import { aliquotCodeOfRate, rateOfAliquotCode, splitGross, vatBreakdown, vatOf } from './iva.ts';

describe('inflation-aware pricing (DOMAIN.md cases)', () => {
  it('cost 1000 after 30.44 days at 4.5 % a month has a replacement cost of 1045.00', () => {
    const factor = inflationFactor('0.045', '30.44');
    expect(factor.toFixed()).toBe('1.045');
    expect(replacementCost('1000', factor).toFixed(2)).toBe('1045.00');
  });

  it('after 365 days at 4.5 % a month the factor is ≈ 1.6952', () => {
    const factor = inflationFactor('0.045', 365);
    expect(factor.toDecimalPlaces(4).toFixed()).toBe('1.6952');
    // (1.045)^(365/30.44) computed independently in floating point, as a cross-check only.
    expect(Math.abs(factor.toNumber() - Math.pow(1.045, 365 / 30.44))).toBeLessThan(1e-12);
  });

  it('after 0 days the factor is exactly 1', () => {
    expect(inflationFactor('0.045', 0).toFixed()).toBe('1');
    expect(replacementCost('1234.56', inflationFactor('0.045', 0)).toFixed(2)).toBe('1234.56');
  });

  it('uses the default monthly rate 0.045 and the default markup 0.35', () => {
    expect(DEFAULT_PRICING_SETTINGS.monthly_inflation_rate).toBe('0.045');
    expect(DEFAULT_PRICING_SETTINGS.default_markup).toBe('0.35');
    expect(markupFor(DEFAULT_PRICING_SETTINGS, 'almacen')).toBe('0.35');
  });

  it('takes a category markup over the default', () => {
    const settings = { ...DEFAULT_PRICING_SETTINGS, markup_by_category: { bebidas: '0.5' } };
    expect(markupFor(settings, 'bebidas')).toBe('0.5');
    expect(markupFor(settings, 'Bebidas')).toBe('0.5');
    expect(markupFor(settings, 'lacteos')).toBe('0.35');
  });

  it('suggested price = replacement × (1 + markup) × (1 + IVA), rounded up to the step', () => {
    // 1045 × 1.35 × 1.21 = 1707.0075: one cent past 1707, so up to 1708
    expect(suggestedPrice('1045.00', '0.35', '21', '1').toFixed(2)).toBe('1708.00');
    expect(suggestedPrice('1045.00', '0.35', '21', '10').toFixed(2)).toBe('1710.00');
    expect(suggestedPrice('1045.00', '0.35', '21', '50').toFixed(2)).toBe('1750.00');
    expect(suggestedPrice('1045.00', '0.35', '21', '100').toFixed(2)).toBe('1800.00');
    expect(suggestedPrice('1000.00', '0.35', '0', '1').toFixed(2)).toBe('1350.00');
    expect(suggestedPrice('1000.00', '0.35', '10.5', '1').toFixed(2)).toBe('1492.00'); // 1491.75
    expect(suggestedPrice('1000.00', '0.35', '27', '1').toFixed(2)).toBe('1715.00'); // 1714.5
  });

  it('rounds up, never down, and leaves exact multiples alone', () => {
    expect(roundUpToStep('1700.01', '100').toFixed()).toBe('1800');
    expect(roundUpToStep('1700', '100').toFixed()).toBe('1700');
    expect(roundUpToStep('0.01', '1').toFixed()).toBe('1');
    expect(roundUpToStep('0', '50').toFixed()).toBe('0');
  });

  it('builds a whole quote that can be redone from its own fields', () => {
    const q = quote({ cost: '1000', days: 365, category: 'almacen', vatRate: '21', settings: DEFAULT_PRICING_SETTINGS });
    expect(q.inflation_factor).toBe('1.695195');
    expect(q.replacement_cost).toBe('1695.19');
    expect(q.markup).toBe('0.35');
    const redone = new Decimal(q.replacement_cost).mul('1.35').mul('1.21').toDecimalPlaces(0, Decimal.ROUND_CEIL);
    expect(q.suggested_price).toBe(redone.toFixed(2));
    expect(q.suggested_price).toBe('2770.00'); // 1695.19 × 1.35 × 1.21 = 2769.0929
  });

  it('treats a negative day count (a date before the last cost) as 0 days', () => {
    const q = quote({ cost: '1000', days: -3, category: 'x', vatRate: '0', settings: DEFAULT_PRICING_SETTINGS });
    expect(q.inflation_factor).toBe('1.000000');
    expect(q.replacement_cost).toBe('1000.00');
  });

  it('never uses binary floating point: a cost with many cents stays exact', () => {
    const factor = inflationFactor('0.1', '30.44');
    expect(replacementCost('0.10', factor).toFixed(2)).toBe('0.11');
    expect(replacementCost('12345678901.23', inflationFactor('0', 100)).toFixed(2)).toBe('12345678901.23');
  });

  it('computes the margin left over the replacement cost, net of IVA', () => {
    // 1707 / 1.21 = 1410.7438; (1410.7438 − 1045) / 1410.7438 = 0.2593
    expect(marginOf('1707.00', '1045.00', '21')?.toFixed()).toBe('0.2593');
    // An old price below the replacement cost: 1 − 1045 × 1.21 / 1000 = −0.26445 → −0.2645.
    expect(marginOf('1000.00', '1045.00', '21')?.toFixed()).toBe('-0.2645');
    expect(marginOf(null, '1045.00', '21')).toBeNull();
    expect(marginOf('0', '1045.00', '21')).toBeNull();
  });

  it('counts whole calendar days between two dates', () => {
    expect(daysBetween('2026-01-01', '2026-01-31')).toBe(30);
    expect(daysBetween('2025-03-01', '2026-03-01')).toBe(365);
    expect(daysBetween('2026-03-10', '2026-03-01')).toBe(-9);
    expect(daysBetween('2024-02-28', '2024-03-01')).toBe(2);
  });
});

describe('IVA (DOMAIN.md cases)', () => {
  it('net 1000 at 21 % → IVA 210, total 1210', () => {
    expect(vatOf('1000', '21').toFixed(2)).toBe('210.00');
    expect(vatBreakdown([{ net: '1000', rate: '21' }])).toMatchObject({ vat: '210.00', total: '1210.00' });
  });

  it('1000 at 21 % plus 500 at 10.5 % → IVA 262.50, total 1762.50', () => {
    expect(vatBreakdown([{ net: '1000', rate: '21' }, { net: '500', rate: '10.5' }])).toEqual({
      by_rate: [
        { rate: '10.5', net: '500.00', vat: '52.50' },
        { rate: '21', net: '1000.00', vat: '210.00' },
      ],
      net: '1500.00',
      vat: '262.50',
      total: '1762.50',
    });
  });

  it('maps AFIP aliquot codes 3/4/5/6 (and 8, 9) to 0, 10.5, 21, 27 (5, 2.5) %', () => {
    expect([3, 4, 5, 6, 8, 9].map(rateOfAliquotCode)).toEqual(['0', '10.5', '21', '27', '5', '2.5']);
    expect(rateOfAliquotCode(7)).toBeUndefined();
    expect(aliquotCodeOfRate('10.50')).toBe(4);
    expect(aliquotCodeOfRate('21')).toBe(5);
  });

  it('splits a consumer price into net and IVA that add up to it', () => {
    expect(splitGross('1210', '21')).toEqual({ net: '1000.00', vat: '210.00' });
    expect(splitGross('1707', '21')).toEqual({ net: '1410.74', vat: '296.26' });
    expect(splitGross('100', '0')).toEqual({ net: '100.00', vat: '0.00' });
  });

  it('rounds IVA half-up to the cent', () => {
    expect(vatOf('0.05', '10.5').toFixed(2)).toBe('0.01'); // 0.00525
    expect(vatOf('0.02', '21').toFixed(2)).toBe('0.00'); // 0.0042
  });
});
