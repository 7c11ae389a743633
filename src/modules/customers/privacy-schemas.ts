// Schemas of the data-subject rights routes: rectification, consent, restriction, legal holds,
// erasure (and its preview), the export, and the marketing audience.
import { z } from 'zod';
import { isoTimestamp, paginationQuery } from '../../platform/http/schemas.ts';
import { docTypeField, emailField, phoneField } from './field-schemas.ts';
import { PERSONAL_FIELDS } from './sealing.ts';

export const CONSENT_SOURCES = ['mostrador', 'web', 'telefono', 'email', 'whatsapp', 'papel'] as const;
export type ConsentSource = (typeof CONSENT_SOURCES)[number];
export const RESTRICTION_REASONS = ['objection', 'accuracy_contested', 'unlawful_processing', 'legal_claims', 'other'] as const;
export const HOLD_REASONS = ['open_debt', 'fiscal', 'litigation'] as const;
export type HoldReason = (typeof HOLD_REASONS)[number];

const source = z.enum(CONSENT_SOURCES, { message: `el origen debe ser uno de: ${CONSENT_SOURCES.join(', ')}` });
const personalField = z.enum(PERSONAL_FIELDS);

/** Rectification: any subset of the personal fields; optional ones may be cleared with null. */
export const customerPatchBody = z
  .strictObject({
    name: z.string().trim().min(1, 'el nombre no puede quedar vacío').max(200).optional(),
    doc_type: docTypeField.optional(),
    doc_number: z.string().max(40, 'el número de documento es demasiado largo').optional(),
    email: emailField.nullable().optional(),
    phone: phoneField.nullable().optional(),
    address: z.string().trim().max(300).nullable().optional(),
  })
  // Only when the fields themselves are valid: an unknown field is not also "nothing to correct".
  .refine((b) => Object.keys(b).length > 0, { message: 'indique al menos un dato a corregir', when: (payload) => payload.issues.length === 0 });
export type CustomerPatch = z.infer<typeof customerPatchBody>;

export const consentBody = z.strictObject({
  marketing_consent: z.boolean({ message: 'marketing_consent debe ser true o false' }),
  source,
});
export type ConsentInput = z.infer<typeof consentBody>;

export const restrictionBody = z.strictObject({
  restricted: z.boolean({ message: 'restricted debe ser true o false' }),
  reason: z.enum(RESTRICTION_REASONS, { message: `el motivo debe ser uno de: ${RESTRICTION_REASONS.join(', ')}` }),
});
export type RestrictionInput = z.infer<typeof restrictionBody>;

export const legalHoldBody = z.strictObject({
  reason: z.enum(HOLD_REASONS, { message: `el motivo debe ser uno de: ${HOLD_REASONS.join(', ')}` }),
  note: z.string().trim().min(1).max(300, 'la nota admite hasta 300 caracteres').optional(),
  until: z.iso.date({ message: 'la fecha debe tener el formato AAAA-MM-DD' }).optional(),
});
export type LegalHoldInput = z.infer<typeof legalHoldBody>;

export const holdParams = z.object({ id: z.uuid({ message: 'id inválido' }), hold_id: z.uuid({ message: 'id inválido' }) });

export const consentEventDto = z.object({ at: isoTimestamp, marketing_consent: z.boolean(), source: z.string(), actor: z.string() });
export const restrictionEventDto = z.object({ at: isoTimestamp, restricted: z.boolean(), reason: z.string(), actor: z.string() });

export const consentStateDto = z.object({
  customer_id: z.string(),
  marketing_consent: z.boolean(),
  restricted: z.boolean(),
  restriction_reason: z.string().nullable(),
  restricted_at: isoTimestamp.nullable(),
  consent_history: z.array(consentEventDto),
  restriction_history: z.array(restrictionEventDto),
});

export const legalHoldDto = z.object({
  id: z.string(),
  reason: z.enum(HOLD_REASONS),
  note: z.string().nullable(),
  until: z.string().nullable(),
  created_at: isoTimestamp,
  created_by: z.string(),
  released_at: isoTimestamp.nullable(),
  released_by: z.string().nullable(),
});

export const retainedDto = z.object({
  field: personalField,
  reason: z.enum(HOLD_REASONS),
  until: z.string().nullable().meta({ description: 'Fecha AAAA-MM-DD; null: hasta que se libere la retención' }),
});

export const erasurePreviewDto = z.object({
  customer_id: z.string(),
  erased: z.array(personalField),
  retained: z.array(retainedDto),
  legal_holds: z.array(legalHoldDto),
  fiscal_sales: z.number().int().meta({ description: 'Ventas a este cliente dentro de la retención fiscal (10 años)' }),
});

export const erasureDto = z.object({
  customer_id: z.string(),
  erased: z.array(personalField),
  retained: z.array(retainedDto),
  receipt_id: z.string(),
  pseudonym: z.string(),
  erased_at: isoTimestamp,
});

export const audienceQuery = z.object({ ...paginationQuery });
export const audienceItem = z.object({ id: z.string(), name: z.string(), email: z.string().nullable(), phone: z.string().nullable() });

const exportPurchase = z.object({
  movement_id: z.string(),
  at: isoTimestamp,
  product_id: z.string(),
  product_sku: z.string().nullable(),
  product_name: z.string().nullable(),
  quantity: z.string(),
  location_id: z.string(),
  reference: z.string().nullable(),
});

export const customerExportDto = z.object({
  format_version: z.literal(1),
  generated_at: isoTimestamp,
  customer: z.object({
    id: z.string(),
    name: z.string().nullable(),
    doc_type: z.string().nullable(),
    doc_number: z.string().nullable(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
    address: z.string().nullable(),
    marketing_consent: z.boolean(),
    restricted: z.boolean(),
    restriction_reason: z.string().nullable(),
    created_at: isoTimestamp,
    erased_at: isoTimestamp.nullable(),
    pseudonym: z.string().nullable(),
  }),
  consent_history: z.array(consentEventDto),
  restriction_history: z.array(restrictionEventDto),
  rectification_history: z.array(z.object({ at: isoTimestamp, actor: z.string(), fields: z.array(z.string()), old_values: z.record(z.string(), z.string().nullable()) })),
  legal_holds: z.array(legalHoldDto),
  erasures: z.array(z.object({ receipt_id: z.string(), at: isoTimestamp, erased: z.array(z.string()), retained: z.array(retainedDto) })),
  purchases: z.array(exportPurchase),
  audit_events: z.array(
    z.object({
      seq: z.string(),
      at: isoTimestamp,
      action: z.string(),
      outcome: z.string(),
      actor: z.string().meta({ description: 'Identificador del usuario o clave (user:<id>, api_key:<id>, system); nunca un nombre' }),
      fields: z.array(z.string()).nullable(),
    }),
  ),
});
