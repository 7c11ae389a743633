import { iso } from '../../platform/http/schemas.ts';
import { typeInfo } from './afip-qr.ts';
import type { Warning } from './checks.ts';
import { computedUnitCost } from './costs.ts';
import { draftOf } from './draft-edit.ts';
import type { Sources } from './service.ts';
import type { InvoiceRow } from './repo.ts';
import type { InvoiceDto } from './schemas.ts';
import type { DraftLine } from './draft.ts';

export function toInvoiceDto(row: InvoiceRow): InvoiceDto {
  const draft = draftOf(row);
  const h = draft.header;
  return {
    id: row.id,
    status: row.status as InvoiceDto['status'],
    header: {
      ...h,
      kind: typeInfo(h.invoice_type)?.kind ?? null,
      vat_breakdown: draft.vatBreakdown,
      currency: draft.meta.currency ?? 'PES',
    },
    supplier_id: row.supplierId,
    lines: draft.lines.map((l: DraftLine) => ({
      description: l.description,
      code: l.code,
      quantity: l.quantity,
      unit_price: l.unit_price,
      discount_rate: l.discount_rate,
      amount: l.amount,
      vat_rate: l.vat_rate,
      unit_cost: l.unit_cost ?? computedUnitCost(h.letter, l),
      unit_cost_source: l.unit_cost === null ? 'computed' : 'manual',
      product_id: l.product_id,
      match: l.match,
      confidence: l.confidence,
      movement_id: l.movement_id ?? null,
    })),
    sources: row.sources as Sources,
    confidence: draft.meta.fields ?? {},
    field_sources: draft.meta.field_sources ?? {},
    warnings: row.warnings as Warning[],
    file:
      row.fileSha256 && row.fileType
        ? { sha256: row.fileSha256, type: row.fileType as 'pdf', size: row.fileSize ?? 0, url: `/api/v1/invoices/${row.id}/file` }
        : null,
    created_by: row.createdBy,
    created_at: iso(row.createdAt),
    updated_at: iso(row.updatedAt),
    confirmed_by: row.confirmedBy,
    confirmed_at: row.confirmedAt ? iso(row.confirmedAt) : null,
  };
}

export function toInvoiceSummary(row: InvoiceRow) {
  return {
    id: row.id,
    status: row.status as InvoiceDto['status'],
    letter: row.letter as InvoiceDto['header']['letter'],
    point_of_sale: row.pointOfSale,
    number: row.number,
    issue_date: row.issueDate,
    issuer_cuit: row.issuerCuit,
    issuer_name: row.issuerName,
    total: row.total,
    supplier_id: row.supplierId,
    lines_count: (row.lines as unknown[]).length,
    warnings_count: (row.warnings as unknown[]).length,
    sources: row.sources as Sources,
    created_at: iso(row.createdAt),
    confirmed_at: row.confirmedAt ? iso(row.confirmedAt) : null,
  };
}
