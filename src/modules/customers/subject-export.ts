// Access and portability (Ley 25.326 art. 14, GDPR arts. 15 and 20): everything the system holds
// about one person as one JSON document — the record, consent and restriction histories, the
// rectification history with its old values, legal holds, erasure receipts, the sales that name
// them, and the audit events about their data. Other people appear only as staff identifiers
// (`user:<id>`, `api_key:<id>`), never by name; audit details are reduced to the field names.
// The export is itself an audit event. A fully erased person answers 410; a partially erased one
// exports the fields kept for a legal reason.
import type { AuditContext } from '../../platform/audit/writer.ts';
import { iso, quantity } from '../../platform/http/schemas.ts';
import type { StockService } from '../stock/service.ts';
import { toConsentEvent, toRestrictionEvent } from './consent.ts';
import { toHoldDto } from './erasure.ts';
import { createPrivacyRepo } from './privacy-repo.ts';
import { RECTIFICATION_TABLE } from './rectification.ts';
import { PERSONAL_FIELDS, SEALED_COLUMN, subjectOf } from './sealing.ts';
import type { CustomerCore } from './service.ts';

export const EXPORT_FORMAT_VERSION = 1 as const;

function fieldsOf(details: Record<string, unknown>): string[] | null {
  const fields = details.fields;
  return Array.isArray(fields) && fields.every((f) => typeof f === 'string') ? (fields as string[]) : null;
}

export function createSubjectExport({ database, crypto, audit, sealing, deps, decryptFailure, lockLive }: CustomerCore) {
  return {
    async exportSubject(id: string, ctx: AuditContext) {
      await crypto.ready();
      let doc;
      let sales: Awaited<ReturnType<StockService['salesOfCustomer']>> = [];
      try {
        doc = await database.transaction(async (tx) => {
          const row = await lockLive(tx, id, true);
          const privacy = createPrivacyRepo(tx);
          const rectifications = await privacy.listRectifications(id);
          const { values, history } = await sealing.withDataKey(tx, row, (dek) => ({
            values: sealing.openFields(dek, row),
            // Rows sealed under the current key; erasure deletes the others.
            history: rectifications
              .filter((r) => r.dataKeyId === dek.id)
              .map((r) => ({
                at: iso(r.at),
                actor: r.actor,
                fields: r.fields as string[],
                old_values: JSON.parse(crypto.openField(dek, { table: RECTIFICATION_TABLE, recordId: r.id, field: 'old_values' }, r.oldValuesSealed)) as Record<string, string | null>,
              })),
          }));
          sales = deps.sales ? await deps.sales().salesOfCustomer(tx, id) : [];
          const events = await privacy.auditEventsAbout(id);
          const exported = {
            format_version: EXPORT_FORMAT_VERSION,
            generated_at: new Date().toISOString(),
            customer: {
              id: row.id,
              ...values,
              marketing_consent: row.marketingConsent,
              restricted: row.restrictedAt !== null,
              restriction_reason: row.restrictionReason,
              created_at: iso(row.createdAt),
              erased_at: row.erasedAt ? iso(row.erasedAt) : null,
              pseudonym: row.pseudonym,
            },
            consent_history: (await privacy.listConsent(id)).map(toConsentEvent),
            restriction_history: (await privacy.listRestriction(id)).map(toRestrictionEvent),
            rectification_history: history,
            legal_holds: (await privacy.listHolds(id)).map(toHoldDto),
            erasures: (await privacy.listErasures(id)).map((e) => ({
              receipt_id: e.id,
              at: iso(e.at),
              erased: e.erasedFields as string[],
              retained: e.retained as { field: (typeof PERSONAL_FIELDS)[number]; reason: 'fiscal' | 'open_debt' | 'litigation'; until: string | null }[],
            })),
            audit_events: events.map((e) => ({
              seq: String(e.seq),
              at: iso(e.at),
              action: e.action,
              outcome: e.outcome,
              actor: e.actor,
              fields: fieldsOf(e.details),
            })),
          };
          await audit.record(tx, ctx, {
            action: 'customers.customer.export',
            resource: subjectOf(id),
            outcome: 'success',
            details: {
              fields: PERSONAL_FIELDS.filter((f) => row[SEALED_COLUMN[f]] !== null),
              format_version: EXPORT_FORMAT_VERSION,
              purchases: sales.length,
              audit_events: events.length,
            },
          });
          return exported;
        });
      } catch (err) {
        throw await decryptFailure(err, ctx, 'customers.customer.export');
      }
      // Product names are read after commit: the embedded engine has one connection.
      const products = new Map<string, { sku: string; name: string } | null>();
      for (const productId of new Set(sales.map((s) => s.productId))) {
        try {
          const p = await deps.catalog?.getProduct(productId);
          products.set(productId, p ? { sku: p.sku, name: p.name } : null);
        } catch {
          products.set(productId, null);
        }
      }
      return {
        ...doc,
        purchases: sales.map((s) => ({
          movement_id: s.id,
          at: iso(s.createdAt),
          product_id: s.productId,
          product_sku: products.get(s.productId)?.sku ?? null,
          product_name: products.get(s.productId)?.name ?? null,
          quantity: quantity(s.quantity).replace(/^-/, ''),
          location_id: s.locationId,
          reference: s.reference,
        })),
      };
    },
  };
}
