// DOMAIN.md "Supplier invoices" checks, run on every draft (after extraction and after each
// edit). They never block saving a draft: they become `warnings` the reviewer sees; confirmation
// has its own hard requirements (service.ts).
import { Decimal } from 'decimal.js';
import { parseCuit } from '../catalog/cuit.ts';
import { typeInfo } from './afip-qr.ts';
import type { Draft } from './draft.ts';

export interface Warning {
  code: string;
  message: string;
  path: string | null;
}

export interface CheckContext {
  /** The QR's total when the draft came with one. */
  qrTotal: string | null;
  /** Another invoice with the same identity that is already confirmed. */
  confirmedDuplicateId: string | null;
  /** An earlier invoice made from the very same file. */
  sameFileInvoiceId: string | null;
  /** Problems met while extracting (kept as they were found). */
  extraction: Warning[];
}

export function duplicateWarning(): Warning {
  return { code: 'invoice.duplicate', message: 'Ya se confirmó una factura con el mismo CUIT, letra, punto de venta y número.', path: null };
}

const LINE_TOLERANCE = new Decimal('0.01');
const TOTAL_TOLERANCE = new Decimal('1.00');

const dec = (v: string | null) => (v === null ? null : new Decimal(v));

export function checkDraft(draft: Draft, ctx: CheckContext): Warning[] {
  const w: Warning[] = [...ctx.extraction];
  const h = draft.header;

  if (h.issuer_cuit === null) w.push({ code: 'header.missing', message: 'Falta el CUIT del emisor.', path: 'header.issuer_cuit' });
  else if (!parseCuit(h.issuer_cuit).ok) w.push({ code: 'cuit.invalid', message: `El CUIT del emisor ${h.issuer_cuit} no es válido.`, path: 'header.issuer_cuit' });
  for (const [field, label] of [
    ['letter', 'la letra'],
    ['point_of_sale', 'el punto de venta'],
    ['number', 'el número'],
    ['issue_date', 'la fecha de emisión'],
    ['total', 'el total'],
  ] as const) {
    if (h[field] === null) w.push({ code: 'header.missing', message: `Falta ${label}.`, path: `header.${field}` });
  }
  const info = typeInfo(h.invoice_type);
  if (h.invoice_type !== null && (!info || info.kind !== 'factura')) {
    w.push({ code: 'type.not_invoice', message: `El comprobante (tipo ${h.invoice_type}) no es una factura: no ingresa mercadería.`, path: 'header.invoice_type' });
  }
  if (info && h.letter !== null && info.letter !== h.letter) {
    w.push({ code: 'header.letter_mismatch', message: `La letra ${h.letter} no corresponde al tipo de comprobante ${h.invoice_type}.`, path: 'header.letter' });
  }
  if (draft.meta.currency !== 'PES') {
    w.push({ code: 'currency.foreign', message: `La factura está en ${draft.meta.currency}: revise los importes.`, path: null });
  }

  // net + IVA + other taxes = total, within 1.00 overall.
  const [net, vat, other, total] = [dec(h.net), dec(h.vat), dec(h.other_taxes), dec(h.total)];
  if (net && total) {
    const sum = net.plus(vat ?? 0).plus(other ?? 0);
    if (sum.minus(total).abs().gt(TOTAL_TOLERANCE)) {
      w.push({
        code: 'totals.mismatch',
        message: `Neto + IVA + otros tributos (${sum.toFixed(2)}) no coincide con el total (${total.toFixed(2)}).`,
        path: 'header.total',
      });
    }
  }
  if (vat && draft.vatBreakdown.length > 0) {
    const byRate = draft.vatBreakdown.reduce((s, r) => s.plus(r.amount), new Decimal(0));
    if (byRate.minus(vat).abs().gt(LINE_TOLERANCE)) {
      w.push({ code: 'vat.mismatch', message: `El IVA por alícuota (${byRate.toFixed(2)}) no suma el IVA total (${vat.toFixed(2)}).`, path: 'header.vat' });
    }
  }

  // QR total vs printed total.
  if (ctx.qrTotal !== null) {
    const qrTotal = new Decimal(ctx.qrTotal);
    const printed = dec(draft.meta.printed_total);
    if (printed && printed.minus(qrTotal).abs().gt(LINE_TOLERANCE)) {
      w.push({ code: 'qr.total_mismatch', message: `El total del QR (${qrTotal.toFixed(2)}) no coincide con el impreso (${printed.toFixed(2)}).`, path: 'header.total' });
    }
    if (total && total.minus(qrTotal).abs().gt(LINE_TOLERANCE)) {
      w.push({ code: 'qr.total_edited', message: `El total (${total.toFixed(2)}) difiere del informado a AFIP en el QR (${qrTotal.toFixed(2)}).`, path: 'header.total' });
    }
  }

  if (ctx.confirmedDuplicateId) w.push(duplicateWarning());
  if (ctx.sameFileInvoiceId) {
    w.push({ code: 'file.duplicate', message: `Este mismo archivo ya se cargó (factura ${ctx.sameFileInvoiceId}).`, path: null });
  }

  // Lines: quantity × unit price (less discount) = amount within 0.01; their sum against the
  // net (A: prices without IVA) or the total (B, C: prices with IVA), within 1.00.
  let sum = new Decimal(0);
  draft.lines.forEach((line, i) => {
    const expected = new Decimal(line.quantity)
      .times(line.unit_price)
      .times(new Decimal(1).minus(new Decimal(line.discount_rate ?? 0).div(100)));
    if (expected.minus(line.amount).abs().gt(LINE_TOLERANCE)) {
      w.push({
        code: 'line.amount_mismatch',
        message: `Renglón ${i + 1}: cantidad × precio (${expected.toDecimalPlaces(2).toFixed(2)}) no coincide con el importe (${new Decimal(line.amount).toFixed(2)}).`,
        path: `lines.${i}.amount`,
      });
    }
    if (line.product_id === null) {
      w.push({ code: 'line.unmatched', message: `Renglón ${i + 1}: elija el producto.`, path: `lines.${i}.product_id` });
    }
    sum = sum.plus(line.amount);
  });
  const against = h.letter === 'A' ? net : total && other ? total.minus(other) : total;
  if (draft.lines.length > 0 && against && sum.minus(against).abs().gt(TOTAL_TOLERANCE)) {
    w.push({
      code: 'lines.total_mismatch',
      message: `La suma de los renglones (${sum.toFixed(2)}) no coincide con el ${h.letter === 'A' ? 'neto' : 'total'} (${against.toFixed(2)}).`,
      path: 'lines',
    });
  }
  if (draft.lines.length === 0) w.push({ code: 'lines.missing', message: 'La factura no tiene renglones: cárguelos a mano.', path: 'lines' });
  return w;
}
