// The pricing rules of DOMAIN.md "Inflation-aware pricing", as pure functions over exact decimals:
//   inflation_factor = (1 + monthly_rate)^(days / 30.44)
//   replacement_cost = cost × inflation_factor                        (money: 2 decimals, half-up)
//   suggested_price  = replacement_cost × (1 + markup) × (1 + vat/100), rounded UP to the step
// Consumer prices in Argentina include IVA, hence the last factor.
import { Decimal } from 'decimal.js';

/** The mean length of a month in days, as DOMAIN.md fixes it. */
export const DAYS_PER_MONTH = '30.44';

export const ROUNDING_STEPS = ['1', '10', '50', '100'] as const;
export type RoundingStep = (typeof ROUNDING_STEPS)[number];

export interface PricingSettings {
  /** "0.045" = 4.5 % a month. */
  monthly_inflation_rate: string;
  /** category (lower-case) → markup over replacement cost, "0.35" = 35 %. */
  markup_by_category: Record<string, string>;
  default_markup: string;
  rounding: RoundingStep;
}

export const DEFAULT_PRICING_SETTINGS: PricingSettings = {
  monthly_inflation_rate: '0.045',
  markup_by_category: {},
  default_markup: '0.35',
  rounding: '1',
};

/** (1 + rate)^(days / 30.44); exactly 1 for 0 days. `days` may be fractional. */
export function inflationFactor(monthlyRate: Decimal.Value, days: Decimal.Value): Decimal {
  const d = new Decimal(days);
  if (d.lte(0)) return new Decimal(1);
  return new Decimal(1).plus(monthlyRate).pow(d.div(DAYS_PER_MONTH));
}

// A reprice computes the same few factors thousands of times (products share cost dates), and a
// fractional power at 40 digits is the expensive part: remember them.
const factorCache = new Map<string, Decimal>();
function cachedFactor(monthlyRate: string, days: number): Decimal {
  const key = `${monthlyRate}|${days}`;
  let factor = factorCache.get(key);
  if (!factor) {
    if (factorCache.size >= 5_000) factorCache.clear();
    factor = inflationFactor(monthlyRate, days);
    factorCache.set(key, factor);
  }
  return factor;
}

/** What buying the product again would cost today, in money (2 decimals, half-up). */
export function replacementCost(cost: Decimal.Value, factor: Decimal.Value): Decimal {
  return new Decimal(cost).mul(factor).toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
}

/** Rounds up to a multiple of the step ("1", "10", "50", "100"). */
export function roundUpToStep(value: Decimal.Value, step: Decimal.Value): Decimal {
  const s = new Decimal(step);
  return new Decimal(value).div(s).toDecimalPlaces(0, Decimal.ROUND_CEIL).mul(s);
}

/** The consumer price (IVA included), rounded up to the step. */
export function suggestedPrice(replacement: Decimal.Value, markup: Decimal.Value, vatRate: Decimal.Value, step: Decimal.Value): Decimal {
  const raw = new Decimal(replacement).mul(new Decimal(1).plus(markup)).mul(new Decimal(1).plus(new Decimal(vatRate).div(100)));
  return roundUpToStep(raw, step);
}

/** The markup for a category: its own, else the default. */
export function markupFor(settings: PricingSettings, category: string): string {
  return settings.markup_by_category[category.toLowerCase()] ?? settings.default_markup;
}

/**
 * The gross margin a consumer price leaves over the replacement cost, on the price net of IVA:
 * (price / (1 + vat/100) − replacement) / (price / (1 + vat/100)). Null when there is no price.
 */
export function marginOf(price: Decimal.Value | null, replacement: Decimal.Value, vatRate: Decimal.Value): Decimal | null {
  if (price === null) return null;
  const gross = new Decimal(price);
  if (gross.lte(0)) return null;
  // 1 − replacement × (1 + vat) / price: the same ratio with a single division.
  const grossCost = new Decimal(replacement).mul(new Decimal(1).plus(new Decimal(vatRate).div(100)));
  return new Decimal(1).minus(grossCost.div(gross)).toDecimalPlaces(4, Decimal.ROUND_HALF_UP);
}

/** Whole calendar days from one YYYY-MM-DD to another (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  const ms = Date.UTC(+to.slice(0, 4), +to.slice(5, 7) - 1, +to.slice(8, 10)) - Date.UTC(+from.slice(0, 4), +from.slice(5, 7) - 1, +from.slice(8, 10));
  return Math.round(ms / 86_400_000);
}

export interface QuoteInput {
  cost: string;
  days: number;
  category: string;
  vatRate: string;
  settings: PricingSettings;
}

export interface Quote {
  inflation_factor: string;
  replacement_cost: string;
  markup: string;
  suggested_price: string;
}

/**
 * The whole quote. The suggested price is computed from the replacement cost as shown (2
 * decimals), so anyone can redo the arithmetic from the quote's own fields; the factor is shown
 * to 6 decimals but used at full precision.
 */
export function quote(input: QuoteInput): Quote {
  const factor = cachedFactor(input.settings.monthly_inflation_rate, Math.max(0, input.days));
  const replacement = replacementCost(input.cost, factor);
  const markup = markupFor(input.settings, input.category);
  const price = suggestedPrice(replacement, markup, input.vatRate, input.settings.rounding);
  return {
    inflation_factor: factor.toFixed(6),
    replacement_cost: replacement.toFixed(2),
    markup: new Decimal(markup).toFixed(),
    suggested_price: price.toFixed(2),
  };
}
