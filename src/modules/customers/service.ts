// Customers: personal data sealed field by field under each customer's own data key, found
// through blind indexes, and every decryption for display audited in the same transaction as
// the read that needed it. A decryption failure is audited too (outside the failed transaction)
// and answered with a bare 500 crypto.decrypt_failed. The data-subject rights (rectification,
// consent, restriction, erasure, export) live beside this file and share its internals.
import { uuidv7 } from 'uuidv7';
import type { Database, Queryable } from '../../platform/db/types.ts';
import type { AuditContext, AuditWriter } from '../../platform/audit/writer.ts';
import { wipe, type CryptoService } from '../../platform/crypto/service.ts';
import { decodeCursor, pageOf } from '../../platform/http/pagination.ts';
import { validationError } from '../../platform/http/errors.ts';
import type { CatalogService } from '../catalog/service.ts';
import type { StockService } from '../stock/service.ts';
import { DOC_TYPES, documentIndexInput, maskName, normalizeEmail, parseDocument, type DocType } from './documents.ts';
import { CustomerErrors } from './errors.ts';
import { createCustomerRepo, type CustomerRow } from './repo.ts';
import { createPrivacyRepo } from './privacy-repo.ts';
import type { Customer, CustomerCreate, CustomerListQuery, MaskedCustomer } from './schemas.ts';
import { createSealing, ctxOf, CustomerDecryptFailure, DOC_INDEX, EMAIL_INDEX, presentFields, subjectOf, type Sealing } from './sealing.ts';
import { createRectification } from './rectification.ts';
import { createConsent } from './consent.ts';
import { createErasure } from './erasure.ts';
import { createSubjectExport } from './subject-export.ts';

export interface CustomerDeps {
  crypto: CryptoService;
  audit: AuditWriter;
  /** Product names for the export (optional: CLI tools that never export do without). */
  catalog?: Pick<CatalogService, 'getProduct'>;
  /** Late-bound (the stock service depends on this one): sales that refer to a customer. */
  sales?: () => Pick<StockService, 'salesOfCustomer'>;
  /** Where each erasure is also journalled outside the database, for restores (erasure-journal.ts). */
  erasureJournalFile?: string;
  /** The store's time zone (IANA): a legal hold's `until` day is a day in the shop. Default UTC. */
  timezone?: string;
}

/** What the privacy parts share with the core service. */
export interface CustomerCore {
  database: Database;
  crypto: CryptoService;
  audit: AuditWriter;
  sealing: Sealing;
  deps: CustomerDeps;
  /** Records a failed decryption on its own (the transaction rolled back) and hides it. */
  decryptFailure(err: unknown, ctx: AuditContext, action: string): Promise<unknown>;
  /** Locks the row FOR UPDATE: 404 when unknown, 410 when erased (unless `allowRetained` and something is retained). */
  lockLive(tx: Queryable, id: string, allowRetained?: boolean): Promise<CustomerRow>;
}

export function createCustomerService(database: Database, deps: CustomerDeps) {
  const { crypto, audit } = deps;
  const sealing = createSealing(crypto);
  const { withDataKey, decryptRow } = sealing;

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

  async function lockLive(tx: Queryable, id: string, allowRetained = false): Promise<CustomerRow> {
    const row = await createCustomerRepo(tx).lock(id, 'update');
    if (!row) throw CustomerErrors.notFound();
    const retained = Array.isArray(row.erasureRetained) && row.erasureRetained.length > 0;
    if (row.erasedAt && !(allowRetained && retained)) throw CustomerErrors.erased();
    return row;
  }

  const core: CustomerCore = { database, crypto, audit, sealing, deps, decryptFailure, lockLive };

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
          const seal = (field: string, value: string) => crypto.sealField(dek, ctxOf(id, field), value);
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
          // The initial consent (given or not) is the first entry of the history, with its channel.
          await createPrivacyRepo(tx).insertConsent({
            id: uuidv7(),
            customerId: id,
            marketingConsent: row.marketingConsent,
            source: input.consent_source,
            actor: ctx.actor,
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
            details: { fields: presentFields(customer), marketing_consent: customer.marketingConsent, consent_source: input.consent_source },
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

    /** For the stock ledger: a sale may name a live customer; the row stays locked until commit. */
    async lockForSale(tx: Queryable, customerId: string): Promise<void> {
      const row = await createCustomerRepo(tx).lock(customerId, 'share');
      if (!row) throw CustomerErrors.notFound();
      if (row.erasedAt) throw CustomerErrors.erased();
    },

    ...createRectification(core),
    ...createConsent(core),
    ...createErasure(core),
    ...createSubjectExport(core),
  };
}

export type CustomerService = ReturnType<typeof createCustomerService>;
