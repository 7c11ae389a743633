// Marketing consent (Ley 25.326 art. 5 and 27, GDPR art. 7): every change is a history row with
// when, what, the channel and who recorded it; withdrawing is the same call as giving. A
// restriction (objection, GDPR arts. 18 and 21) blocks marketing whatever the consent says, and
// the marketing audience — the one list meant to feed marketing — honours both.
import { sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { AuditContext } from '../../platform/audit/writer.ts';
import type { Queryable } from '../../platform/db/types.ts';
import { decodeCursor, pageOf } from '../../platform/http/pagination.ts';
import { iso } from '../../platform/http/schemas.ts';
import { CustomerErrors } from './errors.ts';
import { createCustomerRepo, type CustomerRow } from './repo.ts';
import { createPrivacyRepo, type ConsentEventRow, type RestrictionEventRow } from './privacy-repo.ts';
import type { ConsentInput, RestrictionInput } from './privacy-schemas.ts';
import { subjectOf } from './sealing.ts';
import type { CustomerCore } from './service.ts';

export const toConsentEvent = (e: ConsentEventRow) => ({ at: iso(e.at), marketing_consent: e.marketingConsent, source: e.source, actor: e.actor });
export const toRestrictionEvent = (e: RestrictionEventRow) => ({ at: iso(e.at), restricted: e.restricted, reason: e.reason, actor: e.actor });

async function stateOf(q: Queryable, row: CustomerRow) {
  const repo = createPrivacyRepo(q);
  return {
    customer_id: row.id,
    marketing_consent: row.marketingConsent,
    restricted: row.restrictedAt !== null,
    restriction_reason: row.restrictionReason,
    restricted_at: row.restrictedAt ? iso(row.restrictedAt) : null,
    consent_history: (await repo.listConsent(row.id)).map(toConsentEvent),
    restriction_history: (await repo.listRestriction(row.id)).map(toRestrictionEvent),
  };
}

export function createConsent({ database, crypto, audit, sealing, decryptFailure, lockLive }: CustomerCore) {
  return {
    /** Consent and restriction, current and history. No personal field is decrypted. */
    async consentState(id: string) {
      return database.transaction(async (tx) => {
        const row = await createCustomerRepo(tx).find(id);
        if (!row) throw CustomerErrors.notFound();
        if (row.erasedAt) throw CustomerErrors.erased();
        return stateOf(tx, row);
      });
    },

    async setConsent(id: string, input: ConsentInput, ctx: AuditContext) {
      return database.transaction(async (tx) => {
        await lockLive(tx, id);
        const row = await createCustomerRepo(tx).update(id, { marketingConsent: input.marketing_consent });
        await createPrivacyRepo(tx).insertConsent({ id: uuidv7(), customerId: id, marketingConsent: input.marketing_consent, source: input.source, actor: ctx.actor });
        await audit.record(tx, ctx, {
          action: 'customers.consent.update',
          resource: subjectOf(id),
          outcome: 'success',
          details: { marketing_consent: input.marketing_consent, source: input.source },
        });
        return stateOf(tx, row);
      });
    },

    async setRestriction(id: string, input: RestrictionInput, ctx: AuditContext) {
      return database.transaction(async (tx) => {
        const current = await lockLive(tx, id);
        // Restricting an already restricted record keeps the original date and updates the reason.
        const row = await createCustomerRepo(tx).update(
          id,
          input.restricted
            ? { restrictedAt: current.restrictedAt ?? sql`now()`, restrictionReason: input.reason }
            : { restrictedAt: null, restrictionReason: null },
        );
        await createPrivacyRepo(tx).insertRestriction({ id: uuidv7(), customerId: id, restricted: input.restricted, reason: input.reason, actor: ctx.actor });
        await audit.record(tx, ctx, {
          action: 'customers.restriction.update',
          resource: subjectOf(id),
          outcome: 'success',
          details: { restricted: input.restricted, reason: input.reason },
        });
        return stateOf(tx, row);
      });
    },

    /**
     * Who may be contacted for marketing: consent given, not restricted, not erased. Names and
     * contact fields are decrypted, so the page is one audit event listing the ids shown.
     */
    async marketingAudience(query: { cursor?: string | undefined; limit: number }, ctx: AuditContext) {
      await crypto.ready();
      const afterId = decodeCursor(query.cursor, 1)?.[0];
      try {
        return await database.transaction(async (tx) => {
          const rows = await createCustomerRepo(tx).marketingAudience(afterId, query.limit);
          const page = pageOf(rows, query.limit, (r) => [r.id]);
          const items = [];
          for (const row of page.items) {
            const v = await sealing.withDataKey(tx, row, (dek) => sealing.openFields(dek, row));
            items.push({ id: row.id, name: v.name ?? '', email: v.email, phone: v.phone });
          }
          if (items.length > 0) {
            await audit.record(tx, ctx, {
              action: 'customers.marketing_audience.list',
              resource: null,
              outcome: 'success',
              details: { fields: ['name', 'email', 'phone'], count: items.length, customer_ids: items.map((i) => i.id) },
            });
          }
          return { items, next_cursor: page.next_cursor };
        });
      } catch (err) {
        throw await decryptFailure(err, ctx, 'customers.marketing_audience.list');
      }
    },
  };
}
