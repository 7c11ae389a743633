// The numbers of the dashboard's home page. Each one is computed by the module that owns the data
// (aggregated in SQL there); this service only asks them and puts the answer together.
import { Decimal } from 'decimal.js';
import type { AuditService } from '../audit/service.ts';
import type { CatalogService } from '../catalog/service.ts';
import type { InvoicesService } from '../invoices/service.ts';
import type { CriticalService } from '../stock/critical.ts';
import type { StockService } from '../stock/service.ts';
import { fixed, quantity } from '../../platform/http/schemas.ts';
import { localDate } from '../../platform/time/zone.ts';
import type { Summary } from './schemas.ts';

export interface SummaryOptions {
  /** Days in the daily series, today included. */
  days: number;
  /** Open audit alerts are shown only to roles that may read the audit trail. */
  includeOpenAlerts: boolean;
  /** The report's instant; now by default. */
  now?: Date;
}

/** Money leaves rounded half-up to cents; everything before that is exact. */
const money = (value: string | Decimal) => fixed(value.toString(), 2)!;

export function createReportsService(deps: {
  catalog: CatalogService;
  stock: StockService;
  critical: CriticalService;
  auditTrail: AuditService;
  invoices: Pick<InvoicesService, 'pendingCount'>;
  timezone: string;
}) {
  const { catalog, stock, critical, auditTrail, invoices, timezone } = deps;

  return {
    async summary(options: SummaryOptions): Promise<Summary> {
      const asOf = options.now ?? new Date();
      // One "today" for every figure, so the critical list and the series agree on the day.
      const today = localDate(asOf, timezone);
      const [categories, criticalList, movementsToday, daily, openAlerts, invoicesPending] = await Promise.all([
        catalog.valuationByCategory(),
        critical.criticalList(today),
        stock.movementsOn(today),
        stock.dailyFlows(today, options.days),
        options.includeOpenAlerts ? auditTrail.openAlertCount() : Promise.resolve(null),
        invoices.pendingCount(),
      ]);

      // Sorted and totalled on the exact values; rounded to cents only for display.
      const byValue = categories
        .map((c) => ({ category: c.category, exact: new Decimal(c.value), products: c.products }))
        .sort((a, b) => b.exact.cmp(a.exact) || a.category.localeCompare(b.category));
      const stockValue = byValue.reduce((sum, c) => sum.plus(c.exact), new Decimal(0));

      return {
        as_of: asOf.toISOString(),
        timezone,
        today,
        stock_value: money(stockValue),
        products_active: byValue.reduce((n, c) => n + c.products, 0),
        below_min_count: criticalList.items.length,
        movements_today: movementsToday,
        // Drafts waiting for review.
        invoices_pending: invoicesPending,
        open_alerts: openAlerts,
        daily: daily.map((d) => ({
          date: d.date,
          sales_quantity: quantity(d.sales_quantity),
          sales_value: money(d.sales_value),
          receipts_quantity: quantity(d.receipts_quantity),
          receipts_value: money(d.receipts_value),
        })),
        value_by_category: byValue.map((c) => ({ category: c.category, value: money(c.exact), products: c.products })),
      };
    },
  };
}

export type ReportsService = ReturnType<typeof createReportsService>;
