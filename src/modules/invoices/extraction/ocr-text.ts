// OCR text → the invoice parser: first the usual OCR confusions are undone in number-shaped
// words (O/o → 0, l/I/| → 1, `S` for `$`, spaces around separators, split CUITs), then the text
// parser reads the lines as it reads a PDF's, and finally every value found gets the confidence
// of the words it was read from: the parser's confidence × the lowest word confidence (0–1).
import { Decimal } from 'decimal.js';
import { parseAmount } from '../amounts.ts';
import { facturaCode, type InvoiceLetter } from '../afip-qr.ts';
import { parseInvoiceText, parseLine, type Found, type ParsedText } from '../text-parser.ts';
import type { OcrLine, OcrResult } from './pipeline.ts';

const CONFUSABLE_DIGITS: Record<string, string> = { O: '0', o: '0', Q: '0', D: '0', l: '1', I: '1', '|': '1', '!': '1' };
/** A word shaped like a number, some of its digits possibly read as look-alike letters. */
const NUMBERISH = /^(\$?-?)([0-9OoQDlI|!]+(?:[.,][0-9OoQDlI|!]+)*)(%?[.,:;]?)$/;

function fixNumberWord(word: string): string {
  const m = NUMBERISH.exec(word);
  if (!m) return word;
  const body = m[2]!;
  const digits = (body.match(/\d/g) ?? []).length;
  const letters = (body.match(/[^\d.,]/g) ?? []).length;
  if (digits === 0 || letters === 0) return word;
  // `1O.5OO,OO` (an amount's shape) or mostly digits; never a word like `lO` or `Ol`.
  const amountShaped = /[.,][0-9OoQDlI|!]{2}$/.test(body) && /\d/.test(body[0]!);
  if (!amountShaped && letters > digits / 2) return word;
  return m[1]! + body.replace(/[OoQDlI|!]/g, (c) => CONFUSABLE_DIGITS[c]!) + m[3]!;
}

/** Undoes the common OCR slips in one line of text. */
export function normalizeOcrLine(line: string): string {
  // Runs of 3+ spaces are column gaps (linesOfPage puts them there): kept as exactly three.
  let s = line
    .replace(/[‘’´`]/g, "'")
    .replace(/[“”]/g, '"')
    .replace(/[^\S ]+/g, ' ')
    .replace(/ {2,}/g, (gap) => (gap.length >= 3 ? '   ' : ' '))
    .trim();
  // `C.U.l.T`, `CUlT`, `C U I T` → CUIT
  s = s.replace(/\bC\.?\s?U\.?\s?[IlL1|]\.?\s?T\b\.?/g, 'CUIT');
  // `COD. 01` in 7-point print: `cop. 01`, `C0D. 01`
  s = s.replace(/\b[Cc][Oo0][DdPp]\.?\s*[Nn]?[°º"*]?\s*([0-9Oo]{1,2}[0-9])\b/g, (_, code: string) => `COD. ${code.replace(/[Oo]/g, '0')}`);
  // `S 18.150,00` / `$18.150,00` with the dollar sign read as S or 5 is only safe for `S`.
  s = s.replace(/(^|[\s:])S\s?(?=\d)/g, '$1$ ');
  s = s
    .split(' ')
    .map((w) => fixNumberWord(w))
    .join(' ');
  // Spaces slipped around separators inside amounts: `18.150 ,00`, `18.150, 00`, `18 .150,00`.
  s = s.replace(/(\d)\s?([.,])\s(\d{2})(?!\d)/g, '$1$2$3');
  s = s.replace(/(\d)\s([.,])(\d)/g, '$1$2$3');
  // A thousands separator read as a space after a dollar sign: `$ 40 920,00`.
  s = s.replace(/\$ ?(\d{1,3}) (\d{3}(?:[.,]\d{3})*[.,]\d{2})(?!\d)/g, '$ $1.$2');
  // A percentage read with a space before its sign: `21 %`.
  s = s.replace(/(\d) %(?=\s|$)/g, '$1%');
  // A CUIT split around its dashes: `30 - 71234567 - 9`.
  s = s.replace(/\b(\d{2})\s?-\s?(\d{8})\s?-\s?(\d)\b/g, '$1-$2-$3');
  return s;
}

const digitsOf = (s: string) => s.replace(/\D/g, '').replace(/^0+(?=\d)/, '');

/** The lowest confidence of the shortest run of ≤ 4 words whose digits are `digits`, if any. */
function digitRunConfidence(lines: OcrLine[], digits: string): number | null {
  if (!digits) return null;
  for (const line of lines) {
    const words = line.words.map((w) => ({ d: digitsOf(normalizeOcrLine(w.text)), c: w.confidence }));
    for (let i = 0; i < words.length; i++) {
      let run = '';
      let min = 1;
      for (let j = i; j < Math.min(words.length, i + 4); j++) {
        run += words[j]!.d;
        min = Math.min(min, words[j]!.c);
        if (digitsOf(run) === digits) return min;
        if (run.length > digits.length + 2) break;
      }
    }
  }
  return null;
}

/** Like digitRunConfidence, for an amount or quantity compared by value (`1.500,00` = 1500). */
function amountRunConfidence(lines: OcrLine[], value: string): number | null {
  const wanted = new Decimal(value).abs();
  for (const line of lines) {
    const words = line.words.map((w) => ({ t: normalizeOcrLine(w.text).replace(/^\$/, ''), c: w.confidence }));
    for (let i = 0; i < words.length; i++) {
      let run = '';
      let min = 1;
      for (let j = i; j < Math.min(words.length, i + 3); j++) {
        run += words[j]!.t;
        min = Math.min(min, words[j]!.c);
        const n = parseAmount(run.replace(/[:;]$/, ''));
        if (n !== null && new Decimal(n).abs().eq(wanted)) return min;
      }
    }
  }
  return null;
}

function textConfidence(lines: OcrLine[], value: string): number | null {
  const wanted = value.toLowerCase().split(/\s+/).filter(Boolean);
  if (wanted.length === 0) return null;
  for (const line of lines) {
    const words = line.words.map((w) => ({ t: w.text.toLowerCase(), c: w.confidence }));
    for (let i = 0; i + wanted.length <= words.length; i++) {
      if (wanted.every((w, k) => words[i + k]!.t === w || words[i + k]!.t.endsWith(`:${w}`))) {
        return Math.min(...words.slice(i, i + wanted.length).map((w) => w.c));
      }
    }
  }
  return null;
}

function scale<T>(found: Found<T> | undefined, ocr: number | null, page: number): Found<T> | undefined {
  if (!found) return found;
  return { value: found.value, confidence: round(found.confidence * (ocr ?? page)) };
}

const round = (n: number) => Math.round(Math.max(0, Math.min(1, n)) * 100) / 100;

function dateDigits(iso: string): string {
  const [y, m, d] = iso.split('-');
  return digitsOf(`${d}${m}${y}`);
}

/**
 * A table row whose arithmetic fails may have lost an amount's separators (`234550` for
 * `2.345,50`): plain digit runs are read again with two decimals, one or two at a time, and the
 * first reading whose quantity × price = amount holds is taken. The arithmetic is the check.
 */
export function repairRow(row: string): string {
  if (parseLine(row) !== null) return row;
  const tokens = row.split(' ');
  const bare = tokens.map((t, i) => (/^\d{3,}$/.test(t) ? i : -1)).filter((i) => i > 0);
  if (bare.length === 0 || bare.length > 8) return row;
  const withDecimals = (t: string) => `${t.slice(0, -2)},${t.slice(-2)}`;
  const tries: number[][] = [...bare.map((i) => [i]), ...bare.flatMap((i, a) => bare.slice(a + 1).map((j) => [i, j]))];
  for (const change of tries) {
    const candidate = tokens.map((t, i) => (change.includes(i) ? withDecimals(t) : t)).join(' ');
    if (parseLine(candidate) !== null) return candidate;
  }
  return row;
}

/** OCR output → parsed invoice text with per-field confidences; null when nothing was read. */
export function parseOcrText(ocr: OcrResult): ParsedText | null {
  const lines = ocr.lines.map((l) => ({ ...l, text: repairRow(normalizeOcrLine(l.text)) })).filter((l) => l.text);
  if (lines.length === 0) return null;
  const parsed = parseInvoiceText([lines.map((l) => l.text)]);
  // The big letter box (`A` between the issuer's name and FACTURA) when the `COD. 01` under it,
  // in 7-point print, was not read: a lone A/B/C between column gaps near the top.
  const fromLetterBox = !parsed.letter;
  if (!parsed.letter) {
    for (const line of lines.slice(0, 10)) {
      const m = /(?:^|\s{3})([ABC])(?:\s{3}|$)/.exec(line.text);
      if (!m || !(/\bFACTURA\b/i.test(line.text) || line.text.trim().length === 1)) continue;
      const letter = m[1] as InvoiceLetter;
      const conf = line.words.find((w) => w.text === letter)?.confidence ?? line.confidence;
      parsed.letter = { value: letter, confidence: 0.7 * conf };
      if (!parsed.invoiceType && /\bFACTURA\b/i.test(line.text)) parsed.invoiceType = { value: facturaCode(letter), confidence: 0.6 * conf };
      break;
    }
  }
  // Specks and a QR's pattern read as letters are not an invoice's text.
  const found = Object.entries(parsed).some(([k, v]) => (k === 'lines' || k === 'vatBreakdown' ? (v as unknown[]).length > 0 : v !== undefined));
  if (!found) return null;
  const page = ocr.confidence;
  const money = (v: string) => amountRunConfidence(lines, v);
  const out: ParsedText = {
    ...parsed,
    invoiceType: scale(parsed.invoiceType, fromLetterBox ? 1 : null, page),
    letter: scale(parsed.letter, fromLetterBox ? 1 : null, page),
    pointOfSale: scale(parsed.pointOfSale, parsed.pointOfSale ? digitRunConfidence(lines, String(parsed.pointOfSale.value)) : null, page),
    number: scale(parsed.number, parsed.number ? digitRunConfidence(lines, String(parsed.number.value)) : null, page),
    issueDate: scale(parsed.issueDate, parsed.issueDate ? digitRunConfidence(lines, dateDigits(parsed.issueDate.value)) : null, page),
    issuerCuit: scale(parsed.issuerCuit, parsed.issuerCuit ? digitRunConfidence(lines, digitsOf(parsed.issuerCuit.value)) : null, page),
    receiverCuit: scale(parsed.receiverCuit, parsed.receiverCuit ? digitRunConfidence(lines, digitsOf(parsed.receiverCuit.value)) : null, page),
    issuerName: scale(parsed.issuerName, parsed.issuerName ? textConfidence(lines, parsed.issuerName.value) : null, page),
    cae: scale(parsed.cae, parsed.cae ? digitRunConfidence(lines, parsed.cae.value) : null, page),
    net: scale(parsed.net, parsed.net ? money(parsed.net.value) : null, page),
    vat: scale(
      parsed.vat,
      parsed.vatBreakdown.length > 0 ? Math.min(...parsed.vatBreakdown.map((r) => money(r.amount) ?? page)) : null,
      page,
    ),
    otherTaxes: scale(parsed.otherTaxes, parsed.otherTaxes ? money(parsed.otherTaxes.value) : null, page),
    total: scale(parsed.total, parsed.total ? money(parsed.total.value) : null, page),
  };
  for (const key of Object.keys(out) as (keyof ParsedText)[]) if (out[key] === undefined) delete out[key];

  // Lines: the OCR line each was read from gives its words' confidences.
  const used = new Set<number>();
  out.lines = parsed.lines.map((pl) => {
    const index = lines.findIndex((l, i) => {
      if (used.has(i)) return false;
      const again = parseLine(l.text);
      return again !== null && again.amount === pl.amount && again.description === pl.description;
    });
    if (index < 0) {
      const c = page;
      return { ...pl, confidence: { description: round(pl.confidence.description * c), quantity: round(pl.confidence.quantity * c), unit_price: round(pl.confidence.unit_price * c), amount: round(pl.confidence.amount * c) } };
    }
    used.add(index);
    const one = [lines[index]!];
    const desc = textConfidence(one, pl.description) ?? lines[index]!.confidence;
    const num = (v: string) => amountRunConfidence(one, v) ?? lines[index]!.confidence;
    return {
      ...pl,
      confidence: {
        description: round(pl.confidence.description * desc),
        quantity: round(pl.confidence.quantity * num(pl.quantity)),
        unit_price: round(pl.confidence.unit_price * num(pl.unit_price)),
        amount: round(pl.confidence.amount * num(pl.amount)),
      },
    };
  });
  return out;
}
