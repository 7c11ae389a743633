// Seasonal minimum stock for the southern hemisphere (DOMAIN.md). The factors are settings; the
// defaults below are only what a new store starts with.
import { Decimal } from 'decimal.js';

export const SEASONS = ['verano', 'otono', 'invierno', 'primavera'] as const;
export type Season = (typeof SEASONS)[number];
export type SeasonFactors = Record<Season, string>;

export interface SeasonSettings {
  default: SeasonFactors;
  /** Optional per-category overrides, any subset of seasons. */
  by_category: Record<string, Partial<SeasonFactors>>;
}

export const DEFAULT_SEASON_SETTINGS: SeasonSettings = {
  default: { verano: '1.3', otono: '1.0', invierno: '0.8', primavera: '1.1' },
  by_category: {},
};

/** Month (1–12) → season: Dec–Feb verano, Mar–May otoño, Jun–Aug invierno, Sep–Nov primavera. */
export function seasonOfMonth(month: number): Season {
  if (month === 12 || month <= 2) return 'verano';
  if (month <= 5) return 'otono';
  if (month <= 8) return 'invierno';
  return 'primavera';
}

export function seasonOfDate(isoDate: string): Season {
  return seasonOfMonth(Number(isoDate.slice(5, 7)));
}

export function seasonFactor(settings: SeasonSettings, season: Season, category: string): string {
  return settings.by_category[category]?.[season] ?? settings.default[season];
}

/** min × factor rounded up to the unit's precision: whole units, or grams/millilitres. */
export function adjustedMinimum(minStock: string, factor: string, unit: string): Decimal {
  const raw = new Decimal(minStock).mul(factor);
  return unit === 'unit' ? raw.toDecimalPlaces(0, Decimal.ROUND_CEIL) : raw.toDecimalPlaces(3, Decimal.ROUND_CEIL);
}
