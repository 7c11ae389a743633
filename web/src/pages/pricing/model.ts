// Shapes of the pricing API (docs/api.md "Inflation-aware pricing") and the small conversions the
// page needs: fractions ↔ percentages as people type them, exactly, with decimal.js.
import { Decimal } from 'decimal.js';
import { useSignedIn } from '../../auth/session.tsx';
import { parseDecimalInput } from '../../lib/decimal.ts';
import { t } from '../../i18n/index.ts';

export type Rounding = '1' | '10' | '50' | '100';

export interface PricingSettings {
  monthly_inflation_rate: string;
  markup_by_category: Record<string, string>;
  default_markup: string;
  rounding: Rounding;
}

export interface PriceChange {
  product_id: string;
  sku: string;
  name: string;
  category: string;
  unit: string;
  barcode: string | null;
  old_price: string | null;
  new_price: string;
  change_pct: string | null;
  cost_price: string;
  last_cost_date: string;
  days: number;
  inflation_factor: string;
  replacement_cost: string;
  markup: string;
  vat_rate: string;
  old_margin: string | null;
  new_margin: string | null;
}

export interface RepriceResult {
  dry_run: boolean;
  date: string;
  run_id: string | null;
  category: string | null;
  settings: PricingSettings;
  changes: PriceChange[];
  unchanged: number;
  skipped: { product_id: string; sku: string; name: string; reason: string }[];
}

export interface HistoryItem {
  id: string;
  product_id: string;
  old_price: string | null;
  new_price: string | null;
  reason: string;
  note: string | null;
  run_id: string | null;
  actor: string;
  created_at: string;
  details: Record<string, unknown>;
}

export interface LabelledChange extends HistoryItem {
  sku: string;
  name: string;
  category: string;
  unit: string;
  barcode: string | null;
  vat_rate: string;
}

export interface PricingRun {
  id: string;
  trigger: 'manual' | 'scheduled';
  scheduled_for: string | null;
  category: string | null;
  note: string | null;
  actor: string;
  changed: number;
  settings: PricingSettings;
  created_at: string;
}

export interface Quote {
  product_id: string;
  date: string;
  cost_price: string;
  last_cost_date: string;
  last_cost_source: 'receipt' | 'cost_update';
  days: number;
  inflation_factor: string;
  replacement_cost: string;
  markup: string;
  vat_rate: string;
  suggested_price: string;
  current_price: string | null;
}

/** One shelf label: what the printed sheet needs, from a reprice result or from the history. */
export interface ShelfLabel {
  key: string;
  name: string;
  sku: string;
  barcode: string | null;
  unit: string;
  price: string;
  vatRate: string;
  /** DD/MM/AAAA: the day the new price applies from. */
  since: string;
}

export const pricingKeys = {
  settings: ['pricing', 'settings'] as const,
  preview: ['pricing', 'preview'] as const,
  runs: ['pricing', 'runs'] as const,
  history: (productId: string) => ['pricing', 'history', productId] as const,
  quote: (productId: string) => ['pricing', 'quote', productId] as const,
  runChanges: (runId: string) => ['pricing', 'run-changes', runId] as const,
};

/** "0.045" → "4,5" (a fraction shown as a percentage in an input). */
export function fractionToPercentInput(fraction: string): string {
  return new Decimal(fraction).mul(100).toFixed().replace('.', ',');
}

/** "4,5" → "0.045"; null when it is not a non-negative number with at most `maxDecimals` decimals. */
export function percentInputToFraction(text: string, maxDecimals: number): string | null {
  const parsed = parseDecimalInput(text, { maxDecimals });
  if (parsed === null || parsed === '') return null;
  return new Decimal(parsed).div(100).toFixed();
}

/** What a monthly rate compounds to over a year, as a fraction ("0.045" → "0.6959"). */
export function annualOf(monthly: string): string {
  return new Decimal(1).plus(monthly).pow(12).minus(1).toDecimalPlaces(4).toFixed();
}

// The API sends ratios with 4 decimals ("0.2595"): as percentages with 2 decimals they are shown
// exactly, never rounded a second time.
const percentText = (fraction: string) => new Decimal(fraction).mul(100).abs().toFixed(2).replace('.', ',');

/** A signed percentage: "+8,93 %", "−0,02 %", "0,00 %". */
export function signedPercent(fraction: string | null): string {
  if (fraction === null) return '—';
  const value = new Decimal(fraction);
  return `${value.isZero() ? '' : value.isNegative() ? '−' : '+'}${percentText(fraction)} %`;
}

/** A ratio as a percentage: "25,95 %", "−12,00 %". */
export function plainPercent(fraction: string | null): string {
  if (fraction === null) return '—';
  const value = new Decimal(fraction);
  return `${value.isNegative() && !value.isZero() ? '−' : ''}${percentText(fraction)} %`;
}

export function isNegativeFraction(fraction: string | null): boolean {
  return fraction !== null && new Decimal(fraction).isNegative() && !new Decimal(fraction).isZero();
}

/** The IVA inside a consumer price (price − price / (1 + rate)), rounded to the cent. */
export function vatInside(price: string, ratePercent: string): string {
  const net = new Decimal(price).div(new Decimal(1).plus(new Decimal(ratePercent).div(100))).toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
  return new Decimal(price).minus(net).toFixed(2);
}

/** Who made a change, in words: "ana (usted)", "Sistema (programado)", "Usuario 0195…". */
export function useActorName(): (actor: string) => string {
  const { user } = useSignedIn();
  const s = t.pricing.history;
  return (actor) => {
    const [kind, id = ''] = actor.split(':', 2);
    if (kind === 'user') return id === user.id ? s.you(user.username) : s.user(id.slice(0, 8));
    if (kind === 'api_key') return s.key(id.slice(0, 8));
    if (kind === 'system') return s.system;
    return actor;
  };
}
