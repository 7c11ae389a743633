// Rectification (Ley 25.326 art. 16, GDPR art. 16): a partial edit of the personal fields. The
// previous values of the changed fields are kept, sealed under the customer's own data key (so
// an erasure shreds them with everything else) and only the admin export opens them. The audit
// event names the changed fields, never their values.
import { uuidv7 } from 'uuidv7';
import type { AuditContext } from '../../platform/audit/writer.ts';
import { validationError } from '../../platform/http/errors.ts';
import { documentIndexInput, normalizeEmail, parseDocument } from './documents.ts';
import { createCustomerRepo } from './repo.ts';
import { createPrivacyRepo } from './privacy-repo.ts';
import type { CustomerPatch } from './privacy-schemas.ts';
import type { Customer } from './schemas.ts';
import { DOC_INDEX, EMAIL_INDEX, PERSONAL_FIELDS, presentFields, subjectOf, valuesOf, type PersonalField } from './sealing.ts';
import type { CustomerCore } from './service.ts';

export const RECTIFICATION_TABLE = 'customer_rectifications';

export function createRectification({ database, crypto, audit, sealing, decryptFailure, lockLive }: CustomerCore) {
  return {
    async rectify(id: string, patch: CustomerPatch, ctx: AuditContext): Promise<Customer> {
      await crypto.ready();
      try {
        return await database.transaction(async (tx) => {
          const row = await lockLive(tx, id);
          const current = await sealing.decryptRow(tx, row);
          const before = valuesOf(current);
          const after = { ...before };
          if (patch.name !== undefined) after.name = patch.name;
          if (patch.email !== undefined) after.email = patch.email;
          if (patch.phone !== undefined) after.phone = patch.phone;
          if (patch.address !== undefined) after.address = patch.address === '' ? null : patch.address;
          if (patch.doc_type !== undefined || patch.doc_number !== undefined) {
            const type = patch.doc_type ?? current.docType;
            const doc = parseDocument(type, patch.doc_number ?? current.docNumber);
            if (!doc.ok) throw validationError([{ path: patch.doc_number !== undefined ? 'doc_number' : 'doc_type', message: doc.message }]);
            after.doc_type = type;
            after.doc_number = doc.value;
          }
          const changed = PERSONAL_FIELDS.filter((f) => after[f] !== before[f]);
          const updated: Customer = {
            ...current,
            name: after.name!,
            docType: after.doc_type as Customer['docType'],
            docNumber: after.doc_number!,
            email: after.email,
            phone: after.phone,
            address: after.address,
          };
          if (changed.length > 0) {
            const rectificationId = uuidv7();
            await sealing.withDataKey(tx, row, async (dek) => {
              const newValues = Object.fromEntries(changed.map((f) => [f, after[f]])) as Partial<Record<PersonalField, string | null>>;
              const oldValues = Object.fromEntries(changed.map((f) => [f, before[f]]));
              await createCustomerRepo(tx).update(id, {
                ...sealing.sealValues(dek, id, newValues),
                ...(changed.includes('doc_type') || changed.includes('doc_number')
                  ? { docIndex: crypto.blindIndex(DOC_INDEX, documentIndexInput(updated.docType, updated.docNumber)) }
                  : {}),
                ...(changed.includes('email') ? { emailIndex: updated.email ? crypto.blindIndex(EMAIL_INDEX, normalizeEmail(updated.email)) : null } : {}),
              });
              await createPrivacyRepo(tx).insertRectification({
                id: rectificationId,
                customerId: id,
                dataKeyId: dek.id,
                actor: ctx.actor,
                fields: changed,
                oldValuesSealed: crypto.sealField(dek, { table: RECTIFICATION_TABLE, recordId: rectificationId, field: 'old_values' }, JSON.stringify(oldValues)),
              });
            });
          }
          // The answer shows the whole record: a decryption for display, audited like a read.
          await audit.record(tx, ctx, {
            action: 'customers.customer.update',
            resource: subjectOf(id),
            outcome: 'success',
            details: { changed, fields: presentFields(updated) },
          });
          return updated;
        });
      } catch (err) {
        throw await decryptFailure(err, ctx, 'customers.customer.update');
      }
    },
  };
}
