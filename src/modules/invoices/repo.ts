import { and, desc, eq, lt, ne, or, sql, type SQL } from 'drizzle-orm';
import { queryRows, type Queryable } from '../../platform/db/types.ts';
import { invoiceSupplierCodes, invoices } from './tables.ts';

export type InvoiceRow = typeof invoices.$inferSelect;
export type InvoiceInsert = typeof invoices.$inferInsert;

export function createInvoicesRepo(db: Queryable) {
  return {
    async insert(row: InvoiceInsert): Promise<InvoiceRow> {
      const [created] = await db.insert(invoices).values(row).returning();
      return created!;
    },

    async find(id: string): Promise<InvoiceRow | undefined> {
      const [row] = await db.select().from(invoices).where(eq(invoices.id, id));
      return row;
    },

    /** Locks the invoice for an edit or a confirmation (two confirmations serialize here). */
    async lock(id: string): Promise<InvoiceRow | undefined> {
      const [row] = await db.select().from(invoices).where(eq(invoices.id, id)).for('update');
      return row;
    },

    async update(id: string, patch: Partial<InvoiceInsert>): Promise<InvoiceRow> {
      const [row] = await db
        .update(invoices)
        .set({ ...patch, updatedAt: new Date() })
        .where(eq(invoices.id, id))
        .returning();
      return row!;
    },

    async confirmedWithIdentity(
      identity: { issuerCuit: string; letter: string; pointOfSale: number; number: number },
      exceptId: string | null,
    ): Promise<string | null> {
      const [row] = await db
        .select({ id: invoices.id })
        .from(invoices)
        .where(
          and(
            eq(invoices.status, 'confirmed'),
            eq(invoices.issuerCuit, identity.issuerCuit),
            eq(invoices.letter, identity.letter),
            eq(invoices.pointOfSale, identity.pointOfSale),
            eq(invoices.number, identity.number),
            exceptId ? ne(invoices.id, exceptId) : undefined,
          ),
        )
        .limit(1);
      return row?.id ?? null;
    },

    /** Other drafts of one identity (told about a confirmation that makes them duplicates). */
    draftsWithIdentity(identity: { issuerCuit: string; letter: string; pointOfSale: number; number: number }, exceptId: string) {
      return db
        .select({ id: invoices.id, warnings: invoices.warnings })
        .from(invoices)
        .where(
          and(
            eq(invoices.status, 'draft'),
            eq(invoices.issuerCuit, identity.issuerCuit),
            eq(invoices.letter, identity.letter),
            eq(invoices.pointOfSale, identity.pointOfSale),
            eq(invoices.number, identity.number),
            ne(invoices.id, exceptId),
          ),
        );
    },

    async firstWithFile(sha256: string, exceptId: string | null): Promise<string | null> {
      const [row] = await db
        .select({ id: invoices.id })
        .from(invoices)
        .where(and(eq(invoices.fileSha256, sha256), exceptId ? ne(invoices.id, exceptId) : undefined))
        .orderBy(invoices.createdAt)
        .limit(1);
      return row?.id ?? null;
    },

    list(f: { status?: string | undefined; before?: { createdAt: Date; id: string } | undefined; limit: number }) {
      const conditions: (SQL | undefined)[] = [
        f.status ? eq(invoices.status, f.status) : undefined,
        f.before
          ? or(lt(invoices.createdAt, f.before.createdAt), and(eq(invoices.createdAt, f.before.createdAt), lt(invoices.id, f.before.id)))
          : undefined,
      ];
      return db
        .select()
        .from(invoices)
        .where(and(...conditions))
        .orderBy(desc(invoices.createdAt), desc(invoices.id))
        .limit(f.limit + 1);
    },

    async countByStatus(status: string): Promise<number> {
      const [row] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from invoices where status = ${status}`);
      return row?.n ?? 0;
    },

    async learnedCodes(issuerCuit: string): Promise<Map<string, string>> {
      const rows = await db
        .select({ code: invoiceSupplierCodes.code, productId: invoiceSupplierCodes.productId })
        .from(invoiceSupplierCodes)
        .where(eq(invoiceSupplierCodes.issuerCuit, issuerCuit));
      return new Map(rows.map((r) => [r.code, r.productId]));
    },

    async learnCode(issuerCuit: string, code: string, productId: string): Promise<void> {
      await db
        .insert(invoiceSupplierCodes)
        .values({ issuerCuit, code, productId })
        .onConflictDoUpdate({
          target: [invoiceSupplierCodes.issuerCuit, invoiceSupplierCodes.code],
          set: { productId, updatedAt: new Date() },
        });
    },
  };
}
