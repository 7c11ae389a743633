// The customer shapes of API.md "Customers and privacy", and the helpers the page needs to keep
// personal data out of sight until someone asks for it.
import { ApiError } from '../../api/client.ts';
import { errorMessage } from '../../components/states.tsx';
import { t } from '../../i18n/index.ts';

/** The page's notice that reads are audited; every "Ver datos" button is described by it. */
export const AUDIT_NOTICE_ID = 'customers-audit-notice';

export const DOC_TYPES = ['DNI', 'CUIT', 'CUIL', 'PASSPORT'] as const;
export type DocType = (typeof DOC_TYPES)[number];

export interface Customer {
  id: string;
  name: string;
  doc_type: DocType;
  doc_number: string;
  email: string | null;
  phone: string | null;
  address: string | null;
  marketing_consent: boolean;
  created_at: string;
}

export interface MaskedCustomer {
  id: string;
  masked_name: string;
}

/** What the page keeps of a search hit: the same masking as the list, nothing else personal. */
export interface CustomerHit extends MaskedCustomer {
  doc_type: DocType;
}

/** "Juan Pérez" → "J*** P***", as the server masks its list. */
export function maskName(name: string): string {
  return name
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .map((word) => `${Array.from(word)[0]!.toLocaleUpperCase('es-AR')}***`)
    .join(' ');
}

/** A short handle to tell apart two people with the same initials (the random end of the id). */
export function shortRef(id: string): string {
  return id.replace(/-/g, '').slice(-6).toUpperCase();
}

export function customerErrorMessage(error: unknown): string {
  if (error instanceof ApiError && t.customers.errors[error.code]) return t.customers.errors[error.code]!;
  return errorMessage(error);
}
