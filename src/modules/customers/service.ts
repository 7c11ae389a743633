// Customers: personal data sealed field by field under each customer's own data key, found
// through blind indexes, and every decryption for display audited in the same transaction as
// the read that needed it. A decryption failure is audited too (outside the failed transaction)
// and answered with a bare 500 crypto.decrypt_failed.
import { uuidv7 } from 'uuidv7';
import type { Database, Queryable } from '../../platform/db/types.ts';
import type { AuditContext, AuditWriter } from '../../platform/audit/writer.ts';
import { DecryptError } from '../../platform/crypto/errors.ts';
import { wipe, type CryptoService, type DataKey } from '../../platform/crypto/service.ts';
import { decodeCursor, pageOf } from '../../platform/http/pagination.ts';
import { validationError } from '../../platform/http/errors.ts';
import { DOC_TYPES, documentIndexInput, maskName, normalizeEmail, parseDocument, type DocType } from './documents.ts';
import { CustomerErrors } from './errors.ts';
import { createCustomerRepo, type CustomerRow } from './repo.ts';
import type { Customer, CustomerCreate, CustomerListQuery, MaskedCustomer } from './schemas.ts';

const TABLE = 'customers';
const DOC_INDEX = 'customer.doc_number';
const EMAIL_INDEX = 'customer.email';
const PERSONAL_FIELDS = ['name', 'doc_type', 'doc_number', 'email', 'phone', 'address'] as const;
type PersonalField = (typeof PERSONAL_FIELDS)[number];

/** A decryption that failed, with the record it belongs to (for the audit event). */
class CustomerDecryptFailure extends Error {
  constructor(
    readonly customerId: string,
    readonly reason: string,
  ) {
    super('customer data could not be decrypted');
  }
}

function presentFields(c: Customer): PersonalField[] {
  const values: Record<PersonalField, unknown> = {
    name: c.name,
    doc_type: c.docType,
    doc_number: c.docNumber,
    email: c.email,
    phone: c.phone,
    address: c.address,
  };
  return PERSONAL_FIELDS.filter((f) => values[f] !== null);
}

export interface CustomerDeps {
  crypto: CryptoService;
  audit: AuditWriter;
}

export function createCustomerService(database: Database, { crypto, audit }: CustomerDeps) {
  const subjectOf = (id: string) => `customer:${id}`;
  const ctxOf = (id: string, field: PersonalField) => ({ table: TABLE, recordId: id, field });

  async function withDataKey<T>(q: Queryable, row: Pick<CustomerRow, 'id' | 'dataKeyId'>, fn: (dek: DataKey) => T): Promise<T> {
    let dek: DataKey | undefined;
    try {
      dek = await crypto.openDataKey(q, row.dataKeyId);
      return fn(dek);
    } catch (err) {
      if (err instanceof DecryptError) throw new CustomerDecryptFailure(row.id, err.name);
      throw err;
    } finally {
      wipe(dek?.key);
    }
  }

  function decryptRow(q: Queryable, row: CustomerRow): Promise<Customer> {
    return withDataKey(q, row, (dek) => {
      const open = (field: PersonalField, value: unknown) => crypto.openField(dek, ctxOf(row.id, field), value);
      const optional = (field: PersonalField, value: unknown) => (value === null ? null : open(field, value));
      const docType = open('doc_type', row.docTypeSealed);
      if (!(DOC_TYPES as readonly string[]).includes(docType)) throw new DecryptError('unexpected document type');
      return {
        id: row.id,
        name: open('name', row.nameSealed),
        docType: docType as DocType,
        docNumber: open('doc_number', row.docNumberSealed),
        email: optional('email', row.emailSealed),
        phone: optional('phone', row.phoneSealed),
        address: optional('address', row.addressSealed),
        marketingConsent: row.marketingConsent,
        createdAt: row.createdAt,
      };
    });
  }

  /** Records a failed decryption on its own (the read's transaction rolled back) and hides it. */
  async function decryptFailure(err: unknown, ctx: AuditContext, action: string): Promise<unknown> {
    if (!(err instanceof CustomerDecryptFailure)) return err;
    await audit.record(database.db, ctx, {
      action,
      resource: subjectOf(err.customerId),
      outcome: 'error',
      details: { code: 'crypto.decrypt_failed', reason: err.reason },
    });
    return CustomerErrors.decryptFailed();
  }

  /** Reads rows and decrypts them in one transaction with one audit event per customer read. */
  async function readAudited(ctx: AuditContext, load: (q: Queryable) => Promise<CustomerRow[]>, lookup: string | null) {
    try {
      return await database.transaction(async (tx) => {
        const rows = await load(tx);
        const result: Customer[] = [];
        for (const row of rows) {
          if (row.erasedAt) throw CustomerErrors.erased();
          const customer = await decryptRow(tx, row);
          await audit.record(tx, ctx, {
            action: 'customers.customer.read',
            resource: subjectOf(row.id),
            outcome: 'success',
            details: { fields: presentFields(customer), ...(lookup ? { lookup } : {}) },
          });
          result.push(customer);
        }
        return result;
      });
    } catch (err) {
      throw await decryptFailure(err, ctx, 'customers.customer.read');
    }
  }

  function documentIndexes(docNumber: string, docType: DocType | undefined): string[] {
    const types = docType ? [docType] : DOC_TYPES;
    const indexes: string[] = [];
    for (const type of types) {
      const parsed = parseDocument(type, docNumber);
      if (parsed.ok) indexes.push(crypto.blindIndex(DOC_INDEX, documentIndexInput(type, parsed.value)));
    }
    if (indexes.length === 0) {
      throw validationError([{ path: 'doc_number', message: docType ? (parseDocument(docType, docNumber) as { message: string }).message : 'no es un número de documento válido' }]);
    }
    return indexes;
  }

  return {
    async create(input: CustomerCreate, ctx: AuditContext): Promise<Customer> {
      await crypto.ready();
      const id = uuidv7();
      const docIndex = crypto.blindIndex(DOC_INDEX, documentIndexInput(input.doc_type, input.doc_number));
      const emailIndex = input.email ? crypto.blindIndex(EMAIL_INDEX, normalizeEmail(input.email)) : null;
      return database.transaction(async (tx) => {
        const dek = await crypto.createDataKey(tx, subjectOf(id));
        try {
          const seal = (field: PersonalField, value: string) => crypto.sealField(dek, ctxOf(id, field), value);
          const row = await createCustomerRepo(tx).insert({
            id,
            dataKeyId: dek.id,
            nameSealed: seal('name', input.name),
            docTypeSealed: seal('doc_type', input.doc_type),
            docNumberSealed: seal('doc_number', input.doc_number),
            emailSealed: input.email ? seal('email', input.email) : null,
            phoneSealed: input.phone ? seal('phone', input.phone) : null,
            addressSealed: input.address ? seal('address', input.address) : null,
            docIndex,
            emailIndex,
            marketingConsent: input.marketing_consent,
          });
          const customer: Customer = {
            id,
            name: input.name,
            docType: input.doc_type,
            docNumber: input.doc_number,
            email: input.email,
            phone: input.phone,
            address: input.address,
            marketingConsent: row.marketingConsent,
            createdAt: row.createdAt,
          };
          await audit.record(tx, ctx, {
            action: 'customers.customer.create',
            resource: subjectOf(id),
            outcome: 'success',
            details: { fields: presentFields(customer), marketing_consent: customer.marketingConsent },
          });
          return customer;
        } finally {
          wipe(dek.key);
        }
      });
    },

    async get(id: string, ctx: AuditContext): Promise<Customer> {
      const [customer] = await readAudited(
        ctx,
        async (q) => {
          const row = await createCustomerRepo(q).find(id);
          if (!row) throw CustomerErrors.notFound();
          return [row];
        },
        null,
      );
      return customer!;
    },

    /** Exact lookups return whole (audited) records; without a filter, masked names only. */
    async list(query: CustomerListQuery, ctx: AuditContext): Promise<{ items: (Customer | MaskedCustomer)[]; next_cursor: string | null }> {
      await crypto.ready();
      const afterId = decodeCursor(query.cursor, 1)?.[0];
      if (query.doc_number || query.email) {
        const indexes = query.doc_number ? documentIndexes(query.doc_number, query.doc_type) : null;
        const emailIndex = query.email ? crypto.blindIndex(EMAIL_INDEX, normalizeEmail(query.email)) : null;
        let rows: CustomerRow[] = [];
        const items = await readAudited(
          ctx,
          async (q) => {
            const repo = createCustomerRepo(q);
            rows = indexes ? await repo.findByDocIndexes(indexes, afterId, query.limit) : await repo.findByEmailIndex(emailIndex!, afterId, query.limit);
            return rows.slice(0, query.limit);
          },
          indexes ? 'doc_number' : 'email',
        );
        const page = pageOf(rows, query.limit, (r) => [r.id]);
        return { items, next_cursor: page.next_cursor };
      }
      try {
        return await database.transaction(async (tx) => {
          const rows = await createCustomerRepo(tx).listNames(afterId, query.limit);
          const page = pageOf(rows, query.limit, (r) => [r.id]);
          const items: MaskedCustomer[] = [];
          for (const row of page.items) {
            const name = await withDataKey(tx, row, (dek) => crypto.openField(dek, ctxOf(row.id, 'name'), row.nameSealed));
            items.push({ id: row.id, maskedName: maskName(name) });
          }
          if (items.length > 0) {
            await audit.record(tx, ctx, {
              action: 'customers.customer.list',
              resource: null,
              outcome: 'success',
              details: { fields: ['name'], masked: true, count: items.length, customer_ids: items.map((i) => i.id) },
            });
          }
          return { items, next_cursor: page.next_cursor };
        });
      } catch (err) {
        throw await decryptFailure(err, ctx, 'customers.customer.list');
      }
    },
  };
}

export type CustomerService = ReturnType<typeof createCustomerService>;
