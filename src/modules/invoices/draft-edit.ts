// The pure steps of reviewing a draft: the draft document from a row and back to columns, typed
// lines and header edits, and what a draft still lacks before it can be confirmed.
import { Decimal } from 'decimal.js';
import { validationError, type FieldError } from '../../platform/http/errors.ts';
import { parseCuit } from '../catalog/cuit.ts';
import { money } from './amounts.ts';
import { typeInfo } from './afip-qr.ts';
import { HEADER_FIELDS, type Draft, type DraftHeader, type DraftLine, type DraftMeta } from './draft.ts';
import type { InvoiceRow } from './repo.ts';
import type { LineInput, ManualBody } from './schemas.ts';
import type { VatRow } from './text-parser.ts';

/** Warnings that came from reading the file; they survive edits (the checks are recomputed). */
export const EXTRACTION_CODES = /^(file\.|qr\.(missing|invalid)$|text\.|ocr\.)/;

/** Rebuilds the draft document from a row. */
export function draftOf(row: InvoiceRow): Draft {
  const header: DraftHeader = {
    invoice_type: row.invoiceType,
    letter: row.letter as DraftHeader['letter'],
    point_of_sale: row.pointOfSale,
    number: row.number,
    issue_date: row.issueDate,
    issuer_cuit: row.issuerCuit,
    issuer_name: row.issuerName,
    cae: row.cae,
    net: row.net,
    vat: row.vat,
    other_taxes: row.otherTaxes,
    total: row.total,
  };
  return { header, vatBreakdown: row.vatBreakdown as VatRow[], lines: row.lines as DraftLine[], meta: row.confidence as DraftMeta };
}

export function columnsOf(draft: Draft) {
  const h = draft.header;
  return {
    invoiceType: h.invoice_type,
    letter: h.letter,
    pointOfSale: h.point_of_sale,
    number: h.number,
    issueDate: h.issue_date,
    issuerCuit: h.issuer_cuit,
    issuerName: h.issuer_name,
    cae: h.cae,
    net: h.net,
    vat: h.vat,
    otherTaxes: h.other_taxes,
    total: h.total,
    vatBreakdown: draft.vatBreakdown,
    lines: draft.lines,
    confidence: draft.meta,
  };
}

export function lineFromInput(input: LineInput, previous: DraftLine | undefined): DraftLine {
  const amount =
    input.amount ??
    money(new Decimal(input.quantity).times(input.unit_price).times(new Decimal(1).minus(new Decimal(input.discount_rate ?? 0).div(100))));
  const productId = input.product_id ?? null;
  const keptMatch = previous && previous.product_id === productId ? previous.match : null;
  return {
    code: input.code ?? null,
    description: input.description,
    quantity: input.quantity,
    unit_price: input.unit_price,
    discount_rate: input.discount_rate ?? null,
    amount,
    vat_rate: input.vat_rate ?? null,
    unit_cost: input.unit_cost ?? null,
    product_id: productId,
    match: keptMatch ?? (productId ? { method: 'manual', confidence: 1, candidates: [] } : { method: null, confidence: null, candidates: [] }),
    confidence: { description: 1, quantity: 1, unit_price: 1, amount: 1 },
    movement_id: null,
  };
}

export function applyHeader(draft: Draft, input: ManualBody['header']): void {
  if (!input) return;
  for (const field of HEADER_FIELDS) {
    const value = input[field];
    if (value === undefined) continue;
    (draft.header as unknown as Record<string, unknown>)[field] = value;
    if (value === null) {
      delete draft.meta.fields[field];
      delete draft.meta.field_sources[field];
    } else {
      draft.meta.fields[field] = 1;
      draft.meta.field_sources[field] = 'manual';
    }
  }
  // A letter typed without a type means a Factura of that letter.
  if (input.letter && input.invoice_type === undefined) {
    const info = typeInfo(draft.header.invoice_type);
    if (!info || info.letter !== input.letter) draft.header.invoice_type = input.letter === 'A' ? 1 : input.letter === 'B' ? 6 : 11;
  }
  if (input.vat_breakdown) draft.vatBreakdown = input.vat_breakdown.map((r) => ({ rate: r.rate, base: r.base ?? null, amount: r.amount }));
}

export function assertKnownProducts(lines: DraftLine[], known: Set<string>): void {
  const errors: FieldError[] = [];
  lines.forEach((l, i) => {
    if (l.product_id && !known.has(l.product_id)) errors.push({ path: `lines.${i}.product_id`, message: 'el producto no existe o está archivado' });
  });
  if (errors.length > 0) throw validationError(errors);
}

export function completenessProblems(draft: Draft): FieldError[] {
  const h = draft.header;
  const out: FieldError[] = [];
  if (!h.issuer_cuit || !parseCuit(h.issuer_cuit).ok) out.push({ path: 'header.issuer_cuit', message: 'falta el CUIT del emisor o no es válido' });
  if (!h.letter) out.push({ path: 'header.letter', message: 'falta la letra' });
  if (!h.point_of_sale) out.push({ path: 'header.point_of_sale', message: 'falta el punto de venta' });
  if (!h.number) out.push({ path: 'header.number', message: 'falta el número' });
  const info = typeInfo(h.invoice_type);
  if (h.invoice_type !== null && info?.kind !== 'factura') {
    out.push({ path: 'header.invoice_type', message: 'solo las facturas ingresan mercadería (no las notas de crédito o débito)' });
  }
  if (draft.lines.length === 0) out.push({ path: 'lines', message: 'la factura no tiene renglones' });
  draft.lines.forEach((l, i) => {
    if (!l.product_id) out.push({ path: `lines.${i}.product_id`, message: 'elija el producto de este renglón' });
  });
  return out;
}
