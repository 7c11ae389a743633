// Products, suppliers and locations. Stock totals are read from the stock module's view; the
// stock module in turn calls lockProductForMovement/resolveLocation inside its transactions.
import { Decimal } from 'decimal.js';
import { uuidv7 } from 'uuidv7';
import type { Database, Queryable } from '../../platform/db/types.ts';
import { SYSTEM_CONTEXT, type AuditContext, type AuditWriter } from '../../platform/audit/writer.ts';
import { decodeCursor, pageOf } from '../../platform/http/pagination.ts';
import { validationError } from '../../platform/http/errors.ts';
import { createCatalogRepo, type LocationRow, type ProductWithStock } from './repo.ts';
import { CatalogErrors } from './errors.ts';
import type { ProductCreate, ProductListQuery, ProductUpdate, SupplierCreate, SupplierUpdate } from './schemas.ts';

export const MAIN_LOCATION_CODE = 'MAIN';

export interface ProductForMovement {
  id: string;
  unit: 'unit' | 'kg' | 'l';
  costPrice: string;
}

function assertStockBounds(min: string | undefined, max: string | null | undefined): void {
  if (min !== undefined && max !== undefined && max !== null && new Decimal(max).lt(min)) {
    throw validationError([{ path: 'max_stock', message: 'el stock máximo no puede ser menor que el mínimo' }]);
  }
}

/** A product's sale price changed by a catalog write: the pricing module keeps the history. */
export interface SalePriceChange {
  productId: string;
  oldPrice: string | null;
  newPrice: string | null;
  reason: 'product_create' | 'product_edit';
  actor: string;
}

export interface CatalogDeps {
  audit: AuditWriter;
  /** Called inside the write's transaction whenever a create or edit sets or changes sale_price. */
  onSalePriceChange?: (tx: Queryable, change: SalePriceChange) => Promise<void>;
}

function samePrice(a: string | null, b: string | null): boolean {
  return a === null || b === null ? a === b : new Decimal(a).eq(b);
}

export function createCatalogService(database: Database, deps: CatalogDeps) {
  const { audit } = deps;
  let mainLocation: LocationRow | undefined;

  async function ensureSupplier(db: Queryable, supplierId: string | null | undefined): Promise<void> {
    if (supplierId && !(await createCatalogRepo(db).findSupplier(supplierId))) throw CatalogErrors.unknownSupplier();
  }

  async function mainLocationRow(db: Queryable): Promise<LocationRow> {
    if (mainLocation) return mainLocation;
    const row = await createCatalogRepo(db).findLocationByCode(MAIN_LOCATION_CODE);
    if (!row) throw new Error('the MAIN location is missing; run the migrations');
    mainLocation = row;
    return row;
  }

  return {
    async createProduct(input: ProductCreate, ctx: AuditContext = SYSTEM_CONTEXT): Promise<ProductWithStock> {
      assertStockBounds(input.min_stock, input.max_stock);
      return database.transaction(async (tx) => {
        await ensureSupplier(tx, input.supplier_id);
        const row = await createCatalogRepo(tx).insertProduct({
          id: uuidv7(),
          sku: input.sku,
          name: input.name,
          category: input.category,
          unit: input.unit,
          barcode: input.barcode ?? null,
          supplierId: input.supplier_id ?? null,
          costPrice: input.cost_price,
          salePrice: input.sale_price ?? null,
          vatRate: input.vat_rate,
          minStock: input.min_stock,
          maxStock: input.max_stock ?? null,
        });
        await audit.record(tx, ctx, {
          action: 'catalog.product.create',
          resource: `product:${row.id}`,
          outcome: 'success',
          details: { sku: row.sku },
        });
        if (row.salePrice !== null) {
          await deps.onSalePriceChange?.(tx, { productId: row.id, oldPrice: null, newPrice: row.salePrice, reason: 'product_create', actor: ctx.actor });
        }
        return { ...row, onHand: '0' };
      });
    },

    async getProduct(id: string): Promise<ProductWithStock> {
      const row = await createCatalogRepo(database.db).findProduct(id);
      if (!row) throw CatalogErrors.productNotFound();
      return row;
    },

    async listProducts(query: ProductListQuery) {
      const afterId = decodeCursor(query.cursor, 1)?.[0];
      const rows = await createCatalogRepo(database.db).listProducts({
        q: query.q,
        sku: query.sku,
        barcode: query.barcode,
        category: query.category,
        supplierId: query.supplier_id,
        belowMin: query.below_min,
        archived: query.archived,
        afterId,
        limit: query.limit,
      });
      return pageOf(rows, query.limit, (r) => [r.id]);
    },

    async updateProduct(id: string, patch: ProductUpdate, ctx: AuditContext = SYSTEM_CONTEXT): Promise<ProductWithStock> {
      return database.transaction(async (tx) => {
        const repo = createCatalogRepo(tx);
        const current = await repo.lockProductForUpdate(id);
        if (!current) throw CatalogErrors.productNotFound();
        if (current.archivedAt) throw CatalogErrors.archived();
        assertStockBounds(patch.min_stock ?? current.minStock, patch.max_stock === undefined ? current.maxStock : patch.max_stock);
        if (patch.unit && patch.unit !== current.unit && !new Decimal(current.onHand).isZero()) {
          throw validationError([{ path: 'unit', message: 'no se puede cambiar la unidad de un producto con stock' }]);
        }
        await ensureSupplier(tx, patch.supplier_id);
        const costChanged = patch.cost_price !== undefined && !new Decimal(patch.cost_price).eq(current.costPrice);
        const updated = await repo.updateProduct(id, {
          ...(patch.name !== undefined ? { name: patch.name } : {}),
          ...(patch.category !== undefined ? { category: patch.category } : {}),
          ...(patch.unit !== undefined ? { unit: patch.unit } : {}),
          ...(patch.barcode !== undefined ? { barcode: patch.barcode } : {}),
          ...(patch.supplier_id !== undefined ? { supplierId: patch.supplier_id } : {}),
          ...(patch.cost_price !== undefined ? { costPrice: patch.cost_price } : {}),
          ...(costChanged ? { costUpdatedAt: new Date() } : {}),
          ...(patch.sale_price !== undefined ? { salePrice: patch.sale_price } : {}),
          ...(patch.vat_rate !== undefined ? { vatRate: patch.vat_rate } : {}),
          ...(patch.min_stock !== undefined ? { minStock: patch.min_stock } : {}),
          ...(patch.max_stock !== undefined ? { maxStock: patch.max_stock } : {}),
        });
        await audit.record(tx, ctx, {
          action: 'catalog.product.update',
          resource: `product:${id}`,
          outcome: 'success',
          details: { sku: current.sku, fields: Object.keys(patch).sort() },
        });
        if (patch.sale_price !== undefined && !samePrice(current.salePrice, updated!.salePrice)) {
          await deps.onSalePriceChange?.(tx, {
            productId: id,
            oldPrice: current.salePrice,
            newPrice: updated!.salePrice,
            reason: 'product_edit',
            actor: ctx.actor,
          });
        }
        return { ...updated!, onHand: current.onHand };
      });
    },

    /** Archives a product; refused while any location holds stock of it. */
    async archiveProduct(id: string, ctx: AuditContext = SYSTEM_CONTEXT): Promise<ProductWithStock> {
      return database.transaction(async (tx) => {
        const repo = createCatalogRepo(tx);
        // FOR UPDATE waits for in-flight movements (they hold FOR KEY SHARE) before reading stock.
        const current = await repo.lockProductForUpdate(id);
        if (!current) throw CatalogErrors.productNotFound();
        if (current.archivedAt) return current;
        if (!new Decimal(current.onHand).isZero()) throw CatalogErrors.hasStock(new Decimal(current.onHand).toFixed());
        const updated = await repo.updateProduct(id, { archivedAt: new Date() });
        await audit.record(tx, ctx, {
          action: 'catalog.product.archive',
          resource: `product:${id}`,
          outcome: 'success',
          details: { sku: current.sku },
        });
        return { ...updated!, onHand: current.onHand };
      });
    },

    /** Called by the stock module inside its transaction; see the lock comment in the repo. */
    async lockProductForMovement(tx: Queryable, id: string): Promise<ProductForMovement> {
      const row = await createCatalogRepo(tx).lockProductForMovement(id);
      if (!row) throw CatalogErrors.productNotFound();
      if (row.archivedAt) throw CatalogErrors.archived();
      return { id: row.id, unit: row.unit as ProductForMovement['unit'], costPrice: row.costPrice };
    },

    /** Records a new cost from a receipt (used by stock `in` with a unit cost). */
    async recordCost(tx: Queryable, id: string, unitCost: string, at: Date = new Date()): Promise<void> {
      await createCatalogRepo(tx).updateProduct(id, { costPrice: unitCost, costUpdatedAt: at });
    },

    async resolveLocation(db: Queryable, id: string | undefined): Promise<LocationRow> {
      if (!id) return mainLocationRow(db);
      const row = await createCatalogRepo(db).findLocation(id);
      if (!row) throw CatalogErrors.locationNotFound();
      return row;
    },

    async createSupplier(input: SupplierCreate, ctx: AuditContext = SYSTEM_CONTEXT) {
      return database.transaction(async (tx) => {
        const row = await createCatalogRepo(tx).insertSupplier({
          id: uuidv7(),
          name: input.name,
          cuit: input.cuit,
          email: input.email ?? null,
          phone: input.phone ?? null,
          address: input.address ?? null,
          vatCondition: input.vat_condition ?? null,
          leadTimeDays: input.lead_time_days,
        });
        await audit.record(tx, ctx, {
          action: 'catalog.supplier.create',
          resource: `supplier:${row.id}`,
          outcome: 'success',
          details: { cuit: row.cuit },
        });
        return row;
      });
    },

    async getSupplier(id: string) {
      const row = await createCatalogRepo(database.db).findSupplier(id);
      if (!row) throw CatalogErrors.supplierNotFound();
      return row;
    },

    async listSuppliers(query: { q?: string | undefined; cuit?: string | undefined; cursor?: string | undefined; limit: number }) {
      const afterId = decodeCursor(query.cursor, 1)?.[0];
      const rows = await createCatalogRepo(database.db).listSuppliers({ q: query.q, cuit: query.cuit, afterId, limit: query.limit });
      return pageOf(rows, query.limit, (r) => [r.id]);
    },

    async updateSupplier(id: string, patch: SupplierUpdate, ctx: AuditContext = SYSTEM_CONTEXT) {
      return database.transaction(async (tx) => {
        const row = await createCatalogRepo(tx).updateSupplier(id, {
          ...(patch.name !== undefined ? { name: patch.name } : {}),
          ...(patch.cuit !== undefined ? { cuit: patch.cuit } : {}),
          ...(patch.email !== undefined ? { email: patch.email } : {}),
          ...(patch.phone !== undefined ? { phone: patch.phone } : {}),
          ...(patch.address !== undefined ? { address: patch.address } : {}),
          ...(patch.vat_condition !== undefined ? { vatCondition: patch.vat_condition } : {}),
          ...(patch.lead_time_days !== undefined ? { leadTimeDays: patch.lead_time_days } : {}),
        });
        if (!row) throw CatalogErrors.supplierNotFound();
        await audit.record(tx, ctx, {
          action: 'catalog.supplier.update',
          resource: `supplier:${id}`,
          outcome: 'success',
          details: { fields: Object.keys(patch).sort() },
        });
        return row;
      });
    },

    async createLocation(input: { code: string; name: string }, ctx: AuditContext = SYSTEM_CONTEXT) {
      return database.transaction(async (tx) => {
        const row = await createCatalogRepo(tx).insertLocation({ id: uuidv7(), code: input.code, name: input.name });
        await audit.record(tx, ctx, {
          action: 'catalog.location.create',
          resource: `location:${row.id}`,
          outcome: 'success',
          details: { code: row.code },
        });
        return row;
      });
    },

    async listLocations(query: { cursor?: string | undefined; limit: number }) {
      const afterId = decodeCursor(query.cursor, 1)?.[0];
      const rows = await createCatalogRepo(database.db).listLocations({ afterId, limit: query.limit });
      return pageOf(rows, query.limit, (r) => [r.id]);
    },

    mainLocation: () => mainLocationRow(database.db),

    stockPolicyRows: () => createCatalogRepo(database.db).stockPolicyRows(),

    /** Active products' stock at cost, per category (unrounded numeric strings). */
    valuationByCategory: () => createCatalogRepo(database.db).valuationByCategory(),

    costPrices: () => createCatalogRepo(database.db).costPrices(),

    /** Active products with their cost, price and IVA rate, for pricing; `lock` inside a reprice. */
    pricingRows: (db: Queryable, f: { category?: string | undefined; ids?: string[] | undefined; lock?: boolean }) =>
      createCatalogRepo(db).pricingRows(f),

    /** Sets sale prices inside the caller's transaction (the pricing module's reprice). */
    setSalePrices: (tx: Queryable, changes: { id: string; price: string }[]) => createCatalogRepo(tx).setSalePrices(changes),

    productLabels: (ids: string[]) => createCatalogRepo(database.db).productLabels(ids),
  };
}

export type CatalogService = ReturnType<typeof createCatalogService>;
