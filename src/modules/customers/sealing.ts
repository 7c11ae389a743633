// Sealing and opening a customer's personal fields under their own data key: shared by the
// customer service and its privacy parts (rectification, erasure, export). A decryption failure
// becomes a CustomerDecryptFailure so the caller can audit it and answer a bare 500.
import type { Queryable } from '../../platform/db/types.ts';
import { DecryptError } from '../../platform/crypto/errors.ts';
import { wipe, type CryptoService, type DataKey } from '../../platform/crypto/service.ts';
import { DOC_TYPES, type DocType } from './documents.ts';
import type { CustomerRow } from './repo.ts';
import type { Customer } from './schemas.ts';

export const TABLE = 'customers';
export const DOC_INDEX = 'customer.doc_number';
export const EMAIL_INDEX = 'customer.email';
export const PERSONAL_FIELDS = ['name', 'doc_type', 'doc_number', 'email', 'phone', 'address'] as const;
export type PersonalField = (typeof PERSONAL_FIELDS)[number];

/** Where each personal field lives on the row. */
export const SEALED_COLUMN = {
  name: 'nameSealed',
  doc_type: 'docTypeSealed',
  doc_number: 'docNumberSealed',
  email: 'emailSealed',
  phone: 'phoneSealed',
  address: 'addressSealed',
} as const satisfies Record<PersonalField, keyof CustomerRow>;

/** A decryption that failed, with the record it belongs to (for the audit event). */
export class CustomerDecryptFailure extends Error {
  constructor(
    readonly customerId: string,
    readonly reason: string,
  ) {
    super('customer data could not be decrypted');
  }
}

export const subjectOf = (id: string) => `customer:${id}`;
export const ctxOf = (id: string, field: string) => ({ table: TABLE, recordId: id, field });

/** The personal values of a customer as field → value (null when absent). */
export function valuesOf(c: Customer): Record<PersonalField, string | null> {
  return { name: c.name, doc_type: c.docType, doc_number: c.docNumber, email: c.email, phone: c.phone, address: c.address };
}

export function presentFields(c: Customer): PersonalField[] {
  const values = valuesOf(c);
  return PERSONAL_FIELDS.filter((f) => values[f] !== null);
}

export function createSealing(crypto: CryptoService) {
  async function withDataKey<T>(q: Queryable, row: Pick<CustomerRow, 'id' | 'dataKeyId'>, fn: (dek: DataKey) => T | Promise<T>): Promise<T> {
    let dek: DataKey | undefined;
    try {
      dek = await crypto.openDataKey(q, row.dataKeyId);
      return await fn(dek);
    } catch (err) {
      if (err instanceof DecryptError) throw new CustomerDecryptFailure(row.id, err.name);
      throw err;
    } finally {
      wipe(dek?.key);
    }
  }

  /** Opens whichever sealed fields the row has (a partially erased row has only some). */
  function openFields(dek: DataKey, row: CustomerRow): Record<PersonalField, string | null> {
    const out = {} as Record<PersonalField, string | null>;
    for (const field of Object.keys(SEALED_COLUMN) as PersonalField[]) {
      const value = row[SEALED_COLUMN[field]];
      out[field] = value === null ? null : crypto.openField(dek, ctxOf(row.id, field), value);
    }
    return out;
  }

  function decryptRow(q: Queryable, row: CustomerRow): Promise<Customer> {
    return withDataKey(q, row, (dek) => {
      const v = openFields(dek, row);
      if (!(DOC_TYPES as readonly string[]).includes(v.doc_type ?? '')) throw new DecryptError('unexpected document type');
      return {
        id: row.id,
        name: v.name!,
        docType: v.doc_type as DocType,
        docNumber: v.doc_number!,
        email: v.email,
        phone: v.phone,
        address: v.address,
        marketingConsent: row.marketingConsent,
        createdAt: row.createdAt,
      };
    });
  }

  /** Seals each given value under `dek`; null stays null. */
  function sealValues(dek: DataKey, id: string, values: Partial<Record<PersonalField, string | null>>) {
    const out: Partial<Record<(typeof SEALED_COLUMN)[PersonalField], unknown>> = {};
    for (const [field, value] of Object.entries(values) as [PersonalField, string | null | undefined][]) {
      if (value === undefined) continue;
      out[SEALED_COLUMN[field]] = value === null ? null : crypto.sealField(dek, ctxOf(id, field), value);
    }
    return out;
  }

  return { withDataKey, openFields, decryptRow, sealValues };
}

export type Sealing = ReturnType<typeof createSealing>;
