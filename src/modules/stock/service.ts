// The stock ledger. Every change is one transaction: lock the product (FOR KEY SHARE), apply the
// delta to the level row with a conditional update, insert the movement, then run the caller's
// hooks (idempotency record today; audit event and price history later) before commit.
import { Decimal } from 'decimal.js';
import { uuidv7 } from 'uuidv7';
import type { Database, Queryable } from '../../platform/db/types.ts';
import { SYSTEM_CONTEXT, type AuditContext, type AuditWriter } from '../../platform/audit/writer.ts';
import { decodeCursor, pageOf } from '../../platform/http/pagination.ts';
import type { CatalogService } from '../catalog/service.ts';
import { createStockRepo, type DailyFlowRow, type MovementRow } from './repo.ts';
import { StockErrors } from './errors.ts';
import type { CountBody, MovementBody, MovementListQuery } from './schemas.ts';
import { validationError } from '../../platform/http/errors.ts';
import { zonedDayBounds } from '../../platform/time/zone.ts';
import { stockMovements, stockOversellsPrevented } from '../../platform/observability/metrics.ts';

export interface MovementContext {
  actor: string;
  /** Where the request came from, for the audit event; the seeder has none. */
  audit?: AuditContext;
  /** Backdated instant, used only by the demo seeder; the API always records "now". */
  at?: Date;
}

/** Runs inside the movement's transaction, after the ledger rows are written. */
export type TransactionHook<R> = (tx: Queryable, result: R) => Promise<void>;

export interface MovementResult {
  movement: MovementRow;
  counterpart?: MovementRow;
}

export interface CountResult {
  locationId: string;
  linesCounted: number;
  unchanged: number;
  movements: MovementRow[];
}

function assertWholeIfUnit(unit: string, qty: string, path = 'quantity'): void {
  if (unit === 'unit' && !new Decimal(qty).isInteger()) throw StockErrors.wholeUnitsOnly(path);
}

/** What the stock ledger needs from the customers module: a sale's customer, locked for the sale. */
export interface SaleCustomers {
  /** Throws 404 customer.not_found / 410 customer.erased; holds the row until commit. */
  lockForSale(tx: Queryable, customerId: string): Promise<void>;
}

export function createStockService(
  database: Database,
  deps: { catalog: CatalogService; audit: AuditWriter; timezone: string; customers?: SaleCustomers },
) {
  const { catalog, audit, timezone } = deps;

  async function move(tx: Queryable, productId: string, locationId: string, delta: string, requested: string) {
    const result = await createStockRepo(tx).applyDelta(productId, locationId, delta);
    if (!result.ok) {
      stockOversellsPrevented.inc();
      throw StockErrors.insufficient(new Decimal(result.onHand).toFixed(), requested);
    }
    return result;
  }

  async function applyMovement(tx: Queryable, input: MovementBody, ctx: MovementContext): Promise<MovementResult> {
    const product = await catalog.lockProductForMovement(tx, input.product_id);
    assertWholeIfUnit(product.unit, input.quantity);
    const from = await catalog.resolveLocation(tx, input.location_id);
    if (input.customer_id !== undefined) {
      if (!deps.customers) throw new Error('the stock service was built without the customers service');
      await deps.customers.lockForSale(tx, input.customer_id);
    }
    const base = {
      productId: product.id,
      type: input.type,
      unitCost: input.type === 'in' ? (input.unit_cost ?? null) : null,
      reason: input.reason ?? null,
      reference: input.reference ?? null,
      actor: ctx.actor,
      customerId: input.customer_id ?? null,
      ...(ctx.at ? { createdAt: ctx.at } : {}),
    };
    const repo = createStockRepo(tx);
    let result: MovementResult;

    if (input.type === 'transfer') {
      const to = await catalog.resolveLocation(tx, input.to_location_id);
      if (to.id === from.id) {
        throw validationError([{ path: 'to_location_id', message: 'el destino debe ser distinto del origen' }]);
      }
      const out = new Decimal(input.quantity).neg().toFixed();
      // Lock the two level rows in a fixed order so opposite transfers cannot deadlock.
      const outFirst = from.id < to.id;
      const first = outFirst
        ? await move(tx, product.id, from.id, out, input.quantity)
        : await move(tx, product.id, to.id, input.quantity, input.quantity);
      const second = outFirst
        ? await move(tx, product.id, to.id, input.quantity, input.quantity)
        : await move(tx, product.id, from.id, out, input.quantity);
      const [outLeg, inLeg] = outFirst ? [first, second] : [second, first];
      const transferId = uuidv7();
      const [movement, counterpart] = await repo.insertMovements([
        { ...base, id: uuidv7(), locationId: from.id, toLocationId: to.id, transferId, quantity: out, onHandBefore: outLeg.before, onHandAfter: outLeg.after },
        { ...base, id: uuidv7(), locationId: to.id, toLocationId: to.id, transferId, quantity: input.quantity, onHandBefore: inLeg.before, onHandAfter: inLeg.after },
      ]);
      result = { movement: movement!, counterpart: counterpart! };
    } else {
      const delta = input.type === 'out' ? new Decimal(input.quantity).neg().toFixed() : input.quantity;
      const requested = new Decimal(input.quantity).abs().toFixed();
      const applied = await move(tx, product.id, from.id, delta, requested);
      const [movement] = await repo.insertMovements([
        { ...base, id: uuidv7(), locationId: from.id, quantity: delta, onHandBefore: applied.before, onHandAfter: applied.after },
      ]);
      if (input.type === 'in' && input.unit_cost !== undefined) await catalog.recordCost(tx, product.id, input.unit_cost, ctx.at);
      result = { movement: movement! };
    }
    return result;
  }

  return {
    /** One movement in its own transaction, with the caller's hooks before commit. */
    async recordMovement(
      input: MovementBody,
      ctx: MovementContext,
      hooks: TransactionHook<MovementResult>[] = [],
    ): Promise<MovementResult> {
      const committed = await database.transaction(async (tx) => {
        const result = await applyMovement(tx, input, ctx);
        const legs = result.counterpart ? [result.movement, result.counterpart] : [result.movement];
        await audit.record(tx, ctx.audit ?? { ...SYSTEM_CONTEXT, actor: ctx.actor }, {
          action: 'stock.movement.create',
          resource: `product:${input.product_id}`,
          outcome: 'success',
          details: {
            type: input.type,
            quantity: input.quantity,
            movements: legs.map((m) => m.id),
            location_id: result.movement.locationId,
            // An id only: lets a data-subject export find the sale among the audit events.
            ...(input.customer_id ? { customer_id: input.customer_id } : {}),
            ...(result.counterpart ? { to_location_id: result.counterpart.locationId } : {}),
          },
        });
        for (const hook of hooks) await hook(tx, result);
        return result;
      });
      // Counted once committed: a retried or rolled-back transaction moved nothing.
      stockMovements.inc({ type: input.type });
      return committed;
    },

    /** For bulk loads (the demo seeder): movements inside a transaction the caller owns. */
    applyMovement,

    /** A physical count: one adjust movement per line whose count differs from the level. */
    async recordCount(input: CountBody, ctx: MovementContext, hooks: TransactionHook<CountResult>[] = []): Promise<CountResult> {
      const committed = await database.transaction(async (tx) => {
        const location = await catalog.resolveLocation(tx, input.location_id);
        const repo = createStockRepo(tx);
        const movements: MovementRow[] = [];
        // Sorted by product id: concurrent counts lock rows in the same order.
        const lines = input.lines.map((l, index) => ({ ...l, index })).sort((a, b) => (a.product_id < b.product_id ? -1 : 1));
        for (const line of lines) {
          const product = await catalog.lockProductForMovement(tx, line.product_id);
          assertWholeIfUnit(product.unit, line.counted, `lines.${line.index}.counted`);
          const current = await repo.lockLevel(product.id, location.id);
          const delta = new Decimal(line.counted).minus(current);
          if (delta.isZero()) continue;
          const applied = await move(tx, product.id, location.id, delta.toFixed(), delta.abs().toFixed());
          const [row] = await repo.insertMovements([
            {
              id: uuidv7(),
              productId: product.id,
              locationId: location.id,
              type: 'adjust',
              quantity: delta.toFixed(),
              onHandBefore: applied.before,
              onHandAfter: applied.after,
              reason: input.reason ?? 'conteo físico',
              actor: ctx.actor,
              ...(ctx.at ? { createdAt: ctx.at } : {}),
            },
          ]);
          movements.push(row!);
        }
        const result = { locationId: location.id, linesCounted: input.lines.length, unchanged: input.lines.length - movements.length, movements };
        await audit.record(tx, ctx.audit ?? { ...SYSTEM_CONTEXT, actor: ctx.actor }, {
          action: 'stock.count.create',
          resource: `location:${location.id}`,
          outcome: 'success',
          details: {
            lines: result.linesCounted,
            adjusted: movements.map((m) => ({ movement: m.id, product_id: m.productId, quantity: m.quantity })),
          },
        });
        for (const hook of hooks) await hook(tx, result);
        return result;
      });
      if (committed.movements.length > 0) stockMovements.inc({ type: 'adjust' }, committed.movements.length);
      return committed;
    },

    /** Sales recorded to a customer, oldest first (data-subject export, fiscal retention). */
    salesOfCustomer(q: Queryable, customerId: string): Promise<MovementRow[]> {
      return createStockRepo(q).movementsOfCustomer(customerId);
    },

    async listMovements(query: MovementListQuery) {
      const cursor = decodeCursor(query.cursor, 2);
      const rows = await createStockRepo(database.db).listMovements({
        productId: query.product_id,
        locationId: query.location_id,
        type: query.type,
        // A bare date means that whole day in the store's time zone.
        from: query.from ? (query.from.length === 10 ? zonedDayBounds(query.from, timezone).start : new Date(query.from)) : undefined,
        to: query.to ? (query.to.length === 10 ? new Date(zonedDayBounds(query.to, timezone).end.getTime() - 1) : new Date(query.to)) : undefined,
        before: cursor ? { createdAt: new Date(cursor[0]!), id: cursor[1]! } : undefined,
        limit: query.limit,
      });
      return pageOf(rows, query.limit, (r) => [r.createdAt.toISOString(), r.id]);
    },

    async listLevels(query: { product_id?: string | undefined; location_id?: string | undefined; cursor?: string | undefined; limit: number }) {
      const cursor = decodeCursor(query.cursor, 2);
      const rows = await createStockRepo(database.db).listLevels({
        productId: query.product_id,
        locationId: query.location_id,
        after: cursor ? [cursor[0]!, cursor[1]!] : undefined,
        limit: query.limit,
      });
      return pageOf(rows, query.limit, (r) => [r.productId, r.locationId]);
    },

    /** How many ledger rows were written on a store-calendar day (a transfer counts its two legs). */
    movementsOn: (day: string) => createStockRepo(database.db).countMovementsOn(day, timezone),

    /** Sales and receipts per day for the `days` days ending on `lastDay` (store time zone), zero-filled. */
    async dailyFlows(lastDay: string, days: number): Promise<DailyFlowRow[]> {
      const costs = Object.fromEntries((await catalog.costPrices()).map((p) => [p.id, p.costPrice]));
      return createStockRepo(database.db).dailyFlows({ lastDay, days, timeZone: timezone, costs });
    },

    /**
     * When each product's cost was last confirmed by a receipt (its latest `in` with a unit cost),
     * for the pricing module; `db` may be the caller's transaction. Empty ids → empty map.
     */
    async lastCostedReceipts(db: Queryable, productIds?: string[]): Promise<Map<string, { at: Date; unitCost: string }>> {
      if (productIds && productIds.length === 0) return new Map();
      const rows = await createStockRepo(db).lastCostedReceipts(productIds);
      return new Map(rows.map((r) => [r.product_id, { at: r.at instanceof Date ? r.at : new Date(r.at), unitCost: r.unit_cost }]));
    },

    async integrity() {
      const repo = createStockRepo(database.db);
      const [mismatches, productsChecked] = [await repo.integrityMismatches(), await repo.countCheckedProducts()];
      return {
        ok: mismatches.length === 0,
        products_checked: productsChecked,
        mismatches: mismatches.map((m) => ({
          product_id: m.product_id,
          location_id: m.location_id,
          level: new Decimal(m.level ?? 0).toFixed(),
          ledger: new Decimal(m.ledger ?? 0).toFixed(),
        })),
      };
    },
  };
}

export type StockService = ReturnType<typeof createStockService>;
