// The draft document the reviewer edits: header, lines, and where each value came from.
import { Decimal } from 'decimal.js';
import { money } from './amounts.ts';
import type { AfipQr, InvoiceLetter } from './afip-qr.ts';
import type { ParsedLine, ParsedText, VatRow } from './text-parser.ts';

export type FieldSource = 'qr' | 'text' | 'ocr' | 'manual';

export interface DraftHeader {
  invoice_type: number | null;
  letter: InvoiceLetter | null;
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
}

export const HEADER_FIELDS = [
  'invoice_type',
  'letter',
  'point_of_sale',
  'number',
  'issue_date',
  'issuer_cuit',
  'issuer_name',
  'cae',
  'net',
  'vat',
  'other_taxes',
  'total',
] as const satisfies readonly (keyof DraftHeader)[];
export type HeaderField = (typeof HEADER_FIELDS)[number];

export type MatchMethod = 'supplier_code' | 'barcode' | 'sku' | 'name' | 'manual';

export interface MatchCandidate {
  product_id: string;
  sku: string;
  name: string;
  score: number;
}

export interface LineMatch {
  method: MatchMethod | null;
  confidence: number | null;
  candidates: MatchCandidate[];
}

export interface DraftLine {
  code: string | null;
  description: string;
  quantity: string;
  unit_price: string;
  discount_rate: string | null;
  amount: string;
  vat_rate: string | null;
  /** The reviewer's unit cost; null means computed from the line (see costs.ts). */
  unit_cost: string | null;
  product_id: string | null;
  match: LineMatch;
  confidence: { description: number; quantity: number; unit_price: number; amount: number };
  /** Set on confirmation: the `in` movement this line became. */
  movement_id: string | null;
}

export interface DraftMeta {
  fields: Partial<Record<HeaderField, number>>;
  field_sources: Partial<Record<HeaderField, FieldSource>>;
  /** The total printed on the document (text/OCR), kept to cross-check the QR's. */
  printed_total: string | null;
  currency: string;
}

export interface Draft {
  header: DraftHeader;
  vatBreakdown: VatRow[];
  lines: DraftLine[];
  meta: DraftMeta;
}

export function emptyHeader(): DraftHeader {
  return {
    invoice_type: null,
    letter: null,
    point_of_sale: null,
    number: null,
    issue_date: null,
    issuer_cuit: null,
    issuer_name: null,
    cae: null,
    net: null,
    vat: null,
    other_taxes: null,
    total: null,
  };
}

export function lineFromParsed(l: ParsedLine, scale = 1): DraftLine {
  const c = (n: number) => Math.round(n * scale * 100) / 100;
  return {
    code: l.code,
    description: l.description,
    quantity: l.quantity,
    unit_price: l.unit_price,
    discount_rate: l.discount_rate,
    amount: l.amount,
    vat_rate: l.vat_rate,
    unit_cost: null,
    product_id: null,
    match: { method: null, confidence: null, candidates: [] },
    confidence: {
      description: c(l.confidence.description),
      quantity: c(l.confidence.quantity),
      unit_price: c(l.confidence.unit_price),
      amount: c(l.confidence.amount),
    },
    movement_id: null,
  };
}

/**
 * Merges the sources: the QR's header fields are authoritative (confidence 1); text (or OCR,
 * scaled by its own confidence) fills what the QR does not carry: issuer name, the net/IVA
 * breakdown, the lines, and the whole header when there is no QR.
 */
export function mergeSources(qr: AfipQr | null, text: ParsedText | null, textSource: 'text' | 'ocr', textScale = 1): Draft {
  const header = emptyHeader();
  const meta: DraftMeta = { fields: {}, field_sources: {}, printed_total: text?.total?.value ?? null, currency: qr?.currency ?? 'PES' };
  const set = <K extends HeaderField>(field: K, value: DraftHeader[K] | undefined, confidence: number, source: FieldSource) => {
    if (value === undefined || value === null || header[field] !== null) return;
    header[field] = value;
    meta.fields[field] = Math.round(confidence * 100) / 100;
    meta.field_sources[field] = source;
  };
  if (qr) {
    set('invoice_type', qr.invoiceType, 1, 'qr');
    set('letter', qr.letter, 1, 'qr');
    set('point_of_sale', qr.pointOfSale, 1, 'qr');
    set('number', qr.number, 1, 'qr');
    set('issue_date', qr.issueDate, 1, 'qr');
    set('issuer_cuit', qr.issuerCuit, 1, 'qr');
    set('cae', qr.cae, 1, 'qr');
    set('total', qr.total, 1, 'qr');
  }
  if (text) {
    const t = (f: { value: unknown; confidence: number } | undefined) => (f ? f.confidence * textScale : 0);
    set('invoice_type', text.invoiceType?.value, t(text.invoiceType), textSource);
    set('letter', text.letter?.value, t(text.letter), textSource);
    set('point_of_sale', text.pointOfSale?.value, t(text.pointOfSale), textSource);
    set('number', text.number?.value, t(text.number), textSource);
    set('issue_date', text.issueDate?.value, t(text.issueDate), textSource);
    set('issuer_cuit', text.issuerCuit?.value, t(text.issuerCuit), textSource);
    set('issuer_name', text.issuerName?.value, t(text.issuerName), textSource);
    set('cae', text.cae?.value, t(text.cae), textSource);
    set('net', text.net?.value, t(text.net), textSource);
    set('vat', text.vat?.value, t(text.vat), textSource);
    set('other_taxes', text.otherTaxes?.value, t(text.otherTaxes), textSource);
    set('total', text.total?.value, t(text.total), textSource);
  }
  // Money from the QR comes unpadded (`18150`): normalize every amount to 2 decimals.
  for (const f of ['net', 'vat', 'other_taxes', 'total'] as const) {
    if (header[f] !== null) header[f] = money(header[f]!);
  }
  const lines = (text?.lines ?? []).map((l) => lineFromParsed(l, textScale));
  // AFIP prints only the IVA per rate; on an A invoice the lines give each rate's taxed base.
  const vatBreakdown = (text?.vatBreakdown ?? []).map((row) => {
    const taxed = header.letter === 'A' ? lines.filter((l) => l.vat_rate === row.rate) : [];
    return taxed.length === 0 ? row : { ...row, base: money(taxed.reduce((s, l) => s.plus(l.amount), new Decimal(0))) };
  });
  return { header, vatBreakdown, lines, meta };
}
