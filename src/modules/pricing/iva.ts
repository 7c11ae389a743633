// IVA (Argentine VAT), DOMAIN.md "IVA": the rates a product may carry, AFIP's aliquot codes, and
// exact amounts (money: 2 decimals, half-up). Consumer prices include IVA; these split them.
import { Decimal } from 'decimal.js';

/** The rates a product may carry (the catalog's vat_rate). */
export const PRODUCT_VAT_RATES = ['0', '10.5', '21', '27'] as const;
export const DEFAULT_VAT_RATE = '21';

/** AFIP/ARCA aliquot code → rate in percent (3 = 0 %, 4 = 10.5 %, 5 = 21 %, 6 = 27 %, 8 = 5 %, 9 = 2.5 %). */
export const AFIP_ALIQUOT_RATES: Readonly<Record<number, string>> = { 3: '0', 4: '10.5', 5: '21', 6: '27', 8: '5', 9: '2.5' };

export function rateOfAliquotCode(code: number): string | undefined {
  return AFIP_ALIQUOT_RATES[code];
}

export function aliquotCodeOfRate(rate: string): number | undefined {
  const wanted = new Decimal(rate);
  const found = Object.entries(AFIP_ALIQUOT_RATES).find(([, r]) => new Decimal(r).eq(wanted));
  return found ? Number(found[0]) : undefined;
}

const money = (d: Decimal) => d.toDecimalPlaces(2, Decimal.ROUND_HALF_UP);

/** IVA on a net amount at a rate in percent. */
export function vatOf(net: Decimal.Value, ratePercent: Decimal.Value): Decimal {
  return money(new Decimal(net).mul(ratePercent).div(100));
}

export interface VatBreakdown {
  by_rate: { rate: string; net: string; vat: string }[];
  net: string;
  vat: string;
  total: string;
}

/** Net amounts at several rates → IVA per rate (each rounded once), total net, IVA and total. */
export function vatBreakdown(lines: { net: Decimal.Value; rate: Decimal.Value }[]): VatBreakdown {
  const byRate = new Map<string, Decimal>();
  for (const line of lines) {
    const rate = new Decimal(line.rate).toFixed();
    byRate.set(rate, (byRate.get(rate) ?? new Decimal(0)).plus(line.net));
  }
  const rows = [...byRate.entries()]
    .sort(([a], [b]) => new Decimal(a).cmp(b))
    .map(([rate, net]) => ({ rate, net: money(net), vat: vatOf(net, rate) }));
  const net = rows.reduce((s, r) => s.plus(r.net), new Decimal(0));
  const vat = rows.reduce((s, r) => s.plus(r.vat), new Decimal(0));
  return {
    by_rate: rows.map((r) => ({ rate: r.rate, net: r.net.toFixed(2), vat: r.vat.toFixed(2) })),
    net: net.toFixed(2),
    vat: vat.toFixed(2),
    total: net.plus(vat).toFixed(2),
  };
}

/** Splits a consumer price (IVA included) into its net and IVA parts; they add up to the price. */
export function splitGross(gross: Decimal.Value, ratePercent: Decimal.Value): { net: string; vat: string } {
  const net = money(new Decimal(gross).div(new Decimal(1).plus(new Decimal(ratePercent).div(100))));
  return { net: net.toFixed(2), vat: new Decimal(gross).minus(net).toFixed(2) };
}
