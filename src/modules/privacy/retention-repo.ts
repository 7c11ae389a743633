// The queries of the retention sweep. Retention crosses every module by nature, so this file reads
// other modules' tables by name (read-only, counts and ids); everything that removes data outside
// this module goes through the owning service (sessions, idempotency, customer erasure). The
// only deletions done here are invoice files, which no service manages the lifetime of.
import { desc, sql } from 'drizzle-orm';
import { queryRows, type Queryable } from '../../platform/db/types.ts';
import { retentionRuns } from './tables.ts';

export type RetentionRunRow = typeof retentionRuns.$inferSelect;

// Reading a customer is not activity of the customer: only changes (create, rectify, consent,
// restriction, sales) keep a record alive.
const PASSIVE_ACTIONS = String.raw`\.(read|list|export)$`;

export function createRetentionRepo(db: Queryable) {
  const count = async (query: ReturnType<typeof sql>) => Number((await queryRows<{ n: string | number }>(db, query))[0]?.n ?? 0);
  return {
    /**
     * Live customers created before the cutoff with no sale to them and no change recorded since.
     * The planner makes both NOT EXISTS hash anti-joins: one pass over the recent audit events
     * (about 3 s for 300,000 events on PGlite on a busy two-core machine), not one per customer.
     */
    async inactiveCustomers(cutoff: Date, limit: number): Promise<string[]> {
      const rows = await queryRows<{ id: string }>(
        db,
        sql`select c.id from customers c
            where c.erased_at is null and c.created_at < ${cutoff}
              and not exists (select 1 from stock_movements m where m.customer_id = c.id and m.created_at >= ${cutoff})
              and not exists (
                select 1 from audit_events e
                where e.resource = 'customer:' || c.id::text and e.resource like 'customer:%' and e.at >= ${cutoff} and e.action !~ ${PASSIVE_ACTIONS})
            order by c.created_at, c.id
            limit ${limit}`,
      );
      return rows.map((r) => r.id);
    },

    /**
     * Customers erased in part (a legal hold or fiscal retention kept some fields) whose every
     * retention date has passed: the rest can now go. Holds "until released" (no date) stay.
     */
    async expiredRetentions(today: string, limit: number): Promise<string[]> {
      const rows = await queryRows<{ id: string }>(
        db,
        sql`select c.id from customers c
            where c.erased_at is not null and jsonb_typeof(c.erasure_retained) = 'array' and jsonb_array_length(c.erasure_retained) > 0
              and not exists (
                select 1 from jsonb_array_elements(c.erasure_retained) r
                where r->>'until' is null or r->>'until' >= ${today})
            order by c.erased_at, c.id
            limit ${limit}`,
      );
      return rows.map((r) => r.id);
    },

    expiredSessions: (idleSeconds: number) =>
      count(sql`select count(*) as n from user_sessions where expires_at < now() or last_seen_at < now() - make_interval(secs => ${idleSeconds})`),

    expiredIdempotencyRecords: () => count(sql`select count(*) as n from idempotency_keys where expires_at < now()`),

    auditEventsBefore: (cutoff: Date) => count(sql`select count(*) as n from audit_events where at < ${cutoff}`),

    /**
     * Stored invoice files every referring invoice of which was issued (or, without an issue
     * date, uploaded) before the cutoff. A file shared by a newer invoice stays.
     */
    async invoiceFilesBefore(cutoff: Date): Promise<string[]> {
      const day = cutoff.toISOString().slice(0, 10);
      const rows = await queryRows<{ sha: string }>(
        db,
        sql`select file_sha256 as sha from invoices where file_sha256 is not null
            group by file_sha256 having max(coalesce(issue_date, created_at::date)) < ${day}::date`,
      );
      return rows.map((r) => r.sha);
    },

    async insertRun(row: typeof retentionRuns.$inferInsert): Promise<RetentionRunRow> {
      const [created] = await db.insert(retentionRuns).values(row).returning();
      return created!;
    },

    async lastRun(appliedOnly: boolean): Promise<RetentionRunRow | undefined> {
      const [row] = await db
        .select()
        .from(retentionRuns)
        .where(appliedOnly ? sql`${retentionRuns.dryRun} = false` : undefined)
        .orderBy(desc(retentionRuns.startedAt), desc(retentionRuns.id))
        .limit(1);
      return row;
    },
  };
}
