// The seasonal critical list: active products at or below their season-adjusted minimum.
import { Decimal } from 'decimal.js';
import type { CatalogService } from '../catalog/service.ts';
import type { SettingsGroup, SettingsService } from '../settings/service.ts';
import { localDate } from '../../platform/time/zone.ts';
import type { Database } from '../../platform/db/types.ts';
import type { AuditContext, AuditWriter } from '../../platform/audit/writer.ts';
import { adjustedMinimum, DEFAULT_SEASON_SETTINGS, seasonFactor, seasonOfDate, type Season, type SeasonSettings } from './seasons.ts';
import { seasonSettingsSchema } from './schemas.ts';

export const SEASON_SETTINGS: SettingsGroup<SeasonSettings> = {
  key: 'stock.season_factors',
  schema: seasonSettingsSchema as unknown as SettingsGroup<SeasonSettings>['schema'],
  defaults: DEFAULT_SEASON_SETTINGS,
};

export interface CriticalItem {
  product_id: string;
  sku: string;
  name: string;
  category: string;
  unit: string;
  on_hand: string;
  min_stock: string;
  season: Season;
  season_factor: string;
  adjusted_min: string;
  deficit: string;
}

export function createCriticalService(deps: {
  catalog: CatalogService;
  settings: SettingsService;
  audit: AuditWriter;
  database: Database;
  timezone: string;
}) {
  return {
    async criticalList(date?: string): Promise<{ date: string; season: Season; items: CriticalItem[] }> {
      const day = date ?? localDate(new Date(), deps.timezone);
      const season = seasonOfDate(day);
      const settings = await deps.settings.get(SEASON_SETTINGS);
      const items: CriticalItem[] = [];
      for (const p of await deps.catalog.stockPolicyRows()) {
        const factor = seasonFactor(settings, season, p.category);
        const adjusted = adjustedMinimum(p.minStock, factor, p.unit);
        const onHand = new Decimal(p.onHand);
        if (onHand.gt(adjusted)) continue;
        items.push({
          product_id: p.id,
          sku: p.sku,
          name: p.name,
          category: p.category,
          unit: p.unit,
          on_hand: onHand.toFixed(),
          min_stock: new Decimal(p.minStock).toFixed(),
          season,
          season_factor: new Decimal(factor).toFixed(),
          adjusted_min: adjusted.toFixed(),
          deficit: Decimal.max(0, adjusted.minus(onHand)).toFixed(),
        });
      }
      // Biggest shortfall relative to its minimum first: what to restock before anything else.
      items.sort((a, b) => {
        const ra = new Decimal(a.deficit).div(Decimal.max(a.adjusted_min, '0.001'));
        const rb = new Decimal(b.deficit).div(Decimal.max(b.adjusted_min, '0.001'));
        return rb.cmp(ra) || a.sku.localeCompare(b.sku);
      });
      return { date: day, season, items };
    },

    /**
     * Every active product's season-adjusted minimum on `date` (default today), by product id,
     * with the same rule as the critical list; products without a minimum are absent (theirs is 0).
     * The forecasting module's reorder point never goes below it.
     */
    async adjustedMinimums(date?: string): Promise<Map<string, string>> {
      const season = seasonOfDate(date ?? localDate(new Date(), deps.timezone));
      const settings = await deps.settings.get(SEASON_SETTINGS);
      const result = new Map<string, string>();
      for (const p of await deps.catalog.stockPolicyRows()) {
        result.set(p.id, adjustedMinimum(p.minStock, seasonFactor(settings, season, p.category), p.unit).toFixed());
      }
      return result;
    },

    getSeasonSettings: () => deps.settings.get(SEASON_SETTINGS),
    /** Settings changes are audited with the whole new value (factors are not personal data). */
    putSeasonSettings: (value: SeasonSettings, ctx: AuditContext) =>
      deps.database.transaction(async (tx) => {
        const saved = await deps.settings.put(SEASON_SETTINGS, value, ctx.actor, tx);
        await deps.audit.record(tx, ctx, {
          action: 'stock.season_factors.update',
          resource: `settings:${SEASON_SETTINGS.key}`,
          outcome: 'success',
          details: { value: saved },
        });
        return saved;
      }),
  };
}

export type CriticalService = ReturnType<typeof createCriticalService>;
