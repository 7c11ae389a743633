// `node --import tsx bench/ocr.ts [--invoices N]`: OCR of invoice page images (docs/performance.md
// "Invoice OCR"). N invoices (letters A/B/C, 1–15 lines) are drawn as page images (~150 dpi,
// test/helpers/invoice-images.ts, no QR so every field comes from OCR) in three variants: the clean
// page (PNG), a phone "photo" (JPEG: turned 1–5°, on a table, uneven light, noise, slight blur),
// and a harder photo (turned 3–8°, ~115 dpi, more noise and blur, JPEG quality 45). Each goes
// through the engine the server uses (preprocessing + tesseract.js, one engine, warmed up) and
// the OCR text parser; prints, per variant, the median time per page and the share of totals,
// issuer CUITs and line amounts read exactly, as one JSON line each.
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Decimal } from 'decimal.js';
import { createTesseractOcr } from '../src/modules/invoices/extraction/ocr.ts';
import { parseOcrText } from '../src/modules/invoices/extraction/ocr-text.ts';
import { validCuit } from '../test/helpers/fixtures.ts';
import { totalsOf, type FixtureInvoice } from '../test/helpers/invoice-fixtures.ts';
import { invoicePhoto, invoiceTextImage } from '../test/helpers/invoice-images.ts';

const { values } = parseArgs({ options: { invoices: { type: 'string', default: '12' } } });
const N = Number(values.invoices);

const NAMES = ['Yerba mate suave', 'Aceite girasol', 'Arroz largo fino', 'Fideos tirabuzón', 'Azúcar común', 'Harina 000', 'Leche entera', 'Galletitas agua', 'Café molido', 'Detergente limón', 'Lavandina', 'Jabón tocador', 'Sal fina', 'Tomate triturado', 'Atún al natural'];
let seed = 11;
const rnd = () => {
  seed = (seed * 16807) % 2147483647;
  return seed / 2147483647;
};
const invoices: FixtureInvoice[] = Array.from({ length: N }, (_, i) => ({
  letter: (['A', 'B', 'C'] as const)[i % 3]!,
  pointOfSale: 1 + (i % 9),
  number: 1000 + i * 37,
  date: `2026-0${1 + (i % 9)}-1${i % 10}`,
  issuerCuit: validCuit(20 + i),
  issuerName: `Distribuidora ${['Norte', 'Sur', 'Centro'][i % 3]} SA`,
  cae: `7412345678${9000 + i}`,
  lines: Array.from({ length: 1 + Math.floor(rnd() * 15) }, (_, k) => ({
    description: `${NAMES[(i + k) % NAMES.length]} ${1 + (k % 3)} kg`,
    quantity: String(1 + Math.floor(rnd() * 24)),
    price: new Decimal(Math.floor(rnd() * 900_000) / 100 + 50).toFixed(2),
    ...(k % 4 === 3 ? { rate: '10.5' as const } : {}),
  })),
}));

const VARIANTS = {
  clean: (inv: FixtureInvoice) => invoiceTextImage(inv),
  photo: async (inv: FixtureInvoice, i: number) => invoicePhoto(await invoiceTextImage(inv), { angle: (i % 2 ? 1 : -1) * (1 + (i % 5)), seed: i + 1 }),
  hard_photo: async (inv: FixtureInvoice, i: number) =>
    invoicePhoto(await invoiceTextImage(inv, { scale: 1.6 }), { angle: (i % 2 ? 1 : -1) * (3 + (i % 6)), seed: i + 1, blur: 1.1, quality: 45, noise: 50 }),
};

const ocr = createTesseractOcr({ concurrency: 1, timeoutMs: 120_000 });
const started = performance.now();
await ocr.recognize(await invoiceTextImage(invoices[0]!), 'png');
const firstMs = Math.round(performance.now() - started);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
for (const [variant, make] of Object.entries(VARIANTS)) {
  const times: number[] = [];
  let totals = 0;
  let cuits = 0;
  let lines = 0;
  let linesOk = 0;
  for (const [i, inv] of invoices.entries()) {
    const image = await make(inv, i);
    const t0 = performance.now();
    const read = parseOcrText(await ocr.recognize(image, variant === 'clean' ? 'png' : 'jpeg'));
    times.push(performance.now() - t0);
    if (read?.total?.value === totalsOf(inv).total.toFixed(2)) totals += 1;
    if (read?.issuerCuit?.value === inv.issuerCuit) cuits += 1;
    const amounts = (read?.lines ?? []).map((l) => l.amount);
    for (const l of inv.lines) {
      lines += 1;
      const want = new Decimal(l.quantity).times(l.price).toFixed(2);
      const at = amounts.indexOf(want);
      if (at >= 0) {
        linesOk += 1;
        amounts.splice(at, 1);
      }
    }
  }
  const pct = (a: number, b: number) => Math.round((1000 * a) / b) / 10;
  console.log(
    JSON.stringify({
      variant,
      pages: N,
      median_ms_per_page: Math.round(median(times)),
      max_ms: Math.round(Math.max(...times)),
      first_page_ms_with_engine_start: firstMs,
      total_exact_pct: pct(totals, N),
      issuer_cuit_exact_pct: pct(cuits, N),
      line_amounts_exact_pct: pct(linesOk, lines),
      lines,
    }),
  );
}
await ocr.close();
