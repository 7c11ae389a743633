// Invoice files made in the test: AFIP-layout PDFs (pdf-lib, with a text layer and an embedded
// QR image carrying a real AFIP payload) and page images/photos of them (qrcode + sharp).
import { Decimal } from 'decimal.js';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import QRCode from 'qrcode';
import sharp from 'sharp';
import { buildAfipQrUrl, facturaCode, type InvoiceLetter } from '../../src/modules/invoices/afip-qr.ts';

export interface FixtureLine {
  code?: string;
  description: string;
  quantity: string;
  price: string;
  rate?: '21' | '10.5' | '27';
}

export interface FixtureInvoice {
  letter: InvoiceLetter;
  pointOfSale: number;
  number: number;
  date: string;
  issuerCuit: string;
  issuerName: string;
  cae: string;
  lines: FixtureLine[];
  /** Print this total instead of the right one (the QR keeps the right one). */
  printedTotal?: string;
}

/** `1.234,56` */
export function ars(v: Decimal.Value): string {
  const [i, f] = new Decimal(v).toFixed(2).split('.');
  return `${i!.replace(/\B(?=(\d{3})+(?!\d))/g, '.')},${f}`;
}

export function totalsOf(inv: FixtureInvoice) {
  let net = new Decimal(0);
  const vat = new Map<string, Decimal>();
  for (const l of inv.lines) {
    const amount = new Decimal(l.quantity).times(l.price).toDecimalPlaces(2);
    net = net.plus(amount);
    const rate = l.rate ?? '21';
    vat.set(rate, (vat.get(rate) ?? new Decimal(0)).plus(amount.times(rate).div(100).toDecimalPlaces(2)));
  }
  const vatTotal = [...vat.values()].reduce((s, v) => s.plus(v), new Decimal(0));
  // B and C print prices with IVA included (C has none to add).
  const gross = inv.letter === 'A' ? net.plus(vatTotal) : net;
  return { net, vat, vatTotal, total: gross };
}

export function qrUrlOf(inv: FixtureInvoice, override: Partial<{ importe: string; host: string }> = {}): string {
  return buildAfipQrUrl({
    fecha: inv.date,
    cuit: inv.issuerCuit,
    ptoVta: inv.pointOfSale,
    tipoCmp: facturaCode(inv.letter),
    nroCmp: inv.number,
    importe: override.importe ?? totalsOf(inv).total.toFixed(2),
    codAut: inv.cae,
    ...(override.host ? { host: override.host } : {}),
  });
}

export function qrPng(text: string, scale = 4): Promise<Buffer> {
  return QRCode.toBuffer(text, { type: 'png', errorCorrectionLevel: 'M', margin: 4, scale });
}

/** An invoice PDF in AFIP's layout: text layer plus the QR as an image (unless withQr is false). */
export async function invoicePdf(inv: FixtureInvoice, options: { withQr?: boolean; qrText?: string } = {}): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const page = doc.addPage([595, 842]);
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const text = (s: string, x: number, y: number, size = 9) => page.drawText(s, { x, y, size, font });
  const pad = (n: number, w: number) => String(n).padStart(w, '0');
  const t = totalsOf(inv);

  text('ORIGINAL', 270, 810);
  text(inv.issuerName, 40, 780, 14);
  text(inv.letter, 290, 780, 20);
  text(`COD. ${pad(facturaCode(inv.letter), 2)}`, 282, 765, 7);
  text('FACTURA', 400, 780, 14);
  text(`Razón Social: ${inv.issuerName}`, 40, 750);
  text('Domicilio Comercial: Av. Siempre Viva 742 - CABA', 40, 738);
  text('Condición frente al IVA: IVA Responsable Inscripto', 40, 726);
  text(`Punto de Venta: ${pad(inv.pointOfSale, 5)}    Comp. Nro: ${pad(inv.number, 8)}`, 330, 750);
  text(`Fecha de Emisión: ${inv.date.split('-').reverse().join('/')}`, 330, 738);
  text(`CUIT: ${inv.issuerCuit.replace(/-/g, '')}`, 330, 726);
  text('Ingresos Brutos: 901-123456-7', 330, 714);
  text('CUIT: 20123456786    Apellido y Nombre / Razón Social: Almacén Don Pepe', 40, 690);
  text('Condición de venta: Contado', 40, 678);

  const cols = inv.letter === 'A' ? [30, 90, 245, 290, 335, 385, 420, 475, 525] : [30, 90, 260, 320, 380, 430, 470, 520];
  const header =
    inv.letter === 'A'
      ? ['Código', 'Producto / Servicio', 'Cantidad', 'U. Medida', 'Precio Unit.', '% Bonif', 'Subtotal', 'Alícuota IVA', 'Subtotal c/IVA']
      : ['Código', 'Producto / Servicio', 'Cantidad', 'U. Medida', 'Precio Unit.', '% Bonif', 'Imp. Bonif.', 'Subtotal'];
  header.forEach((h, i) => text(h, cols[i]!, 650, 7));
  let y = 635;
  inv.lines.forEach((l, i) => {
    const amount = new Decimal(l.quantity).times(l.price);
    const rate = l.rate ?? '21';
    const cells =
      inv.letter === 'A'
        ? [l.code ?? pad(i + 1, 3), l.description, ars(l.quantity), 'unidades', ars(l.price), '0,00', ars(amount), `${rate.replace('.', ',')}%`, ars(amount.times(new Decimal(1).plus(new Decimal(rate).div(100))))]
        : [l.code ?? pad(i + 1, 3), l.description, ars(l.quantity), 'unidades', ars(l.price), '0,00', '0,00', ars(amount)];
    cells.forEach((c, k) => text(c, cols[k]!, y, 7));
    y -= 12;
  });

  y -= 20;
  const printed = inv.printedTotal ?? t.total.toFixed(2);
  if (inv.letter === 'A') {
    text(`Importe Neto Gravado: $ ${ars(t.net)}`, 360, y);
    for (const rate of ['27', '21', '10.5', '5', '2.5', '0']) {
      y -= 12;
      text(`IVA ${rate}%: $ ${ars(t.vat.get(rate) ?? 0)}`, 360, y);
    }
  } else {
    text(`Subtotal: $ ${ars(t.total)}`, 360, y);
  }
  y -= 12;
  text('Importe Otros Tributos: $ 0,00', 360, y);
  y -= 12;
  text(`Importe Total: $ ${ars(printed)}`, 360, y);
  text(`CAE N°: ${inv.cae}`, 360, 60);
  text('Fecha de Vto. de CAE: 30/04/2026', 360, 48);
  if (options.withQr !== false) {
    const png = await doc.embedPng(await qrPng(options.qrText ?? qrUrlOf(inv)));
    page.drawImage(png, { x: 40, y: 30, width: 110, height: 110 });
  }
  return Buffer.from(await doc.save());
}

/** A scanned page: white A4 at ~100 dpi with the QR in the lower left, as PNG or JPEG. */
export async function invoiceImage(qrText: string, format: 'png' | 'jpeg', options: { rotate?: number } = {}): Promise<Buffer> {
  const qr = await qrPng(qrText, 4);
  let img = sharp({ create: { width: 827, height: 1169, channels: 3, background: '#ffffff' } }).composite([{ input: qr, left: 60, top: 800 }]);
  if (options.rotate) {
    img = sharp(await img.png().toBuffer()).rotate(options.rotate, { background: '#ffffff' });
  }
  return format === 'png' ? img.png().toBuffer() : img.jpeg({ quality: 80 }).toBuffer();
}

/** A multipart/form-data body with one file part. */
export function multipartBody(bytes: Buffer, options: { field?: string; filename?: string; contentType?: string } = {}) {
  const boundary = `----inventario${Math.random().toString(16).slice(2)}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="${options.field ?? 'file'}"; filename="${options.filename ?? 'factura.pdf'}"\r\nContent-Type: ${options.contentType ?? 'application/octet-stream'}\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return { payload: Buffer.concat([head, bytes, tail]), contentType: `multipart/form-data; boundary=${boundary}` };
}
