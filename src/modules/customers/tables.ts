import { sql } from 'drizzle-orm';
import { boolean, check, date, index, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { dataKeys } from '../../platform/crypto/tables.ts';

// Personal-data declarations: every column marked `PERSONAL DATA` below holds data about a person
// (sealed under that customer's data key unless said otherwise). docs/api.md "Customers and
// privacy" lists them; the records of processing are generated from declarations in code.

/**
 * Customers. Every personal field is a sealed value (`src/platform/crypto/envelope.ts`) under the
 * customer's own data key, one column per field; nothing personal is stored in plaintext, not
 * even the document type. Exact lookups go through keyed blind indexes (HMAC), never by
 * decrypting rows. Erasure destroys the data key, clears the sealed columns and blind indexes and
 * sets erased_at and a pseudonym; the row stays so ledger references remain, and the document may
 * be registered again. A partial erasure (legal hold) keeps only the retained fields, re-sealed
 * under a new data key.
 */
export const customers = pgTable(
  'customers',
  {
    id: uuid('id').primaryKey(),
    dataKeyId: uuid('data_key_id')
      .notNull()
      .references(() => dataKeys.id),
    // PERSONAL DATA (sealed): name, document type and number, email, phone, postal address.
    nameSealed: jsonb('name_sealed'),
    docTypeSealed: jsonb('doc_type_sealed'),
    docNumberSealed: jsonb('doc_number_sealed'),
    emailSealed: jsonb('email_sealed'),
    phoneSealed: jsonb('phone_sealed'),
    addressSealed: jsonb('address_sealed'),
    // PERSONAL DATA (keyed hash): blind index of "<doc_type>:<normalized number>"; null once erased.
    docIndex: text('doc_index'),
    // PERSONAL DATA (keyed hash): blind index of the trimmed, lower-cased email.
    emailIndex: text('email_index'),
    // PERSONAL DATA (preference): current marketing consent; its history is customer_consent_events.
    marketingConsent: boolean('marketing_consent').notNull().default(false),
    // Restriction of processing / objection to marketing (Ley 25.326 art. 27, GDPR arts. 18, 21).
    restrictedAt: timestamp('restricted_at', { withTimezone: true, mode: 'date' }),
    restrictionReason: text('restriction_reason'),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    erasedAt: timestamp('erased_at', { withTimezone: true, mode: 'date' }),
    // Random "cliente-borrado-<hex>" given at erasure: what ledger rows refer to from then on.
    pseudonym: text('pseudonym'),
    // What a partial erasure kept: [{ field, reason, until }] (field names only, no values).
    erasureRetained: jsonb('erasure_retained'),
  },
  (t) => [
    uniqueIndex('customers_doc_index_live_key').on(t.docIndex).where(sql`${t.erasedAt} is null`),
    index('customers_email_index_idx').on(t.emailIndex),
    uniqueIndex('customers_pseudonym_key').on(t.pseudonym),
    check('customers_erased_pseudonym_check', sql`(${t.erasedAt} is null) = (${t.pseudonym} is null)`),
    check(
      'customers_live_fields_check',
      sql`${t.erasedAt} is not null or (${t.nameSealed} is not null and ${t.docTypeSealed} is not null and ${t.docNumberSealed} is not null and ${t.docIndex} is not null)`,
    ),
    check('customers_erased_index_check', sql`${t.erasedAt} is null or (${t.docIndex} is null and ${t.emailIndex} is null)`),
    check('customers_restriction_check', sql`(${t.restrictedAt} is null) = (${t.restrictionReason} is null)`),
  ],
);

/** Every change of marketing consent, the initial one included: when, what, through which channel, who recorded it. */
export const customerConsentEvents = pgTable(
  'customer_consent_events',
  {
    id: uuid('id').primaryKey(),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    at: timestamp('at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    // PERSONAL DATA (preference, plaintext): the consent given or withdrawn and its channel.
    marketingConsent: boolean('marketing_consent').notNull(),
    source: text('source').notNull(),
    // Staff identifier (`user:<id>` / `api_key:<id>`), never a name.
    actor: text('actor').notNull(),
  },
  (t) => [index('customer_consent_events_customer_idx').on(t.customerId, t.at)],
);

/** Every restriction or lifting of it, with the reason code. */
export const customerRestrictionEvents = pgTable(
  'customer_restriction_events',
  {
    id: uuid('id').primaryKey(),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    at: timestamp('at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    // PERSONAL DATA (preference, plaintext): the person restricted or objected to processing.
    restricted: boolean('restricted').notNull(),
    reason: text('reason').notNull(),
    actor: text('actor').notNull(),
  },
  (t) => [index('customer_restriction_events_customer_idx').on(t.customerId, t.at)],
);

/**
 * Rectifications: which fields changed and their previous values, sealed under the customer's own
 * data key (so erasure shreds the history too). Only the admin export opens old values.
 */
export const customerRectifications = pgTable(
  'customer_rectifications',
  {
    id: uuid('id').primaryKey(),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    dataKeyId: uuid('data_key_id')
      .notNull()
      .references(() => dataKeys.id),
    at: timestamp('at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    actor: text('actor').notNull(),
    // Field names only.
    fields: jsonb('fields').notNull(),
    // PERSONAL DATA (sealed): JSON object { field: previous value } of the changed fields.
    oldValuesSealed: jsonb('old_values_sealed').notNull(),
  },
  (t) => [index('customer_rectifications_customer_idx').on(t.customerId, t.at)],
);

/**
 * Legal holds an admin sets (open debt, litigation, fiscal): erasure keeps the fields the reason
 * needs, until the hold is released or expires.
 */
export const customerLegalHolds = pgTable(
  'customer_legal_holds',
  {
    id: uuid('id').primaryKey(),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    reason: text('reason').notNull(),
    // PERSONAL DATA (plaintext, free text, ≤ 300 chars): why the hold exists (e.g. a debt reference).
    note: text('note'),
    until: date('until', { mode: 'string' }),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    createdBy: text('created_by').notNull(),
    releasedAt: timestamp('released_at', { withTimezone: true, mode: 'date' }),
    releasedBy: text('released_by'),
  },
  (t) => [
    index('customer_legal_holds_customer_idx').on(t.customerId),
    check('customer_legal_holds_reason_check', sql`${t.reason} in ('open_debt', 'fiscal', 'litigation')`),
  ],
);

/**
 * Erasure receipts: no personal data, only what was done. Also the erasure journal a restore
 * replays (see src/modules/customers/erasure-journal.ts): the destroyed data key ids.
 */
export const customerErasures = pgTable(
  'customer_erasures',
  {
    id: uuid('id').primaryKey(),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    at: timestamp('at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    actor: text('actor').notNull(),
    destroyedDataKeyId: uuid('destroyed_data_key_id').notNull(),
    // The new key the retained fields were re-sealed under (partial erasure), else null.
    retainedDataKeyId: uuid('retained_data_key_id'),
    erasedFields: jsonb('erased_fields').notNull(),
    retained: jsonb('retained').notNull(),
  },
  (t) => [index('customer_erasures_customer_idx').on(t.customerId)],
);
