// Erasure by crypto-shredding (Ley 25.326 art. 16, GDPR art. 17) and the legal holds that limit
// it. The customer's data key is destroyed, the sealed columns and blind indexes are cleared, and
// the row keeps only a random pseudonym so ledger rows that refer to it stay consistent. When the
// law requires keeping something (sales within the 10-year fiscal retention, an open debt,
// litigation), only those fields survive, re-sealed under a NEW data key: the old key — the one
// every earlier backup holds — is destroyed all the same, and the answer says what was erased,
// what was kept, why and until when. See docs/privacy/data-subject-rights.md.
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { AuditContext } from '../../platform/audit/writer.ts';
import type { Queryable } from '../../platform/db/types.ts';
import { wipe, type DataKey } from '../../platform/crypto/service.ts';
import { validationError } from '../../platform/http/errors.ts';
import { iso } from '../../platform/http/schemas.ts';
import { localDate } from '../../platform/time/zone.ts';
import { CustomerErrors } from './errors.ts';
import { createCustomerRepo, type CustomerRow } from './repo.ts';
import { createPrivacyRepo, type LegalHoldRow } from './privacy-repo.ts';
import { appendErasureJournal, readErasureJournal, readErasureJournalFile, type ErasureJournalEntry } from './erasure-journal.ts';
import type { HoldReason, LegalHoldInput } from './privacy-schemas.ts';
import { PERSONAL_FIELDS, SEALED_COLUMN, subjectOf, type PersonalField } from './sealing.ts';
import type { CustomerCore } from './service.ts';

/** Argentine record keeping: accounting books and their supporting documents, 10 years (Código Civil y Comercial art. 328). */
export const FISCAL_RETENTION_YEARS = 10;

/** What each legal reason needs to keep; everything else is erased. */
export const RETAINED_BY_REASON: Record<HoldReason, readonly PersonalField[]> = {
  fiscal: ['name', 'doc_type', 'doc_number'],
  open_debt: ['name', 'doc_type', 'doc_number', 'phone', 'address'],
  litigation: PERSONAL_FIELDS,
};

export interface Retained {
  field: PersonalField;
  reason: HoldReason;
  /** YYYY-MM-DD, or null: until the hold is released. */
  until: string | null;
}

export interface ErasurePlan {
  erased: PersonalField[];
  retained: Retained[];
  activeHolds: LegalHoldRow[];
  fiscalSales: number;
}

function addYears(date: Date, years: number): string {
  const d = new Date(date);
  d.setUTCFullYear(d.getUTCFullYear() + years);
  return d.toISOString().slice(0, 10);
}

export interface ErasureResult {
  customer_id: string;
  erased: PersonalField[];
  retained: Retained[];
  receipt_id: string;
  pseudonym: string;
  erased_at: string;
  destroyed_data_key_id: string;
}

export const toHoldDto = (h: LegalHoldRow) => ({
  id: h.id,
  reason: h.reason as HoldReason,
  note: h.note,
  until: h.until,
  created_at: iso(h.createdAt),
  created_by: h.createdBy,
  released_at: h.releasedAt ? iso(h.releasedAt) : null,
  released_by: h.releasedBy,
});

export function createErasure({ database, crypto, audit, sealing, deps, decryptFailure, lockLive }: CustomerCore) {
  // A hold "until" a day lasts through that day in the shop, as the dashboard shows it.
  const storeZone = deps.timezone ?? 'UTC';
  async function plan(tx: Queryable, row: CustomerRow): Promise<ErasurePlan> {
    const now = new Date();
    const present = PERSONAL_FIELDS.filter((f) => row[SEALED_COLUMN[f]] !== null);
    const activeHolds = (await createPrivacyRepo(tx).listHolds(row.id)).filter((h) => !h.releasedAt && (h.until === null || h.until >= localDate(now, storeZone)));
    const reasons: { reason: HoldReason; until: string | null }[] = activeHolds.map((h) => ({ reason: h.reason as HoldReason, until: h.until }));
    const sales = deps.sales ? await deps.sales().salesOfCustomer(tx, row.id) : [];
    const cutoff = new Date(now);
    cutoff.setUTCFullYear(cutoff.getUTCFullYear() - FISCAL_RETENTION_YEARS);
    const fiscal = sales.filter((s) => s.createdAt >= cutoff);
    if (fiscal.length > 0) reasons.push({ reason: 'fiscal', until: addYears(fiscal[fiscal.length - 1]!.createdAt, FISCAL_RETENTION_YEARS) });
    const retained: Retained[] = [];
    for (const field of present) {
      // The longest reason wins: "until released" (null) beats any date, a later date an earlier one.
      const best = reasons
        .filter((r) => RETAINED_BY_REASON[r.reason].includes(field))
        .sort((a, b) => (a.until === null ? -1 : b.until === null ? 1 : b.until.localeCompare(a.until)))[0];
      if (best) retained.push({ field, reason: best.reason, until: best.until });
    }
    const kept = new Set(retained.map((r) => r.field));
    return { erased: present.filter((f) => !kept.has(f)), retained, activeHolds, fiscalSales: fiscal.length };
  }

  /** Best effort, after commit: drop the dead row versions that still hold the wrapped key. */
  async function vacuumKeys(): Promise<void> {
    try {
      await database.db.execute(sql`vacuum data_keys`);
    } catch {
      // Not fatal: the key is gone from every live row; autovacuum gets to the rest.
    }
  }

  /** The erasure itself, inside the caller's transaction on a locked row. */
  async function apply(tx: Queryable, row: CustomerRow, p: ErasurePlan, ctx: AuditContext, receiptId: string, replay = false): Promise<ErasureResult> {
    const id = row.id;
    const repo = createCustomerRepo(tx);
    const privacy = createPrivacyRepo(tx);
    // Open what must be kept before the key that seals it is destroyed.
    const keep = p.retained.length > 0 ? await sealing.withDataKey(tx, row, (dek) => sealing.openFields(dek, row)) : null;
    await crypto.destroyDataKey(tx, row.dataKeyId);
    let newKey: DataKey | undefined;
    const cleared = Object.fromEntries(Object.values(SEALED_COLUMN).map((c) => [c, null]));
    let resealed = {};
    try {
      if (keep) {
        newKey = await crypto.createDataKey(tx, subjectOf(id));
        resealed = sealing.sealValues(newKey, id, Object.fromEntries(p.retained.map((r) => [r.field, keep[r.field]])));
      }
    } finally {
      wipe(newKey?.key);
    }
    const pseudonym = row.pseudonym ?? `cliente-borrado-${randomBytes(5).toString('hex')}`;
    const updated = await repo.update(id, {
      ...cleared,
      ...resealed,
      dataKeyId: newKey?.id ?? row.dataKeyId,
      docIndex: null,
      emailIndex: null,
      marketingConsent: false,
      erasedAt: row.erasedAt ?? sql`now()`,
      pseudonym,
      erasureRetained: p.retained,
    });
    if (row.marketingConsent) {
      await privacy.insertConsent({ id: uuidv7(), customerId: id, marketingConsent: false, source: 'borrado', actor: ctx.actor });
    }
    const rectifications = await privacy.deleteRectifications(id);
    await privacy.clearNotes(id, p.activeHolds.map((h) => h.id));
    await privacy.insertErasure({
      id: receiptId,
      customerId: id,
      actor: ctx.actor,
      destroyedDataKeyId: row.dataKeyId,
      retainedDataKeyId: newKey?.id ?? null,
      erasedFields: p.erased,
      retained: p.retained,
    });
    // The receipt: what was done, never a value.
    await audit.record(tx, ctx, {
      action: 'customers.customer.erase',
      resource: subjectOf(id),
      outcome: 'success',
      details: {
        receipt_id: receiptId,
        erased: p.erased,
        retained: p.retained,
        destroyed_data_key_id: row.dataKeyId,
        rectifications_deleted: rectifications,
        pseudonym,
        ...(replay ? { replayed: true } : {}),
      },
    });
    return {
      customer_id: id,
      erased: p.erased,
      retained: p.retained,
      receipt_id: receiptId,
      pseudonym,
      erased_at: iso(updated.erasedAt!),
      destroyed_data_key_id: row.dataKeyId,
    };
  }

  /**
   * After a restore: re-applies erasures recorded after the backup was taken (the journal
   * entries come from the erasure journal file or a newer database). An entry applies when the
   * customer still uses the data key the erasure destroyed; the same fields are kept, under a
   * new key, and the old key is destroyed — so an older backup reads like the live system.
   */
  async function replayErasures(entries: ErasureJournalEntry[], ctx: AuditContext): Promise<{ applied: string[]; skipped: number }> {
    await crypto.ready();
    // Every journalled key was destroyed by a committed erasure: refused from now on, whatever
    // the rows below say.
    crypto.recordShredded(entries.map((e) => e.destroyed_data_key_id));
    const applied: string[] = [];
    // One query finds the customers still on a destroyed key; usually none (a start-up check).
    const pending = new Set(await createCustomerRepo(database.db).usingDataKeys(entries.map((e) => e.destroyed_data_key_id)));
    for (const entry of entries.filter((e) => pending.has(e.customer_id))) {
      const done = await database.transaction(async (tx) => {
        const row = await createCustomerRepo(tx).lock(entry.customer_id, 'update');
        if (!row || row.dataKeyId !== entry.destroyed_data_key_id) return false;
        if (await createPrivacyRepo(tx).hasErasure(entry.receipt_id)) return false;
        const present = PERSONAL_FIELDS.filter((f) => row[SEALED_COLUMN[f]] !== null);
        const retained = entry.retained.filter((r) => present.includes(r.field));
        const kept = new Set(retained.map((r) => r.field));
        const p: ErasurePlan = { erased: present.filter((f) => !kept.has(f)), retained, activeHolds: [], fiscalSales: 0 };
        await apply(tx, row, p, ctx, entry.receipt_id, true);
        return true;
      });
      if (done) applied.push(entry.customer_id);
    }
    if (applied.length > 0) await vacuumKeys();
    return { applied, skipped: entries.length - applied.length };
  }

  /** After commit: the journal line outside the database, then the dead key versions. */
  async function afterErasure(result: ErasureResult): Promise<void> {
    crypto.recordShredded([result.destroyed_data_key_id]);
    if (deps.erasureJournalFile) {
      appendErasureJournal(deps.erasureJournalFile, {
        receipt_id: result.receipt_id,
        customer_id: result.customer_id,
        destroyed_data_key_id: result.destroyed_data_key_id,
        retained: result.retained,
        at: result.erased_at,
      });
    }
    await vacuumKeys();
  }

  return {
    async erasurePreview(id: string) {
      return database.transaction(async (tx) => {
        const row = await createCustomerRepo(tx).find(id);
        if (!row) throw CustomerErrors.notFound();
        if (row.erasedAt && !(Array.isArray(row.erasureRetained) && row.erasureRetained.length > 0)) throw CustomerErrors.erased();
        const p = await plan(tx, row);
        const holds = await createPrivacyRepo(tx).listHolds(id);
        return { customer_id: id, erased: p.erased, retained: p.retained, legal_holds: holds.map(toHoldDto), fiscal_sales: p.fiscalSales };
      });
    },

    /**
     * Erases a customer, or erases more of a partially erased one once its holds have ended.
     * 410 when there is nothing left to erase.
     */
    async erase(id: string, ctx: AuditContext) {
      await crypto.ready();
      let result: ErasureResult;
      try {
        result = await database.transaction(async (tx) => {
          const row = await lockLive(tx, id, true);
          return apply(tx, row, await plan(tx, row), ctx, uuidv7());
        });
      } catch (err) {
        throw await decryptFailure(err, ctx, 'customers.customer.erase');
      }
      await afterErasure(result);
      return result;
    },

    replayErasures,

    /** Replays the journal file this service writes (start-up: a restored database may predate it). */
    async replayJournalFile(ctx: AuditContext) {
      if (!deps.erasureJournalFile) return { applied: [], skipped: 0 };
      const entries = readErasureJournalFile(deps.erasureJournalFile);
      // A crash between an erasure's commit and its journal line: the database has the entry.
      const written = new Set(entries.map((e) => e.receipt_id));
      for (const missing of (await readErasureJournal(database.db)).filter((e) => !written.has(e.receipt_id))) {
        appendErasureJournal(deps.erasureJournalFile, missing);
      }
      return entries.length > 0 ? replayErasures(entries, ctx) : { applied: [], skipped: 0 };
    },

    async addLegalHold(id: string, input: LegalHoldInput, ctx: AuditContext) {
      if (input.until && input.until < localDate(new Date(), storeZone)) throw validationError([{ path: 'until', message: 'la fecha no puede ser pasada' }]);
      return database.transaction(async (tx) => {
        await lockLive(tx, id, true);
        const hold = await createPrivacyRepo(tx).insertHold({
          id: uuidv7(),
          customerId: id,
          reason: input.reason,
          note: input.note ?? null,
          until: input.until ?? null,
          createdBy: ctx.actor,
        });
        await audit.record(tx, ctx, {
          action: 'customers.legal_hold.create',
          resource: subjectOf(id),
          outcome: 'success',
          details: { hold_id: hold.id, reason: hold.reason, until: hold.until },
        });
        return toHoldDto(hold);
      });
    },

    async releaseLegalHold(id: string, holdId: string, ctx: AuditContext) {
      return database.transaction(async (tx) => {
        await lockLive(tx, id, true);
        const hold = await createPrivacyRepo(tx).releaseHold(id, holdId, ctx.actor);
        if (!hold) throw CustomerErrors.holdNotFound();
        await audit.record(tx, ctx, {
          action: 'customers.legal_hold.release',
          resource: subjectOf(id),
          outcome: 'success',
          details: { hold_id: hold.id, reason: hold.reason },
        });
        return toHoldDto(hold);
      });
    },
  };
}
