import { sql } from 'drizzle-orm';
import { boolean, index, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { dataKeys } from '../../platform/crypto/tables.ts';

/**
 * Customers. Every personal field is a sealed value (`src/platform/crypto/envelope.ts`) under the
 * customer's own data key, one column per field; nothing personal is stored in plaintext, not
 * even the document type. Exact lookups go through keyed blind indexes (HMAC), never by
 * decrypting rows. Erasure destroys the data key and sets erased_at; the row stays so ledger
 * references remain, and the document may be registered again.
 */
export const customers = pgTable(
  'customers',
  {
    id: uuid('id').primaryKey(),
    dataKeyId: uuid('data_key_id')
      .notNull()
      .references(() => dataKeys.id),
    nameSealed: jsonb('name_sealed').notNull(),
    docTypeSealed: jsonb('doc_type_sealed').notNull(),
    docNumberSealed: jsonb('doc_number_sealed').notNull(),
    emailSealed: jsonb('email_sealed'),
    phoneSealed: jsonb('phone_sealed'),
    addressSealed: jsonb('address_sealed'),
    // Blind index of "<doc_type>:<normalized number>".
    docIndex: text('doc_index').notNull(),
    // Blind index of the trimmed, lower-cased email.
    emailIndex: text('email_index'),
    marketingConsent: boolean('marketing_consent').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    erasedAt: timestamp('erased_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [
    uniqueIndex('customers_doc_index_live_key').on(t.docIndex).where(sql`${t.erasedAt} is null`),
    index('customers_email_index_idx').on(t.emailIndex),
  ],
);
