// Page images of invoices with their text drawn in (for OCR): the AFIP layout of
// invoice-fixtures.ts as an SVG, rasterized by sharp (librsvg, system fonts), at ~150 dpi; and a
// "photo" of it: rotated a few degrees, on a grey background, with uneven light, noise, blur and
// JPEG compression.
import { Decimal } from 'decimal.js';
import { PDFDocument } from 'pdf-lib';
import sharp from 'sharp';
import { facturaCode } from '../../src/modules/invoices/afip-qr.ts';
import { ars, qrPng, totalsOf, type FixtureInvoice } from './invoice-fixtures.ts';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The page as SVG in PDF points (595 × 842), scaled by `scale` (2.1 ≈ 150 dpi). */
function invoiceSvg(inv: FixtureInvoice, scale: number): string {
  const parts: string[] = [];
  const text = (s: string, x: number, y: number, size = 9, weight = 'normal') =>
    parts.push(`<text x="${x}" y="${842 - y}" font-size="${size}" font-weight="${weight}">${esc(s)}</text>`);
  const pad = (n: number, w: number) => String(n).padStart(w, '0');
  const t = totalsOf(inv);
  text('ORIGINAL', 270, 815);
  text(inv.issuerName, 40, 780, 14, 'bold');
  text(inv.letter, 290, 780, 20, 'bold');
  text(`COD. ${pad(facturaCode(inv.letter), 2)}`, 282, 765, 7);
  text('FACTURA', 400, 780, 14, 'bold');
  text(`Razón Social: ${inv.issuerName}`, 40, 750);
  text('Domicilio Comercial: Av. Siempre Viva 742 - CABA', 40, 738);
  text('Condición frente al IVA: IVA Responsable Inscripto', 40, 726);
  text(`Punto de Venta: ${pad(inv.pointOfSale, 5)}   Comp. Nro: ${pad(inv.number, 8)}`, 330, 750);
  text(`Fecha de Emisión: ${inv.date.split('-').reverse().join('/')}`, 330, 738);
  text(`CUIT: ${inv.issuerCuit.replace(/-/g, '')}`, 330, 726);
  text('Ingresos Brutos: 901-123456-7', 330, 714);
  text('CUIT: 20123456786   Razón Social: Almacén Don Pepe', 40, 690);
  text('Condición de venta: Contado', 40, 678);
  const cols = [30, 100, 262, 305, 365, 430, 500];
  ['Código', 'Producto / Servicio', 'Cantidad', 'U. Medida', 'Precio Unit.', '% Bonif', 'Subtotal'].forEach((h, i) => text(h, cols[i]!, 650, 8));
  let y = 632;
  inv.lines.forEach((l, i) => {
    const amount = new Decimal(l.quantity).times(l.price);
    const cells = [l.code ?? pad(i + 1, 3), l.description, ars(l.quantity), 'unidades', ars(l.price), '0,00', ars(amount)];
    cells.forEach((c, k) => text(c, cols[k]!, y, 8));
    y -= 14;
  });
  y -= 20;
  const printed = inv.printedTotal ?? t.total.toFixed(2);
  if (inv.letter === 'A') {
    text(`Importe Neto Gravado: $ ${ars(t.net)}`, 340, y);
    for (const rate of ['21', '10.5']) {
      y -= 13;
      text(`IVA ${rate.replace('.', ',')}%: $ ${ars(t.vat.get(rate) ?? 0)}`, 340, y);
    }
  } else {
    text(`Subtotal: $ ${ars(t.total)}`, 340, y);
  }
  y -= 13;
  text('Importe Otros Tributos: $ 0,00', 340, y);
  y -= 13;
  text(`Importe Total: $ ${ars(printed)}`, 340, y, 10, 'bold');
  text(`CAE N°: ${inv.cae}`, 340, 60);
  text('Fecha de Vto. de CAE: 30/04/2026', 340, 48);
  const w = Math.round(595 * scale);
  const h = Math.round(842 * scale);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 595 842">
<rect width="595" height="842" fill="#ffffff"/>
<g font-family="Liberation Sans, DejaVu Sans, sans-serif" fill="#111111">${parts.join('')}</g></svg>`;
}

/** A clean page image (PNG), optionally with the AFIP QR in the lower left. */
export async function invoiceTextImage(inv: FixtureInvoice, options: { scale?: number; qrText?: string; blank?: boolean } = {}): Promise<Buffer> {
  const scale = options.scale ?? 2.1;
  const page = options.blank
    ? sharp({ create: { width: Math.round(595 * scale), height: Math.round(842 * scale), channels: 3, background: '#ffffff' } })
    : sharp(Buffer.from(invoiceSvg(inv, scale))).flatten({ background: '#ffffff' });
  if (!options.qrText) return page.png().toBuffer();
  const qr = await qrPng(options.qrText, 4);
  return sharp(await page.png().toBuffer())
    .composite([{ input: qr, left: Math.round(40 * scale), top: Math.round((842 - 140) * scale) }])
    .png()
    .toBuffer();
}

/** A phone "photo" of the page: rotated, on a table, uneven light, noise, slight blur, JPEG. */
export async function invoicePhoto(page: Buffer, options: { angle?: number; seed?: number; blur?: number; quality?: number; noise?: number } = {}): Promise<Buffer> {
  const rotated = await sharp(page)
    .rotate(options.angle ?? 3, { background: '#8a8a80' })
    .extend({ top: 40, bottom: 40, left: 40, right: 40, background: '#8a8a80' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const { width, height, channels } = rotated.info;
  const data = rotated.data;
  // Light falling off to the right and bottom, plus deterministic noise.
  // mulberry32: deterministic, uncorrelated noise.
  let s = options.seed ?? 7;
  const rand = () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let yy = 0; yy < height; yy++) {
    for (let xx = 0; xx < width; xx++) {
      const light = 1 - 0.25 * (xx / width) - 0.15 * (yy / height);
      const noise = (rand() - 0.5) * (options.noise ?? 30);
      const o = (yy * width + xx) * channels;
      for (let c = 0; c < Math.min(3, channels); c++) data[o + c] = Math.max(0, Math.min(255, Math.round(data[o + c]! * light + noise)));
    }
  }
  return sharp(data, { raw: { width, height, channels } })
    .blur(options.blur ?? 0.8)
    .jpeg({ quality: options.quality ?? 70 })
    .toBuffer();
}

/** A scanned PDF: one A4 page that is only an image (no text layer), as a scanner makes. */
export async function scannedPdf(pageImage: Buffer): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const page = doc.addPage([595, 842]);
  const png = await doc.embedPng(await sharp(pageImage).png().toBuffer());
  page.drawImage(png, { x: 0, y: 0, width: 595, height: 842 });
  return Buffer.from(await doc.save());
}
