// Reads an invoice's header, IVA breakdown and lines from its text (the PDF text layer today,
// OCR output later), in the layout AFIP's own "Comprobantes en línea" prints and close variants.
// Every value found carries a confidence; the caller decides which source wins.
import { Decimal } from 'decimal.js';
import { parseCuit } from '../catalog/cuit.ts';
import { money, parseAmount, qty } from './amounts.ts';
import { typeInfo, type InvoiceLetter } from './afip-qr.ts';

export interface Found<T> {
  value: T;
  confidence: number;
}

export interface ParsedLine {
  code: string | null;
  description: string;
  quantity: string;
  unit_price: string;
  discount_rate: string | null;
  amount: string;
  vat_rate: string | null;
  confidence: { description: number; quantity: number; unit_price: number; amount: number };
}

export interface VatRow {
  rate: string;
  base: string | null;
  amount: string;
}

export interface ParsedText {
  invoiceType?: Found<number>;
  letter?: Found<InvoiceLetter>;
  pointOfSale?: Found<number>;
  number?: Found<number>;
  issueDate?: Found<string>;
  issuerCuit?: Found<string>;
  receiverCuit?: Found<string>;
  issuerName?: Found<string>;
  cae?: Found<string>;
  net?: Found<string>;
  vat?: Found<string>;
  otherTaxes?: Found<string>;
  total?: Found<string>;
  vatBreakdown: VatRow[];
  lines: ParsedLine[];
}

const AMOUNT = String.raw`(-?\$?\s?-?[\d.,]*\d)`;
const VAT_RATES = ['27', '21', '10.5', '5', '2.5', '0'];

function amountAfter(text: string, label: RegExp): string | null {
  const m = new RegExp(`${label.source}\\s*:?\\s*\\$?\\s*${AMOUNT}`, 'i').exec(text);
  return m ? parseAmount(m[1]!) : null;
}

function normalizeRate(raw: string): string | null {
  const r = new Decimal(raw.replace(',', '.')).toFixed();
  return VAT_RATES.includes(r) ? r : null;
}

function isoDate(d: string, m: string, y: string): string | null {
  const iso = `${y}-${m}-${d}`;
  const parsed = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(iso) ? iso : null;
}

function parseHeader(text: string, out: ParsedText): void {
  const code = /C[OÓ]D(?:IGO)?\.?\s*(?:N[°ºo.]?\s*)?:?\s*0?(\d{1,3})\b/i.exec(text);
  const typeCode = code ? Number(code[1]) : null;
  const info = typeInfo(typeCode);
  if (info) {
    out.invoiceType = { value: typeCode!, confidence: 0.9 };
    out.letter = { value: info.letter, confidence: 0.9 };
  }
  const named = /\bFACTURA\s*(?:TIPO\s*)?[“"']?([ABC])\b/i.exec(text) ?? /^\s*([ABC])\s*$/m.exec(text);
  if (named && !out.letter) out.letter = { value: named[1]!.toUpperCase() as InvoiceLetter, confidence: 0.8 };

  const posNumber =
    /Punto\s+de\s+Venta\s*:?\s*(\d{1,5})\s+Comp(?:robante)?\.?\s*N(?:ro|°|º|o)?\.?\s*:?\s*(\d{1,8})\b/i.exec(text) ??
    /\bN(?:ro|°|º|o)?\.?\s*:?\s*(\d{4,5})\s*-\s*(\d{8})\b/i.exec(text) ??
    /\b(\d{4,5})-(\d{8})\b/.exec(text);
  if (posNumber) {
    const confidence = /Punto/i.test(posNumber[0]) ? 0.9 : 0.7;
    out.pointOfSale = { value: Number(posNumber[1]), confidence };
    out.number = { value: Number(posNumber[2]), confidence };
  }

  const date = /Fecha\s+de\s+Emisi[oó]n\s*:?\s*(\d{2})[/.-](\d{2})[/.-](\d{4})/i.exec(text) ?? /\bFecha\s*:?\s*(\d{2})[/.-](\d{2})[/.-](\d{4})/i.exec(text);
  const iso = date ? isoDate(date[1]!, date[2]!, date[3]!) : null;
  if (iso) out.issueDate = { value: iso, confidence: /Emisi/i.test(date![0]) ? 0.9 : 0.7 };

  // The issuer's CUIT comes first in AFIP's layout; the receiver's follows in the client block.
  const cuits = [...text.matchAll(/C\.?U\.?I\.?T\.?\s*(?:N[°º]?)?\s*:?\s*(\d{2}-?\d{8}-?\d)\b/gi)].map((m) => m[1]!);
  const parsed = cuits.map((c) => ({ raw: c, p: parseCuit(c) }));
  if (parsed[0]) {
    const p = parsed[0].p;
    const digits = parsed[0].raw.replace(/-/g, '');
    out.issuerCuit = {
      value: p.ok ? p.formatted : `${digits.slice(0, 2)}-${digits.slice(2, 10)}-${digits.slice(10)}`,
      confidence: p.ok ? 0.85 : 0.4,
    };
  }
  const receiver = parsed.slice(1).find((c) => c.p.ok && (!out.issuerCuit || c.p.formatted !== out.issuerCuit.value));
  if (receiver && receiver.p.ok) out.receiverCuit = { value: receiver.p.formatted, confidence: 0.8 };

  // The issuer's block shares its rows with the invoice's data column: stop at a wide gap.
  const name = /^\s*Raz[oó]n\s+Social\s*:?[ \t]*(.+?)[ \t]*(?:[ \t]{3,}|Fecha|CUIT|Punto\s+de|$)/im.exec(text);
  if (name && name[1]!.trim().length > 1) out.issuerName = { value: name[1]!.trim().slice(0, 200), confidence: 0.8 };

  // `N°` comes out of OCR as `N*`, `N"` or `Nº`.
  const cae = /\bC\.?A\.?E\.?A?\s*(?:N\s?[°º*"o]?|Nro\.?)?\s*:?\s*(\d{14})\b/i.exec(text);
  if (cae) out.cae = { value: cae[1]!, confidence: 0.9 };

  // Net: the taxed net plus untaxed and exempt amounts, so that net + IVA + other taxes = total.
  const gravado = amountAfter(text, /Importe\s+Neto\s+Gravado/);
  const noGravado = amountAfter(text, /Importe\s+Neto\s+No\s+Gravado/);
  const exento = amountAfter(text, /Importe\s+Exento/);
  const subtotal = amountAfter(text, /(?:^|\n)\s*Subtotal/);
  if (gravado !== null) {
    const sum = [gravado, noGravado, exento].reduce<Decimal>((s, v) => (v === null ? s : s.plus(v)), new Decimal(0));
    out.net = { value: money(sum), confidence: 0.9 };
  } else if (subtotal !== null) {
    out.net = { value: money(subtotal), confidence: 0.7 };
  }

  for (const m of text.matchAll(/\bIVA\s*(27|21|10[.,]5|5|2[.,]5|0)\s*%\s*:?\s*\$?\s*(-?[\d.,]*\d)/gi)) {
    const rate = normalizeRate(m[1]!);
    const amount = parseAmount(m[2]!);
    if (rate === null || amount === null || new Decimal(amount).isZero()) continue;
    if (!out.vatBreakdown.some((r) => r.rate === rate)) out.vatBreakdown.push({ rate, base: null, amount: money(amount) });
  }
  if (out.vatBreakdown.length > 0) {
    out.vat = { value: money(out.vatBreakdown.reduce((s, r) => s.plus(r.amount), new Decimal(0))), confidence: 0.85 };
  }

  const other = amountAfter(text, /Importe\s+Otros\s+Tributos/);
  if (other !== null) out.otherTaxes = { value: money(other), confidence: 0.9 };

  const total = amountAfter(text, /Importe\s+Total/);
  const loose = total === null ? amountAfter(text, /\bTOTAL/) : null;
  if (total !== null) out.total = { value: money(total), confidence: 0.9 };
  else if (loose !== null) out.total = { value: money(loose), confidence: 0.6 };

  // B and C invoices print no IVA: their net is the total less other taxes.
  if (!out.vat && out.letter && out.letter.value !== 'A' && out.total) {
    out.vat = { value: '0.00', confidence: 0.7 };
    if (!out.net) out.net = { value: money(new Decimal(out.total.value).minus(out.otherTaxes?.value ?? 0)), confidence: 0.6 };
  }
}

const CODE_TOKEN = /^(?=.*\d)[A-Za-z0-9][A-Za-z0-9._/-]{0,29}$/;
const UNIT_WORDS = /^(u|un|uni|unid|unidad|unidades|kg|kgs|kilo|kilos|kilogramo|kilogramos|g|gr|grs|l|lt|lts|litro|litros|ml|cc|mt|mts|metros|docena|docenas|caja|cajas|bulto|bultos|pack|x)\.?$/i;
const PERCENT = /^(-?\d+(?:[.,]\d+)?)\s?%$/;

/** Parses one table row: description, then quantity × unit price (× (1 − discount)) = amount. */
export function parseLine(row: string): ParsedLine | null {
  const tokens = row.trim().split(/\s+/).filter(Boolean);
  if (tokens.length < 4 || tokens.length > 80) return null;
  const nums = tokens.map((t) => (PERCENT.test(t) ? null : parseAmount(t)));
  const idx = nums.map((n, i) => (n === null ? -1 : i)).filter((i) => i >= 0);
  // The amount ends the row (followed at most by the amount with IVA): a reading that leaves
  // more numbers after it closes only by coincidence (`Lavandina 2 l x 6  12,00 unidades …`:
  // 2 × 6 = 12) and is kept only if no reading further right closes.
  let fallback: { line: ParsedLine; after: number } | null = null;
  candidates: for (let a = 0; a < idx.length - 2; a++) {
    const i = idx[a]!;
    if (i === 0) continue; // a row starts with its code or description, never with the quantity
    const j = idx[a + 1]!;
    // Only unit words may stand between the quantity and the unit price.
    if (tokens.slice(i + 1, j).some((t) => !UNIT_WORDS.test(t))) continue;
    const p = new Decimal(nums[j]!);
    // `3,000` is three thousand by the amount rule, but a weighed quantity may mean three:
    // both readings are tried against the arithmetic.
    const readings = [new Decimal(nums[i]!)];
    if (/^\d{1,3}[.,]\d{3}$/.test(tokens[i]!)) readings.push(new Decimal(tokens[i]!.replace(',', '.')));
    // The amount follows the unit price directly, or after the discount % (and, on B/C
    // invoices, after the discount's amount as well: `% Bonif  Imp. Bonif.  Subtotal`).
    for (const q of readings) for (const step of [1, 2, 3]) {
      if (q.lte(0)) continue;
      const k = idx[a + 1 + step];
      if (k === undefined) break;
      const discount = step >= 2 ? new Decimal(nums[idx[a + 2]!]!) : new Decimal(0);
      if (discount.lt(0) || discount.gte(100)) continue;
      const s = new Decimal(nums[k]!);
      const expected = q.times(p).times(new Decimal(1).minus(discount.div(100)));
      if (s.lte(0) || expected.minus(s).abs().gt(0.011)) continue;
      let start = 0;
      let code: string | null = null;
      if (i > 1 && CODE_TOKEN.test(tokens[0]!)) {
        code = tokens[0]!;
        start = 1;
      }
      const description = tokens.slice(start, i).join(' ').trim();
      if (!/[A-Za-zÁÉÍÓÚÑáéíóúñ]/.test(description)) continue;
      const rateToken = tokens.slice(k + 1).find((t) => PERCENT.test(t));
      let rate = rateToken ? normalizeRate(PERCENT.exec(rateToken)![1]!) : null;
      if (rateToken && rate === null) {
        // A misread rate (OCR's `1%` for `21%`): the amount with IVA after it tells which it is.
        const grossAt = idx.find((x) => x > k);
        const gross = grossAt === undefined ? null : new Decimal(nums[grossAt]!);
        rate = gross ? (VAT_RATES.find((r) => s.times(new Decimal(r).div(100).plus(1)).minus(gross).abs().lte(0.011)) ?? null) : null;
      }
      const line: ParsedLine = {
        code,
        description: description.slice(0, 200),
        quantity: qty(q),
        unit_price: p.toFixed(),
        discount_rate: discount.isZero() ? null : discount.toFixed(),
        amount: money(s),
        vat_rate: rate,
        confidence: { description: 0.8, quantity: 0.9, unit_price: 0.9, amount: 0.9 },
      };
      const after = idx.filter((x) => x > k).length;
      if (after <= 1) return line;
      if (!fallback || after < fallback.after) fallback = { line, after };
      continue candidates;
    }
  }
  return fallback?.line ?? null;
}

const TABLE_HEADER = /(Cantidad|Cant\.)/i;
const TABLE_END = /^(Importe\s+Neto|Subtotal\s*:|Importe\s+Total|Otros\s+Tributos|Importe\s+Otros|CAE\b)/i;

export function parseInvoiceText(pages: string[][]): ParsedText {
  const out: ParsedText = { vatBreakdown: [], lines: [] };
  // Header regexes see the rows as laid out (wide gaps kept: they separate columns); the line
  // parser splits rows into tokens itself.
  const allLines = pages.flat().map((l) => l.replace(/[\r\n]+/g, ' ').trim()).filter(Boolean).slice(0, 5000);
  parseHeader(allLines.join('\n'), out);
  // Lines: rows after a table header ("Cantidad") up to the totals block, page by page; with no
  // header anywhere, every row that passes the arithmetic test.
  const hasHeader = allLines.some((l) => TABLE_HEADER.test(l));
  let inTable = !hasHeader;
  for (const row of allLines) {
    if (hasHeader && TABLE_HEADER.test(row) && /precio/i.test(row)) {
      inTable = true;
      continue;
    }
    if (TABLE_END.test(row)) {
      if (hasHeader) inTable = false;
      continue;
    }
    if (!inTable || out.lines.length >= 500) continue;
    const line = parseLine(row);
    if (line) out.lines.push(line);
  }
  return out;
}
