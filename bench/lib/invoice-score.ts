// Field-level scoring of an invoice extraction against the corpus's ground truth
// (test/helpers/invoice-corpus.ts), used by bench/invoices.ts. "Exact" means equal to the cent
// or digit: amounts and quantities compared as decimals (`1500` = `1500.00`), text as is.
import { Decimal } from 'decimal.js';
import type { AfipQr } from '../../src/modules/invoices/afip-qr.ts';
import type { ParsedLine, ParsedText } from '../../src/modules/invoices/text-parser.ts';
import type { CorpusLine, CorpusTruth } from '../../test/helpers/invoice-corpus.ts';

export const QR_FIELDS = ['invoice_type', 'point_of_sale', 'number', 'issue_date', 'issuer_cuit', 'cae', 'total'] as const;
export const TEXT_FIELDS = [
  'letter',
  'invoice_type',
  'point_of_sale',
  'number',
  'issue_date',
  'issuer_cuit',
  'receiver_cuit',
  'issuer_name',
  'cae',
  'net',
  'vat',
  'other_taxes',
  'total',
] as const;
export const LINE_FIELDS = ['code', 'description', 'quantity', 'unit_price', 'discount_rate', 'amount', 'vat_rate'] as const;
export type QrField = (typeof QR_FIELDS)[number];
export type TextField = (typeof TEXT_FIELDS)[number];
export type LineField = (typeof LINE_FIELDS)[number];

/** Per field: how many were compared and how many were exact; plus a few misses to look at. */
export class Tally {
  readonly fields = new Map<string, { n: number; ok: number }>();
  readonly misses: string[] = [];
  add(field: string, ok: boolean, miss?: () => string): void {
    const f = this.fields.get(field) ?? { n: 0, ok: 0 };
    f.n += 1;
    if (ok) f.ok += 1;
    else if (miss && this.misses.length < 400) this.misses.push(miss());
    this.fields.set(field, f);
  }
  merge(other: Tally): void {
    for (const [k, v] of other.fields) {
      const f = this.fields.get(k) ?? { n: 0, ok: 0 };
      f.n += v.n;
      f.ok += v.ok;
      this.fields.set(k, f);
    }
    this.misses.push(...other.misses.slice(0, Math.max(0, 400 - this.misses.length)));
  }
  /** Share exact over the given fields (all when none given), 0–1; NaN when nothing was compared. */
  rate(fields?: readonly string[]): number {
    let n = 0;
    let ok = 0;
    for (const [k, v] of this.fields) {
      if (fields && !fields.includes(k)) continue;
      n += v.n;
      ok += v.ok;
    }
    return n === 0 ? Number.NaN : ok / n;
  }
  count(fields?: readonly string[]): number {
    let n = 0;
    for (const [k, v] of this.fields) if (!fields || fields.includes(k)) n += v.n;
    return n;
  }
}

function same(a: unknown, b: unknown): boolean {
  if (a === null || a === undefined || b === null || b === undefined) return (a ?? null) === (b ?? null);
  if (typeof a === 'number' || typeof b === 'number') return Number(a) === Number(b);
  const x = String(a);
  const y = String(b);
  if (/^-?\d+(\.\d+)?$/.test(x) && /^-?\d+(\.\d+)?$/.test(y)) return new Decimal(x).eq(y);
  return x === y;
}

function truthHeader(t: CorpusTruth): Record<TextField, unknown> {
  return {
    letter: t.letter,
    invoice_type: t.invoice_type,
    point_of_sale: t.point_of_sale,
    number: t.number,
    issue_date: t.issue_date,
    issuer_cuit: t.issuer_cuit,
    receiver_cuit: t.receiver_cuit,
    issuer_name: t.issuer_name,
    cae: t.cae,
    net: t.net,
    vat: t.vat,
    other_taxes: t.other_taxes,
    total: t.total,
  };
}

/** The AFIP QR's header fields against the truth. */
export function scoreQr(qr: AfipQr, t: CorpusTruth, tally: Tally): void {
  const got: Record<QrField, unknown> = {
    invoice_type: qr.invoiceType,
    point_of_sale: qr.pointOfSale,
    number: qr.number,
    issue_date: qr.issueDate,
    issuer_cuit: qr.issuerCuit,
    cae: qr.cae,
    total: qr.total,
  };
  const want = truthHeader(t);
  for (const f of QR_FIELDS) tally.add(f, same(got[f], want[f]), () => `${t.id} qr.${f}: ${String(got[f])} ≠ ${String(want[f])}`);
}

/**
 * The text parser's (PDF text layer or OCR) header fields and lines against the truth. Each truth
 * line is paired with the parsed line that agrees with it on most fields (in order, each used
 * once); a truth line with no partner counts every field as missed.
 */
export function scoreText(parsed: ParsedText | null, t: CorpusTruth, tally: Tally, lines: Tally): { linesFound: number; spurious: number } {
  const want = truthHeader(t);
  const got: Record<TextField, unknown> = {
    letter: parsed?.letter?.value,
    invoice_type: parsed?.invoiceType?.value,
    point_of_sale: parsed?.pointOfSale?.value,
    number: parsed?.number?.value,
    issue_date: parsed?.issueDate?.value,
    issuer_cuit: parsed?.issuerCuit?.value,
    receiver_cuit: parsed?.receiverCuit?.value,
    issuer_name: parsed?.issuerName?.value,
    cae: parsed?.cae?.value,
    net: parsed?.net?.value,
    vat: parsed?.vat?.value,
    other_taxes: parsed?.otherTaxes?.value,
    total: parsed?.total?.value,
  };
  for (const f of TEXT_FIELDS) tally.add(f, got[f] !== undefined && same(got[f], want[f]), () => `${t.id} ${f}: ${String(got[f])} ≠ ${String(want[f])}`);

  const parsedLines = parsed?.lines ?? [];
  const used = new Set<number>();
  let found = 0;
  const agree = (p: ParsedLine, w: CorpusLine) => LINE_FIELDS.filter((f) => same(p[f], w[f])).length;
  for (const w of t.lines) {
    let best = -1;
    let bestScore = 0;
    parsedLines.forEach((p, i) => {
      if (used.has(i)) return;
      const s = agree(p, w);
      if (s > bestScore) {
        best = i;
        bestScore = s;
      }
    });
    // Two fields in common (say a quantity of 1 and no discount) are not a pairing.
    const p = best >= 0 && bestScore >= 3 ? parsedLines[best]! : null;
    if (p) {
      used.add(best);
      found += 1;
    }
    for (const f of LINE_FIELDS) lines.add(f, p !== null && same(p[f], w[f]), () => `${t.id} line ${f}: ${p ? String(p[f]) : '(no line)'} ≠ ${String(w[f])}   [${w.description}]`);
  }
  return { linesFound: found, spurious: parsedLines.length - used.size };
}

/** The draft the reviewer sees (QR and text merged): its header against the truth. */
export function scoreDraftHeader(header: Record<string, unknown>, t: CorpusTruth, tally: Tally): void {
  const want = truthHeader(t);
  for (const f of TEXT_FIELDS) {
    if (f === 'receiver_cuit') continue;
    tally.add(f, header[f] !== null && header[f] !== undefined && same(header[f], want[f]), () => `${t.id} draft.${f}: ${String(header[f])} ≠ ${String(want[f])}`);
  }
}

export function percentile(xs: number[], p: number): number {
  if (xs.length === 0) return Number.NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}
