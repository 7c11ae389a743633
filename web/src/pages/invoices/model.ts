// Facturas: the API's invoice shapes (docs/api.md "Supplier invoices"), the multipart upload
// (the shared client sends JSON only) and small helpers shared by the page's parts.
import { useQuery } from '@tanstack/react-query';
import { ApiError, NetworkError, api, fetchAll } from '../../api/client.ts';
import type { Location } from '../../api/types.ts';
import { errorMessage } from '../../components/states.tsx';
import { t } from '../../i18n/index.ts';

export type InvoiceStatus = 'draft' | 'confirmed';
export type Letter = 'A' | 'B' | 'C';
export type FieldSource = 'qr' | 'text' | 'ocr' | 'manual';

export interface InvoiceHeader {
  invoice_type: number | null;
  kind: 'factura' | 'nota_debito' | 'nota_credito' | null;
  letter: Letter | null;
  point_of_sale: number | null;
  number: number | null;
  issue_date: string | null;
  issuer_cuit: string | null;
  issuer_name: string | null;
  cae: string | null;
  net: string | null;
  vat: string | null;
  other_taxes: string | null;
  total: string | null;
  vat_breakdown: Array<{ rate: string; base: string | null; amount: string }>;
  currency: string;
}

export interface Candidate {
  product_id: string;
  sku: string;
  name: string;
  score: number;
}

export interface InvoiceLine {
  description: string;
  code: string | null;
  quantity: string;
  unit_price: string;
  discount_rate: string | null;
  amount: string;
  vat_rate: string | null;
  unit_cost: string | null;
  unit_cost_source: 'computed' | 'manual';
  product_id: string | null;
  match: { method: 'supplier_code' | 'barcode' | 'sku' | 'name' | 'manual' | null; confidence: number | null; candidates: Candidate[] };
  confidence: { description: number; quantity: number; unit_price: number; amount: number };
  movement_id: string | null;
}

export interface InvoiceWarning {
  code: string;
  message: string;
  path: string | null;
}

export interface Sources {
  qr: boolean;
  text: boolean;
  ocr: boolean;
}

export interface Invoice {
  id: string;
  status: InvoiceStatus;
  header: InvoiceHeader;
  supplier_id: string | null;
  lines: InvoiceLine[];
  sources: Sources;
  confidence: Record<string, number>;
  field_sources: Record<string, FieldSource>;
  warnings: InvoiceWarning[];
  file: { sha256: string; type: 'pdf' | 'png' | 'jpeg'; size: number; url: string } | null;
  created_by: string;
  created_at: string;
  updated_at: string;
  confirmed_by: string | null;
  confirmed_at: string | null;
}

export interface InvoiceSummary {
  id: string;
  status: InvoiceStatus;
  letter: Letter | null;
  point_of_sale: number | null;
  number: number | null;
  issue_date: string | null;
  issuer_cuit: string | null;
  issuer_name: string | null;
  total: string | null;
  supplier_id: string | null;
  lines_count: number;
  warnings_count: number;
  sources: Sources;
  created_at: string;
  confirmed_at: string | null;
}

/** What PATCH accepts for one line (all lines are sent: they replace the previous ones). */
export interface LinePatch {
  description: string;
  code: string | null;
  quantity: string;
  unit_price: string;
  discount_rate: string | null;
  amount?: string;
  vat_rate: string | null;
  unit_cost?: string | null;
  product_id: string | null;
}

export const invoiceKeys = {
  all: ['invoices'] as const,
  list: (status: InvoiceStatus) => ['invoices', 'list', status] as const,
  one: (id: string) => ['invoices', 'one', id] as const,
};

/** The store's locations (the stock page's query: one cache for both). */
export function useLocations() {
  return useQuery({ queryKey: ['locations'], queryFn: () => fetchAll<Location>('/locations') });
}

/** The main location (code MAIN), where stock enters unless another one is chosen. */
export function mainLocationOf(locations: Location[] | undefined): Location | undefined {
  return locations?.find((l) => l.code === 'MAIN') ?? locations?.[0];
}

export function locationLabel(l: Location): string {
  return l.name && l.name !== l.code ? `${l.name} (${l.code})` : l.code;
}

export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;

/** "A 00003-00001234", or the words for a draft without a number yet. */
export function voucherOf(v: { letter: Letter | null; point_of_sale: number | null; number: number | null }): string {
  if (v.number === null) return t.invoices.list.noNumber;
  const pos = v.point_of_sale === null ? '?????' : String(v.point_of_sale).padStart(5, '0');
  return `${v.letter ?? '?'} ${pos}-${String(v.number).padStart(8, '0')}`;
}

export function pct(confidence: number | null | undefined): number | null {
  return confidence === null || confidence === undefined ? null : Math.round(confidence * 100);
}

export function sourcesText(sources: Sources): string {
  const read = (['qr', 'text', 'ocr'] as const).filter((k) => sources[k]).map((k) => t.invoices.sources[k]);
  return read.length > 0 ? read.join(' + ') : t.invoices.sources.none!;
}

/** A line as PATCH takes it back, unchanged: a computed cost stays computed. */
export function lineToPatch(line: InvoiceLine): LinePatch {
  return {
    description: line.description,
    code: line.code,
    quantity: line.quantity,
    unit_price: line.unit_price,
    discount_rate: line.discount_rate,
    amount: line.amount,
    vat_rate: line.vat_rate,
    ...(line.unit_cost_source === 'manual' ? { unit_cost: line.unit_cost } : {}),
    product_id: line.product_id,
  };
}

/** PATCHes every line, with `change` applied to line `index`. */
export function patchLine(invoice: Invoice, index: number, change: Partial<LinePatch>): Promise<Invoice> {
  const lines = invoice.lines.map((l, i) => (i === index ? { ...lineToPatch(l), ...change } : lineToPatch(l)));
  return api.patch<Invoice>(`/invoices/${invoice.id}`, { lines });
}

/** PATCHes every line plus a new one at the end. */
export function addLine(invoice: Invoice, line: Partial<LinePatch>): Promise<Invoice> {
  return api.patch<Invoice>(`/invoices/${invoice.id}`, { lines: [...invoice.lines.map(lineToPatch), line] });
}

/** PATCHes every line but line `index`. */
export function removeLine(invoice: Invoice, index: number): Promise<Invoice> {
  return api.patch<Invoice>(`/invoices/${invoice.id}`, { lines: invoice.lines.filter((_, i) => i !== index).map(lineToPatch) });
}

/** The sentence for an error of this page: its own codes first, then the shared ones. */
export function invoiceErrorMessage(error: unknown): string {
  if (error instanceof ApiError) return t.invoices.upload.errors[error.code] ?? t.invoices.errors[error.code] ?? errorMessage(error);
  return errorMessage(error);
}

/**
 * Sends one file as multipart/form-data (field `file`) with the session's CSRF token, reporting
 * upload progress (0–100). XMLHttpRequest rather than fetch: only it reports upload progress.
 */
export function uploadInvoice(file: Blob, filename: string, csrfToken: string, onProgress: (percent: number | null) => void): Promise<Invoice> {
  return new Promise((resolve, reject) => {
    const form = new FormData();
    form.append('file', file, filename);
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/v1/invoices');
    xhr.withCredentials = true;
    xhr.setRequestHeader('accept', 'application/json');
    xhr.setRequestHeader('x-csrf-token', csrfToken);
    xhr.upload.onprogress = (e) => onProgress(e.lengthComputable && e.total > 0 ? Math.min(100, Math.round((e.loaded / e.total) * 100)) : null);
    xhr.onerror = () => reject(new NetworkError('network'));
    xhr.onabort = () => reject(new NetworkError('network'));
    xhr.onload = () => {
      let body: unknown;
      try {
        body = xhr.responseText ? JSON.parse(xhr.responseText) : null;
      } catch {
        body = { detail: xhr.responseText.slice(0, 200) };
      }
      if (xhr.status === 201) {
        resolve(body as Invoice);
        return;
      }
      const error = new ApiError(xhr.status, (body ?? {}) as Record<string, unknown>, xhr.getResponseHeader('retry-after'));
      // A 401 means the session ended: asking the shared client for the session again makes the
      // app show its sign-in dialog over this page (the client raises the expiry signal).
      if (xhr.status === 401) void api.get('/auth/session').catch(() => undefined);
      reject(error);
    };
    xhr.send(form);
  });
}
