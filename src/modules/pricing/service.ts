// Inflation-aware pricing: settings, the price quote of one product, and repricing (preview or
// apply) with its history. The rules are in engine.ts; this file gathers the inputs and owns
// the transaction of an applied reprice: lock the products, recompute from committed data, set
// the prices, write the history rows and one audit event per change, all or nothing.
import { Decimal } from 'decimal.js';
import { uuidv7 } from 'uuidv7';
import type { Database, Queryable } from '../../platform/db/types.ts';
import { SYSTEM_CONTEXT, type AuditContext, type AuditWriter } from '../../platform/audit/writer.ts';
import { decodeCursor, pageOf } from '../../platform/http/pagination.ts';
import { localDate, zonedDayBounds, zonedInstant } from '../../platform/time/zone.ts';
import { findPgError } from '../../platform/db/sqlstate.ts';
import type { CatalogService, SalePriceChange } from '../catalog/service.ts';
import type { StockService } from '../stock/service.ts';
import type { SettingsGroup, SettingsService } from '../settings/service.ts';
import { daysBetween, DEFAULT_PRICING_SETTINGS, marginOf, quote, type PricingSettings } from './engine.ts';
import { splitGross } from './iva.ts';
import { createPricingRepo, type PriceChangeRow } from './repo.ts';
import { PricingErrors } from './errors.ts';
import { pricingSettingsBody, type ChangeDto, type ChangesQuery, type RepriceBody } from './schemas.ts';

export const PRICING_SETTINGS: SettingsGroup<PricingSettings> = {
  key: 'pricing.settings',
  schema: pricingSettingsBody as unknown as SettingsGroup<PricingSettings>['schema'],
  defaults: DEFAULT_PRICING_SETTINGS,
};

/** When the scheduled reprice runs: ISO weekdays (1 = Monday) at a store-local time. */
export interface RepriceSchedule {
  days: number[];
  at: string;
}

export type RepriceTrigger = 'manual' | 'scheduled';

type PricingRow = Awaited<ReturnType<CatalogService['pricingRows']>>[number];
type Receipt = { at: Date; unitCost: string };

export interface CostBasis {
  lastCostDate: string;
  source: 'receipt' | 'cost_update';
}

/**
 * When the product's current cost was established (DOMAIN.md: "days since the product's last
 * cost — last `in` movement with a unit cost, else the product's cost update"). The latest
 * costed receipt counts while the product still carries that receipt's cost; when the cost was
 * edited to another value after it (or there is no costed receipt), the catalog's
 * cost_updated_at is that cost's date. See docs/api.md "Inflation-aware pricing".
 */
export function costBasisOf(
  product: { costPrice: string; costUpdatedAt: Date },
  receipt: Receipt | undefined,
  timezone: string,
): CostBasis {
  const editedLater = receipt && product.costUpdatedAt > receipt.at && !new Decimal(product.costPrice).eq(receipt.unitCost);
  if (receipt && !editedLater) return { lastCostDate: localDate(receipt.at, timezone), source: 'receipt' };
  return { lastCostDate: localDate(product.costUpdatedAt, timezone), source: 'cost_update' };
}

const pct = (d: Decimal | null) => (d === null ? null : d.toFixed(4));
// One collator: localeCompare(…, 'es') would build one per comparison.
const collator = new Intl.Collator('es');

/** The reprice line of one product, or why it has none. */
function planFor(row: PricingRow, receipt: Receipt | undefined, settings: PricingSettings, day: string, timezone: string) {
  const basis = costBasisOf(row, receipt, timezone);
  const days = Math.max(0, daysBetween(basis.lastCostDate, day));
  const q = quote({ cost: row.costPrice, days, category: row.category, vatRate: row.vatRate, settings });
  const oldPrice = row.salePrice === null ? null : new Decimal(row.salePrice).toFixed(2);
  const change: ChangeDto = {
    product_id: row.id,
    sku: row.sku,
    name: row.name,
    category: row.category,
    unit: row.unit,
    barcode: row.barcode,
    old_price: oldPrice,
    new_price: q.suggested_price,
    change_pct: oldPrice !== null && new Decimal(oldPrice).gt(0) ? pct(new Decimal(q.suggested_price).div(oldPrice).minus(1).toDecimalPlaces(4, Decimal.ROUND_HALF_UP)) : null,
    cost_price: new Decimal(row.costPrice).toFixed(2),
    last_cost_date: basis.lastCostDate,
    days,
    inflation_factor: q.inflation_factor,
    replacement_cost: q.replacement_cost,
    markup: q.markup,
    vat_rate: row.vatRate,
    old_margin: pct(marginOf(oldPrice, q.replacement_cost, row.vatRate)),
    new_margin: pct(marginOf(q.suggested_price, q.replacement_cost, row.vatRate)),
  };
  return { change, costBasis: basis };
}

export interface RepriceOptions {
  trigger?: RepriceTrigger;
  /** A scheduled run's store-calendar day (unique among runs). */
  scheduledFor?: string;
  /** The instant "today" is taken from (tests and the scheduler); now by default. */
  now?: Date;
  /** Runs inside an applied reprice's transaction with its result (the idempotency record). */
  beforeCommit?: (tx: Queryable, result: RepriceResult) => Promise<void>;
}

export interface RepriceResult {
  dry_run: boolean;
  run_id: string | null;
  date: string;
  category: string | null;
  settings: PricingSettings;
  changes: ChangeDto[];
  unchanged: number;
  skipped: { product_id: string; sku: string; name: string; reason: 'no_cost' }[];
}

export function createPricingService(deps: {
  database: Database;
  catalog: CatalogService;
  stock: StockService;
  settings: SettingsService;
  audit: AuditWriter;
  timezone: string;
}) {
  const { database, catalog, stock, settings, audit, timezone } = deps;

  async function plan(db: Queryable, input: RepriceBody, day: string, lock: boolean) {
    const current = await settings.get(PRICING_SETTINGS, db);
    const rows = await catalog.pricingRows(db, { category: input.category, ids: input.product_ids, lock });
    if (input.product_ids) {
      const found = new Set(rows.map((r) => r.id));
      const missing = input.product_ids.flatMap((id, i) => (found.has(id) ? [] : [i]));
      if (missing.length > 0) throw PricingErrors.unknownProducts(missing);
    }
    // One pass over the receipts: all products' for a whole-store run, else only these.
    const receipts = await stock.lastCostedReceipts(db, input.category || input.product_ids ? rows.map((r) => r.id) : undefined);
    const changes: ChangeDto[] = [];
    const skipped: { product_id: string; sku: string; name: string; reason: 'no_cost' }[] = [];
    let unchanged = 0;
    for (const row of rows) {
      // Without a cost there is nothing to price from: a zero cost would suggest a zero price.
      if (new Decimal(row.costPrice).lte(0)) {
        skipped.push({ product_id: row.id, sku: row.sku, name: row.name, reason: 'no_cost' });
        continue;
      }
      const { change } = planFor(row, receipts.get(row.id), current, day, timezone);
      if (change.old_price !== null && new Decimal(change.old_price).eq(change.new_price)) unchanged += 1;
      else changes.push(change);
    }
    changes.sort((a, b) => collator.compare(a.category, b.category) || collator.compare(a.name, b.name) || (a.sku < b.sku ? -1 : 1));
    return { settings: current, changes, skipped, unchanged };
  }

  async function reprice(input: RepriceBody, ctx: AuditContext, options: RepriceOptions = {}): Promise<RepriceResult> {
    const day = localDate(options.now ?? new Date(), timezone);
    const trigger = options.trigger ?? 'manual';
    const base = { date: day, category: input.category ?? null };
    if (input.dry_run) {
      const result = await plan(database.db, input, day, false);
      return { dry_run: true, run_id: null, ...base, ...result };
    }
    return database.transaction(async (tx) => {
      // Recomputed under the row locks from committed data: what is applied is never a stale preview.
      const result = await plan(tx, input, day, true);
      const repo = createPricingRepo(tx);
      const runId = uuidv7();
      await repo.insertRun({
        id: runId,
        trigger,
        scheduledFor: options.scheduledFor ?? null,
        category: input.category ?? null,
        note: input.note ?? null,
        actor: ctx.actor,
        settings: result.settings,
        changed: result.changes.length,
      });
      await catalog.setSalePrices(tx, result.changes.map((c) => ({ id: c.product_id, price: c.new_price })));
      const reason = trigger === 'scheduled' ? 'scheduled_reprice' : 'reprice';
      await repo.insertChanges(
        result.changes.map((c) => ({
          id: uuidv7(),
          productId: c.product_id,
          oldPrice: c.old_price,
          newPrice: c.new_price,
          reason,
          note: input.note ?? null,
          runId,
          actor: ctx.actor,
          details: {
            cost_price: c.cost_price,
            last_cost_date: c.last_cost_date,
            days: c.days,
            monthly_inflation_rate: result.settings.monthly_inflation_rate,
            inflation_factor: c.inflation_factor,
            replacement_cost: c.replacement_cost,
            markup: c.markup,
            vat_rate: c.vat_rate,
            rounding: result.settings.rounding,
          },
        })),
      );
      for (const c of result.changes) {
        await audit.record(tx, ctx, {
          action: 'pricing.price.change',
          resource: `product:${c.product_id}`,
          outcome: 'success',
          details: { run_id: runId, reason, sku: c.sku, old_price: c.old_price, new_price: c.new_price },
        });
      }
      await audit.record(tx, ctx, {
        action: 'pricing.reprice.apply',
        resource: `pricing_run:${runId}`,
        outcome: 'success',
        details: {
          trigger,
          category: input.category ?? null,
          product_ids: input.product_ids?.length ?? null,
          changed: result.changes.length,
          unchanged: result.unchanged,
          skipped: result.skipped.length,
          settings: result.settings,
        },
      });
      const applied = { dry_run: false, run_id: runId, ...base, ...result };
      await options.beforeCommit?.(tx, applied);
      return applied;
    });
  }

  function toHistoryItem(row: PriceChangeRow) {
    return {
      id: row.id,
      product_id: row.productId,
      old_price: row.oldPrice === null ? null : new Decimal(row.oldPrice).toFixed(2),
      new_price: row.newPrice === null ? null : new Decimal(row.newPrice).toFixed(2),
      reason: row.reason as 'reprice' | 'scheduled_reprice' | 'product_create' | 'product_edit',
      note: row.note,
      run_id: row.runId,
      actor: row.actor,
      created_at: row.createdAt.toISOString(),
      details: (row.details ?? {}) as Record<string, unknown>,
    };
  }

  const instantOf = (value: string | undefined, edge: 'start' | 'end') => {
    if (!value) return undefined;
    if (value.length > 10) return new Date(value);
    const bounds = zonedDayBounds(value, timezone);
    return edge === 'start' ? bounds.start : bounds.end;
  };

  return {
    getSettings: () => settings.get(PRICING_SETTINGS),

    /** Replaces the settings; audited with the whole new value (rates and markups are not personal). */
    putSettings: (value: PricingSettings, ctx: AuditContext) =>
      database.transaction(async (tx) => {
        const saved = await settings.put(PRICING_SETTINGS, value, ctx.actor, tx);
        await audit.record(tx, ctx, {
          action: 'pricing.settings.update',
          resource: `settings:${PRICING_SETTINGS.key}`,
          outcome: 'success',
          details: { value: saved },
        });
        return saved;
      }),

    /** The quote of one product on a store-calendar day (today by default). */
    async quote(productId: string, date?: string) {
      const product = await catalog.getProduct(productId);
      const day = date ?? localDate(new Date(), timezone);
      const current = await settings.get(PRICING_SETTINGS);
      const receipt = (await stock.lastCostedReceipts(database.db, [productId])).get(productId);
      const basis = costBasisOf(product, receipt, timezone);
      // A date before the cost was known is priced at that cost, without inflation.
      const days = Math.max(0, daysBetween(basis.lastCostDate, day));
      const q = quote({ cost: product.costPrice, days, category: product.category, vatRate: product.vatRate, settings: current });
      const split = splitGross(q.suggested_price, product.vatRate);
      const currentPrice = product.salePrice === null ? null : new Decimal(product.salePrice).toFixed(2);
      return {
        product_id: product.id,
        date: day,
        cost_price: new Decimal(product.costPrice).toFixed(2),
        last_cost_date: basis.lastCostDate,
        last_cost_source: basis.source,
        days,
        monthly_inflation_rate: current.monthly_inflation_rate,
        inflation_factor: q.inflation_factor,
        replacement_cost: q.replacement_cost,
        markup: q.markup,
        vat_rate: product.vatRate,
        suggested_price: q.suggested_price,
        suggested_net_price: split.net,
        suggested_vat: split.vat,
        current_price: currentPrice,
        current_margin: pct(marginOf(currentPrice, q.replacement_cost, product.vatRate)),
        suggested_margin: pct(marginOf(q.suggested_price, q.replacement_cost, product.vatRate)),
        rounding: current.rounding,
      };
    },

    reprice,

    /** One product's price history, newest first. */
    async history(productId: string, query: { cursor?: string | undefined; limit: number }) {
      await catalog.getProduct(productId);
      const cursor = decodeCursor(query.cursor, 2);
      const rows = await createPricingRepo(database.db).listChanges({
        productId,
        before: cursor ? { createdAt: new Date(cursor[0]!), id: cursor[1]! } : undefined,
        limit: query.limit,
      });
      const pageRows = pageOf(rows, query.limit, (r) => [r.createdAt.toISOString(), r.id]);
      return { items: pageRows.items.map(toHistoryItem), next_cursor: pageRows.next_cursor };
    },

    /** Price changes across the store (for shelf labels): of one run, or in a period; newest first. */
    async changes(query: ChangesQuery) {
      const cursor = decodeCursor(query.cursor, 2);
      const rows = await createPricingRepo(database.db).listChanges({
        runId: query.run_id,
        from: instantOf(query.from, 'start'),
        to: query.to && query.to.length > 10 ? new Date(new Date(query.to).getTime() + 1) : instantOf(query.to, 'end'),
        before: cursor ? { createdAt: new Date(cursor[0]!), id: cursor[1]! } : undefined,
        limit: query.limit,
      });
      const pageRows = pageOf(rows, query.limit, (r) => [r.createdAt.toISOString(), r.id]);
      const labels = new Map((await catalog.productLabels([...new Set(pageRows.items.map((r) => r.productId))])).map((p) => [p.id, p]));
      return {
        items: pageRows.items.map((r) => {
          const p = labels.get(r.productId)!;
          return { ...toHistoryItem(r), sku: p.sku, name: p.name, category: p.category, unit: p.unit, barcode: p.barcode, vat_rate: p.vatRate };
        }),
        next_cursor: pageRows.next_cursor,
      };
    },

    async runs(query: { cursor?: string | undefined; limit: number }) {
      const cursor = decodeCursor(query.cursor, 2);
      const rows = await createPricingRepo(database.db).listRuns({
        before: cursor ? { createdAt: new Date(cursor[0]!), id: cursor[1]! } : undefined,
        limit: query.limit,
      });
      const pageRows = pageOf(rows, query.limit, (r) => [r.createdAt.toISOString(), r.id]);
      return {
        items: pageRows.items.map((r) => ({
          id: r.id,
          trigger: r.trigger as RepriceTrigger,
          scheduled_for: r.scheduledFor,
          category: r.category,
          note: r.note,
          actor: r.actor,
          changed: r.changed,
          settings: r.settings as PricingSettings,
          created_at: r.createdAt.toISOString(),
        })),
        next_cursor: pageRows.next_cursor,
      };
    },

    /**
     * The scheduled reprice: on a configured weekday, once the store-local time has reached the
     * configured hour, reprice the whole store once for that day. Returns what it did, or
     * undefined when nothing was due (not a reprice day, too early, or already done).
     */
    async runScheduled(schedule: RepriceSchedule, now: Date = new Date()) {
      const day = localDate(now, timezone);
      const weekday = ((new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7) + 1;
      if (!schedule.days.includes(weekday)) return undefined;
      if (now < zonedInstant(day, schedule.at, timezone)) return undefined;
      if (await createPricingRepo(database.db).scheduledRunFor(day)) return undefined;
      let result;
      try {
        result = await reprice({ dry_run: false }, { ...SYSTEM_CONTEXT, actor: 'system:pricing' }, { trigger: 'scheduled', scheduledFor: day, now });
      } catch (err) {
        // Another instance got there first (the day is unique among scheduled runs).
        if (findPgError(err)?.constraint === 'pricing_runs_scheduled_for_key') return undefined;
        throw err;
      }
      return { day, run_id: result.run_id, changed: result.changes.length, unchanged: result.unchanged, skipped: result.skipped.length };
    },
  };
}

/**
 * The catalog's listener for sale prices set by creating or editing a product: the history row,
 * in the catalog write's transaction (its audit event is the catalog's own).
 */
export async function recordCatalogPriceChange(tx: Queryable, change: SalePriceChange): Promise<void> {
  await createPricingRepo(tx).insertChanges([
    {
      id: uuidv7(),
      productId: change.productId,
      oldPrice: change.oldPrice,
      newPrice: change.newPrice,
      reason: change.reason,
      actor: change.actor,
    },
  ]);
}

export type PricingService = ReturnType<typeof createPricingService>;
