import { z } from 'zod';
import { iso, isoTimestamp, paginationQuery } from '../../platform/http/schemas.ts';
import { parseDocument, type DocType } from './documents.ts';
import { docTypeField, emailField, phoneField } from './field-schemas.ts';
import { CONSENT_SOURCES } from './privacy-schemas.ts';

const docType = docTypeField;
const email = emailField;
const phone = phoneField;

export const customerCreateBody = z
  .strictObject({
    name: z.string().trim().min(1, 'el nombre es obligatorio').max(200),
    doc_type: docType,
    doc_number: z.string().max(40, 'el número de documento es demasiado largo'),
    email: email.nullish(),
    phone: phone.nullish(),
    address: z.string().trim().max(300).nullish(),
    marketing_consent: z.boolean().default(false),
    // Where the initial consent (or its absence) was recorded; the first entry of its history.
    consent_source: z.enum(CONSENT_SOURCES, { message: `el origen debe ser uno de: ${CONSENT_SOURCES.join(', ')}` }).default('mostrador'),
  })
  .transform((body, ctx) => {
    const doc = parseDocument(body.doc_type, body.doc_number);
    if (!doc.ok) {
      ctx.addIssue({ code: 'custom', path: ['doc_number'], message: doc.message });
      return z.NEVER;
    }
    return {
      ...body,
      doc_number: doc.value,
      email: body.email ?? null,
      phone: body.phone ?? null,
      address: body.address ? body.address : null,
    };
  });
export type CustomerCreate = z.infer<typeof customerCreateBody>;

export const customerListQuery = z
  .object({
    ...paginationQuery,
    doc_number: z.string().trim().min(1).max(40).optional(),
    doc_type: docType.optional(),
    email: email.optional(),
  })
  .superRefine((q, ctx) => {
    if (q.doc_type && !q.doc_number) ctx.addIssue({ code: 'custom', path: ['doc_type'], message: 'doc_type solo se usa junto con doc_number' });
    if (q.doc_number && q.email) ctx.addIssue({ code: 'custom', path: ['email'], message: 'busque por doc_number o por email, no por ambos' });
  });
export type CustomerListQuery = z.infer<typeof customerListQuery>;

export const customerDto = z.object({
  id: z.string(),
  name: z.string(),
  doc_type: docType,
  doc_number: z.string(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  address: z.string().nullable(),
  marketing_consent: z.boolean(),
  created_at: isoTimestamp,
});

export const maskedCustomerDto = z.object({
  id: z.string(),
  masked_name: z.string().meta({ description: 'Iniciales, por ejemplo "J*** P***"', examples: ['J*** P***'] }),
});

export const customerListItem = z.union([customerDto, maskedCustomerDto]);

export interface Customer {
  id: string;
  name: string;
  docType: DocType;
  docNumber: string;
  email: string | null;
  phone: string | null;
  address: string | null;
  marketingConsent: boolean;
  createdAt: Date;
}

export interface MaskedCustomer {
  id: string;
  maskedName: string;
}

export function toCustomerDto(c: Customer): z.infer<typeof customerDto> {
  return {
    id: c.id,
    name: c.name,
    doc_type: c.docType,
    doc_number: c.docNumber,
    email: c.email,
    phone: c.phone,
    address: c.address,
    marketing_consent: c.marketingConsent,
    created_at: iso(c.createdAt),
  };
}

export function toListItem(c: Customer | MaskedCustomer): z.infer<typeof customerListItem> {
  return 'maskedName' in c ? { id: c.id, masked_name: c.maskedName } : toCustomerDto(c);
}
