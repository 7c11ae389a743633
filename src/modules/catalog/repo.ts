import { and, asc, eq, gt, ilike, inArray, isNotNull, isNull, or, sql, type SQL } from 'drizzle-orm';
import type { Queryable } from '../../platform/db/types.ts';
import { prepareStatement, statementBuilder } from '../../platform/db/prepared.ts';
import { locations, products, suppliers } from './tables.ts';

export type ProductRow = typeof products.$inferSelect;
export type SupplierRow = typeof suppliers.$inferSelect;
export type LocationRow = typeof locations.$inferSelect;
export type ProductWithStock = ProductRow & { onHand: string };

// Every stock movement runs it: rendered once (src/platform/db/prepared.ts).
const movementFields = { id: products.id, unit: products.unit, archivedAt: products.archivedAt, costPrice: products.costPrice };
const lockForMovement = prepareStatement<{ id: string }, Pick<ProductRow, 'id' | 'unit' | 'archivedAt' | 'costPrice'>>(
  statementBuilder.select(movementFields).from(products).where(eq(products.id, sql.placeholder('id'))).for('key share'),
  movementFields,
);

// Totals come from the stock module's published view (see migrations/0000_init.sql).
// Qualified by hand: drizzle renders a bare "id" here, which would bind to the view's own column
// the day the view grows one.
const onHand = sql<string>`coalesce((select t.on_hand from product_stock_totals t where t.product_id = "products"."id"), 0)::text`;

function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export interface ProductFilter {
  q?: string | undefined;
  sku?: string | undefined;
  barcode?: string | undefined;
  category?: string | undefined;
  supplierId?: string | undefined;
  belowMin?: boolean | undefined;
  archived?: boolean | undefined;
  afterId?: string | undefined;
  limit: number;
}

export function createCatalogRepo(db: Queryable) {
  const productWithStock = { ...getProductColumns(), onHand };

  return {
    async insertProduct(row: typeof products.$inferInsert): Promise<ProductRow> {
      const [created] = await db.insert(products).values(row).returning();
      return created!;
    },

    async findProduct(id: string): Promise<ProductWithStock | undefined> {
      const [row] = await db.select(productWithStock).from(products).where(eq(products.id, id));
      return row;
    },

    listProducts(f: ProductFilter): Promise<ProductWithStock[]> {
      const conditions: (SQL | undefined)[] = [
        f.archived ? isNotNull(products.archivedAt) : isNull(products.archivedAt),
        f.afterId ? gt(products.id, f.afterId) : undefined,
        f.sku ? eq(products.sku, f.sku.toUpperCase()) : undefined,
        f.barcode ? eq(products.barcode, f.barcode) : undefined,
        f.category ? eq(products.category, f.category.toLowerCase()) : undefined,
        f.supplierId ? eq(products.supplierId, f.supplierId) : undefined,
        // A product without a minimum is never below it (same rule as the critical list).
        f.belowMin ? sql`${products.minStock} > 0 and ${onHand}::numeric <= ${products.minStock}` : undefined,
        f.q
          ? or(
              ilike(products.name, likePattern(f.q)),
              ilike(products.sku, likePattern(f.q)),
              ilike(products.barcode, likePattern(f.q)),
            )
          : undefined,
      ];
      return db
        .select(productWithStock)
        .from(products)
        .where(and(...conditions))
        .orderBy(asc(products.id))
        .limit(f.limit + 1);
    },

    async updateProduct(id: string, patch: Partial<typeof products.$inferInsert>): Promise<ProductRow | undefined> {
      const [row] = await db
        .update(products)
        .set({ ...patch, updatedAt: sql`now()` })
        .where(eq(products.id, id))
        .returning();
      return row;
    },

    /**
     * Locks the product row against concurrent movements, then reads it with its stock. Two
     * statements on purpose: a SELECT ... FOR UPDATE that waited for a movement to commit still
     * computes its stock subquery from the snapshot taken before the wait, and would miss that
     * movement; the second statement takes a fresh snapshot (READ COMMITTED) after the lock.
     */
    async lockProductForUpdate(id: string): Promise<ProductWithStock | undefined> {
      const [locked] = await db.select({ id: products.id }).from(products).where(eq(products.id, id)).for('update');
      if (!locked) return undefined;
      const [row] = await db.select(productWithStock).from(products).where(eq(products.id, id));
      return row;
    },

    /**
     * FOR KEY SHARE: many movements of one product proceed in parallel, but an archive (FOR
     * UPDATE) waits for them and they wait for it, so stock never lands on an archived product.
     */
    async lockProductForMovement(id: string): Promise<Pick<ProductRow, 'id' | 'unit' | 'archivedAt' | 'costPrice'> | undefined> {
      const [row] = await lockForMovement.run(db, { id });
      return row;
    },

    /** Active products that have a minimum, with their stock: the input of the critical list. */
    stockPolicyRows() {
      return db
        .select({ id: products.id, sku: products.sku, name: products.name, category: products.category, unit: products.unit, minStock: products.minStock, onHand })
        .from(products)
        .where(and(isNull(products.archivedAt), sql`${products.minStock} > 0`))
        .orderBy(asc(products.sku));
    },

    /**
     * What the active stock is worth at cost, per category: on_hand over all locations (the stock
     * module's published totals) × cost_price, summed exactly in numeric. Unrounded.
     */
    valuationByCategory() {
      return db
        .select({
          category: products.category,
          value: sql<string>`coalesce(sum(coalesce(t.on_hand, 0) * ${products.costPrice}), 0)::text`,
          products: sql<number>`count(*)::int`,
        })
        .from(products)
        .leftJoin(sql`product_stock_totals t`, sql`t.product_id = ${products.id}`)
        .where(isNull(products.archivedAt))
        .groupBy(products.category);
    },

    /**
     * Active products with what pricing needs, optionally one category or a set of ids, by id.
     * `lock` takes FOR NO KEY UPDATE: a reprice waits for (and blocks) other price and cost
     * writers of those rows, but not stock movements, which only take FOR KEY SHARE.
     */
    pricingRows(f: { category?: string | undefined; ids?: string[] | undefined; lock?: boolean }) {
      const query = db
        .select({
          id: products.id,
          sku: products.sku,
          name: products.name,
          category: products.category,
          unit: products.unit,
          barcode: products.barcode,
          costPrice: products.costPrice,
          salePrice: products.salePrice,
          vatRate: products.vatRate,
          costUpdatedAt: products.costUpdatedAt,
        })
        .from(products)
        .where(
          and(
            isNull(products.archivedAt),
            f.category ? eq(products.category, f.category.toLowerCase()) : undefined,
            f.ids ? inArray(products.id, f.ids) : undefined,
          ),
        )
        .orderBy(asc(products.id));
      return f.lock ? query.for('no key update') : query;
    },

    /** Sets many sale prices in one statement. */
    async setSalePrices(changes: { id: string; price: string }[]): Promise<void> {
      if (changes.length === 0) return;
      const values = sql.join(
        changes.map((c) => sql`(${c.id}::uuid, ${c.price}::numeric)`),
        sql`, `,
      );
      await db.execute(
        sql`update products set sale_price = v.price, updated_at = now()
            from (values ${values}) as v(id, price) where products.id = v.id`,
      );
    },

    /** Names and codes of some products (archived included), for price lists and labels. */
    productLabels(ids: string[]) {
      if (ids.length === 0) return Promise.resolve([]);
      return db
        .select({ id: products.id, sku: products.sku, name: products.name, category: products.category, unit: products.unit, barcode: products.barcode, vatRate: products.vatRate })
        .from(products)
        .where(inArray(products.id, ids));
    },

    /** Every product's current cost, archived ones included (their old movements still need a value). */
    costPrices() {
      return db.select({ id: products.id, costPrice: products.costPrice }).from(products);
    },

    async insertSupplier(row: typeof suppliers.$inferInsert): Promise<SupplierRow> {
      const [created] = await db.insert(suppliers).values(row).returning();
      return created!;
    },

    async findSupplier(id: string): Promise<SupplierRow | undefined> {
      const [row] = await db.select().from(suppliers).where(eq(suppliers.id, id));
      return row;
    },

    listSuppliers(f: { q?: string | undefined; cuit?: string | undefined; afterId?: string | undefined; limit: number }) {
      return db
        .select()
        .from(suppliers)
        .where(
          and(
            f.afterId ? gt(suppliers.id, f.afterId) : undefined,
            f.cuit ? eq(suppliers.cuit, f.cuit) : undefined,
            f.q ? ilike(suppliers.name, likePattern(f.q)) : undefined,
          ),
        )
        .orderBy(asc(suppliers.id))
        .limit(f.limit + 1);
    },

    async updateSupplier(id: string, patch: Partial<typeof suppliers.$inferInsert>): Promise<SupplierRow | undefined> {
      const [row] = await db
        .update(suppliers)
        .set({ ...patch, updatedAt: sql`now()` })
        .where(eq(suppliers.id, id))
        .returning();
      return row;
    },

    async insertLocation(row: typeof locations.$inferInsert): Promise<LocationRow> {
      const [created] = await db.insert(locations).values(row).returning();
      return created!;
    },

    async findLocation(id: string): Promise<LocationRow | undefined> {
      const [row] = await db.select().from(locations).where(eq(locations.id, id));
      return row;
    },

    async findLocationByCode(code: string): Promise<LocationRow | undefined> {
      const [row] = await db.select().from(locations).where(eq(locations.code, code));
      return row;
    },

    listLocations(f: { afterId?: string | undefined; limit: number }) {
      return db
        .select()
        .from(locations)
        .where(f.afterId ? gt(locations.id, f.afterId) : undefined)
        .orderBy(asc(locations.id))
        .limit(f.limit + 1);
    },
  };
}

function getProductColumns() {
  const { id, sku, name, category, unit, barcode, supplierId, costPrice, salePrice, vatRate, minStock, maxStock, costUpdatedAt, archivedAt, createdAt, updatedAt } = products;
  return { id, sku, name, category, unit, barcode, supplierId, costPrice, salePrice, vatRate, minStock, maxStock, costUpdatedAt, archivedAt, createdAt, updatedAt };
}

export type CatalogRepo = ReturnType<typeof createCatalogRepo>;
