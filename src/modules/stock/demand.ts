// The stock ledger seen as demand history, for the forecasting module: per product and store day,
// what was sold and whether the shelf ran empty, plus a cheap "what changed since" for its cache.
// Read-only; the forecasting module turns these rows into series (it owns the censoring rule).
import type { Database } from '../../platform/db/types.ts';
import { createDemandRepo, type DemandDayRow } from './demand-repo.ts';

export interface DemandHistory {
  from: string;
  through: string;
  /** Stock over all locations at the opening of `from`, for products that moved before it. */
  opening: Map<string, string>;
  days: DemandDayRow[];
}

export function createDemandHistoryService(database: Database, deps: { timezone: string }) {
  const repo = () => createDemandRepo(database.db);
  return {
    /** Sales, net stock change and stock-outs per product per store day in [from, through]. */
    async history(f: { from: string; through: string; productIds?: string[] | undefined }): Promise<DemandHistory> {
      const [opening, days] = [
        await repo().opening({ from: f.from, timeZone: deps.timezone, productIds: f.productIds }),
        await repo().days({ ...f, timeZone: deps.timezone }),
      ];
      return { from: f.from, through: f.through, opening: new Map(opening.map((r) => [r.product_id, r.on_hand])), days };
    },

    /** Products with movements inserted after `sinceId` and dated before `before`. */
    changedSince: (sinceId: string, before: Date) => repo().changedSince({ sinceId, before }),
  };
}

export type DemandHistoryService = ReturnType<typeof createDemandHistoryService>;
