// The supplier-invoice corpus (issue 5 §1): seeded invoices in the layout AFIP/ARCA's
// "Comprobantes en línea" prints (ORIGINAL strip, header split in two with the letter box and
// `COD. nn` in the middle, issuer and receiver blocks, the lines table, the "Otros tributos" table
// and the totals with IVA per rate, the QR with the real `https://www.afip.gob.ar/fe/qr/?p=<base64
// JSON>` URL, CAE and its due date), rendered by Chromium to a PDF (page.pdf, with its text layer)
// and a PNG (a 2× screenshot, ~190 dpi), plus phone "photos" made from the PNG with
// invoicePhoto (invoice-images.ts): rotation, uneven light, noise, blur and JPEG compression.
// Each invoice comes with its ground truth, in the API's formats (amounts `1234.50`, quantities
// without trailing zeros, CUITs dashed).
//
// Everything is a function of (seed, index): the same seed gives the same invoices, the same
// HTML and so the same pages (Chromium's PDF carries its creation date, so its bytes differ).
// Used by scripts/make-invoice-corpus.ts (files on disk), bench/invoices.ts and the tests.
import { Decimal } from 'decimal.js';
import { chromium, type Browser } from 'playwright-core';
import QRCode from 'qrcode';
import sharp from 'sharp';
import { cuitCheckDigit } from '../../src/modules/catalog/cuit.ts';
import { buildAfipQrUrl, facturaCode, type InvoiceLetter } from '../../src/modules/invoices/afip-qr.ts';
import { money, qty } from '../../src/modules/invoices/amounts.ts';
import { ars, qrPng } from './invoice-fixtures.ts';
import { invoicePhoto } from './invoice-images.ts';

/** Bumped whenever the layout or the spec generation changes (recorded in each truth file). */
export const CORPUS_VERSION = 1;

/** As test/e2e/harness.ts (not imported: it pulls in vitest). */
const CHROMIUM_PATH = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];

export interface CorpusLine {
  code: string | null;
  description: string;
  quantity: string;
  unit: string;
  unit_price: string;
  discount_rate: string | null;
  amount: string;
  /** A invoices only (B and C print prices with IVA included). */
  vat_rate: string | null;
}

export interface CorpusTruth {
  version: number;
  seed: number;
  index: number;
  id: string;
  letter: InvoiceLetter;
  invoice_type: number;
  point_of_sale: number;
  number: number;
  issue_date: string;
  issuer_cuit: string;
  issuer_name: string;
  issuer_address: string;
  issuer_vat_condition: string;
  issuer_iibb: string;
  activity_start: string;
  receiver_cuit: string;
  receiver_name: string;
  cae: string;
  cae_due: string;
  /** Net as the system defines it: net + vat + other_taxes = total (B/C: IVA included, vat 0). */
  net: string;
  vat: string;
  vat_breakdown: { rate: string; base: string; amount: string }[];
  other_taxes: string;
  other_tax_rows: { description: string; detail: string; rate: string; base: string; amount: string }[];
  total: string;
  qr_url: string;
  lines: CorpusLine[];
}

export const CORPUS_VARIANTS = ['pdf', 'png', 'photo', 'photo_hard'] as const;
export type CorpusVariant = (typeof CORPUS_VARIANTS)[number];
export const VARIANT_FILE: Record<CorpusVariant, string> = { pdf: 'pdf', png: 'png', photo: 'photo.jpg', photo_hard: 'photo-hard.jpg' };

// ---------------------------------------------------------------------------------------------
// Spec

/** mulberry32 */
function rng(seed: number): () => number {
  let s = seed | 0;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ISSUERS: { name: string; letter: InvoiceLetter[]; condition: string }[] = [
  { name: 'Distribuidora del Sur S.A.', letter: ['A', 'B'], condition: 'IVA Responsable Inscripto' },
  { name: 'Mayorista Don Tito S.R.L.', letter: ['A', 'B'], condition: 'IVA Responsable Inscripto' },
  { name: 'Lácteos La Pampa S.A.', letter: ['A', 'B'], condition: 'IVA Responsable Inscripto' },
  { name: 'Frigorífico Río Cuarto S.A.', letter: ['A', 'B'], condition: 'IVA Responsable Inscripto' },
  { name: 'Comercial Norteña SRL', letter: ['A', 'B'], condition: 'IVA Responsable Inscripto' },
  { name: 'Bebidas Patagónicas S.A.', letter: ['A', 'B'], condition: 'IVA Responsable Inscripto' },
  { name: 'Panificadora Alvear', letter: ['C'], condition: 'Responsable Monotributo' },
  { name: 'Gómez María Laura', letter: ['C'], condition: 'Responsable Monotributo' },
  { name: 'Huevos Don Ramón', letter: ['C'], condition: 'Responsable Monotributo' },
  { name: 'Verdulería Los Hermanos', letter: ['C'], condition: 'Responsable Monotributo' },
];
const STREETS = ['Av. Corrientes', 'Av. San Martín', 'Belgrano', 'Av. Rivadavia', 'Sarmiento', 'Mitre', 'Av. Colón', '25 de Mayo'];
const CITIES = ['CABA', 'Córdoba', 'Rosario - Santa Fe', 'Mar del Plata - Buenos Aires', 'Mendoza', 'La Plata - Buenos Aires'];
const PRODUCTS: { name: string; unit: string; weighed?: boolean; price: [number, number]; rate?: string }[] = [
  { name: 'Yerba mate suave 1 kg', unit: 'unidades', price: [2500, 6500] },
  { name: 'Aceite de girasol 1,5 l', unit: 'unidades', price: [2800, 5200] },
  { name: 'Arroz largo fino 1 kg', unit: 'unidades', price: [900, 2100] },
  { name: 'Fideos tirabuzón 500 g', unit: 'unidades', price: [700, 1600] },
  { name: 'Azúcar común tipo A 1 kg', unit: 'unidades', price: [900, 1700], rate: '10.5' },
  { name: 'Harina de trigo 000', unit: 'unidades', price: [600, 1300], rate: '10.5' },
  { name: 'Leche entera larga vida', unit: 'unidades', price: [1000, 1900], rate: '10.5' },
  { name: 'Galletitas de agua x 3', unit: 'unidades', price: [1200, 2600] },
  { name: 'Café molido 250 g', unit: 'unidades', price: [3500, 7900] },
  { name: 'Detergente limón 750 ml', unit: 'unidades', price: [1100, 2900] },
  { name: 'Lavandina 2 l', unit: 'unidades', price: [800, 1900] },
  { name: 'Jabón de tocador', unit: 'unidades', price: [500, 1400] },
  { name: 'Tomate triturado', unit: 'unidades', price: [600, 1500] },
  { name: 'Atún al natural', unit: 'unidades', price: [1800, 3900] },
  { name: 'Queso cremoso', unit: 'kilogramos', weighed: true, price: [7500, 14900] },
  { name: 'Jamón cocido feteado', unit: 'kilogramos', weighed: true, price: [11000, 24000] },
  { name: 'Papa negra', unit: 'kilogramos', weighed: true, price: [600, 1400], rate: '10.5' },
  { name: 'Gaseosa cola 2,25 l', unit: 'unidades', price: [1900, 3600] },
  { name: 'Agua mineral sin gas', unit: 'unidades', price: [700, 1500] },
  { name: 'Cerveza rubia lata 473', unit: 'unidades', price: [1300, 2400] },
  { name: 'Vino tinto Malbec', unit: 'unidades', price: [3500, 12500] },
  { name: 'Papel higiénico x 4', unit: 'unidades', price: [1500, 3800] },
  { name: 'Pañales talle G x 30', unit: 'unidades', price: [14000, 26000] },
  { name: 'Alfajor triple chocolate', unit: 'unidades', price: [600, 1400] },
  { name: 'Huevos blancos maple x 30', unit: 'unidades', price: [4500, 8900], rate: '10.5' },
  { name: 'Pan lactal blanco', unit: 'unidades', price: [1700, 3400], rate: '10.5' },
  { name: 'Manteca 200 g', unit: 'unidades', price: [1900, 3900] },
  { name: 'Dulce de leche 400 g', unit: 'unidades', price: [1600, 3500] },
  { name: 'Shampoo 400 ml', unit: 'unidades', price: [2900, 7500] },
  { name: 'Bolsa residuos 50x70', unit: 'unidades', price: [800, 2200] },
];
const RECEIVER = { cuit: '20-12345678-6', name: 'Almacén Don Pepe' };

const pad = (n: number, w: number) => String(n).padStart(w, '0');
const dmy = (iso: string) => iso.split('-').reverse().join('/');

function cuitFor(r: () => number, prefix: '20' | '27' | '30' | '33'): string {
  for (;;) {
    const body = pad(10_000_000 + Math.floor(r() * 89_999_999), 8);
    const check = cuitCheckDigit(`${prefix}${body}`);
    if (check !== null) return `${prefix}-${body}-${check}`;
  }
}

function addDays(iso: string, days: number): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/**
 * Invoice `index` of the corpus with `seed`: letters cycle A, B, C; the number of lines is 1 for
 * the first invoice, 40 for the second and 1–40 for the rest.
 */
export function corpusInvoice(seed: number, index: number): CorpusTruth {
  const r = rng(seed * 7919 + index * 104_729 + 1);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const letter = (['A', 'B', 'C'] as const)[index % 3]!;
  const issuer = pick(ISSUERS.filter((i) => i.letter.includes(letter)));
  const issuerCuit = cuitFor(r, letter === 'C' ? (r() < 0.5 ? '20' : '27') : r() < 0.7 ? '30' : '33');
  const issueDate = addDays('2025-06-01', Math.floor(r() * 540));
  const lineCount = index === 0 ? 1 : index === 1 ? 40 : 1 + Math.floor(r() * 40);
  const used = new Set<number>();
  const lines: CorpusLine[] = [];
  for (let k = 0; k < lineCount; k++) {
    let p = Math.floor(r() * PRODUCTS.length);
    while (used.has(p) && used.size < PRODUCTS.length) p = (p + 1) % PRODUCTS.length;
    used.add(p);
    const product = PRODUCTS[p]!;
    const variant = used.size > PRODUCTS.length - 1 || k >= PRODUCTS.length ? ` ${pick(['x 6', 'x 12', 'promo', 'caja'])}` : '';
    const quantity = product.weighed ? new Decimal(Math.floor(50 + r() * 950)).div(100) : new Decimal(pick([1, 2, 3, 4, 5, 6, 6, 10, 12, 12, 18, 24, 24, 36, 48, 120]));
    const [lo, hi] = product.price;
    const price = new Decimal(Math.floor((lo + r() * (hi - lo)) * 100)).div(100);
    const discount = r() < 0.15 ? new Decimal(pick([5, 10, 15, 2.5])) : new Decimal(0);
    const amount = quantity.times(price).times(new Decimal(1).minus(discount.div(100))).toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
    const codeKind = r();
    const code = codeKind < 0.45 ? `779${pad(Math.floor(r() * 1e10), 10)}` : codeKind < 0.85 ? `${pick(['AL', 'BE', 'LI', 'FI', 'PE'])}-${pad(Math.floor(r() * 9999), 4)}` : null;
    lines.push({
      code,
      description: `${product.name}${variant}`,
      quantity: qty(quantity),
      unit: product.unit,
      unit_price: price.toFixed(),
      discount_rate: discount.isZero() ? null : discount.toFixed(),
      amount: money(amount),
      vat_rate: letter === 'A' ? (product.rate ?? '21') : null,
    });
  }
  const subtotal = lines.reduce((s, l) => s.plus(l.amount), new Decimal(0));
  const vatBreakdown: CorpusTruth['vat_breakdown'] = [];
  if (letter === 'A') {
    for (const rate of ['27', '21', '10.5', '5', '2.5']) {
      const base = lines.filter((l) => l.vat_rate === rate).reduce((s, l) => s.plus(l.amount), new Decimal(0));
      if (!base.isZero()) vatBreakdown.push({ rate, base: money(base), amount: money(base.times(rate).div(100)) });
    }
  }
  const vat = vatBreakdown.reduce((s, v) => s.plus(v.amount), new Decimal(0));
  const otherRows: CorpusTruth['other_tax_rows'] = [];
  if (letter !== 'C' && r() < 0.35) {
    const rate = pick(['1.5', '2', '3']);
    otherRows.push({ description: 'Per./Ret. de Ingresos Brutos', detail: pick(['Buenos Aires', 'CABA', 'Córdoba']), rate, base: money(subtotal), amount: money(subtotal.times(rate).div(100)) });
  }
  const other = otherRows.reduce((s, o) => s.plus(o.amount), new Decimal(0));
  const total = subtotal.plus(vat).plus(other);
  const pointOfSale = r() < 0.7 ? 1 + Math.floor(r() * 12) : 1 + Math.floor(r() * 9998);
  const number = 1 + Math.floor(r() * 250_000);
  const cae = `7${pad(Math.floor(r() * 1e13), 13)}`;
  const invoiceType = facturaCode(letter);
  return {
    version: CORPUS_VERSION,
    seed,
    index,
    id: `f${pad(index + 1, 3)}-${letter}`,
    letter,
    invoice_type: invoiceType,
    point_of_sale: pointOfSale,
    number,
    issue_date: issueDate,
    issuer_cuit: issuerCuit,
    issuer_name: issuer.name,
    issuer_address: `${pick(STREETS)} ${100 + Math.floor(r() * 4800)} - ${pick(CITIES)}`,
    issuer_vat_condition: issuer.condition,
    issuer_iibb: r() < 0.5 ? issuerCuit.replace(/-/g, '') : `901-${pad(Math.floor(r() * 999_999), 6)}-${Math.floor(r() * 10)}`,
    activity_start: addDays('2005-01-01', Math.floor(r() * 6000)),
    receiver_cuit: RECEIVER.cuit,
    receiver_name: RECEIVER.name,
    cae,
    cae_due: addDays(issueDate, 10),
    net: money(subtotal),
    vat: money(vat),
    vat_breakdown: vatBreakdown,
    other_taxes: money(other),
    other_tax_rows: otherRows,
    total: money(total),
    qr_url: buildAfipQrUrl({
      fecha: issueDate,
      cuit: issuerCuit,
      ptoVta: pointOfSale,
      tipoCmp: invoiceType,
      nroCmp: number,
      importe: money(total),
      codAut: cae,
      tipoDocRec: 80,
      nroDocRec: RECEIVER.cuit.replace(/-/g, ''),
    }),
    lines,
  };
}

export function corpusInvoices(seed: number, count: number): CorpusTruth[] {
  return Array.from({ length: count }, (_, i) => corpusInvoice(seed, i));
}

// ---------------------------------------------------------------------------------------------
// HTML

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const rateLabel = (rate: string) => `${rate}%`;

const CSS = `
@page { size: A4; margin: 0 }
* { box-sizing: border-box }
html, body { margin: 0; padding: 0; background: #fff }
body { width: 210mm; height: 296mm; padding: 7mm 8mm; font: 8.5pt "Liberation Sans", Arial, sans-serif; color: #000; display: flex; flex-direction: column }
b { font-weight: bold }
.box { border: 1px solid #000 }
.orig { text-align: center; font-weight: bold; font-size: 11pt; padding: 3px 0 }
.head { position: relative; display: flex; border-top: 0 }
.half { width: 50%; padding: 6px 10px 6px }
.half.right { border-left: 1px solid #000; padding-left: 44px }
.letter { position: absolute; left: 50%; top: -1px; margin-left: -29px; width: 58px; height: 54px; border: 1px solid #000; background: #fff; text-align: center }
.letter .l { font-size: 27pt; font-weight: bold; line-height: 36px; display: block }
.letter .c { font-size: 7pt; font-weight: bold; display: block }
.issuer { font-size: 14pt; font-weight: bold; text-align: center; margin: 10px 0 16px }
.kind { font-size: 16pt; font-weight: bold; margin: 6px 0 10px }
.row { margin: 3px 0; white-space: nowrap }
.gap { display: inline-block; width: 24px }
.period { display: flex; justify-content: space-between; padding: 4px 10px; margin-top: 2px }
.client { padding: 4px 10px; margin-top: 2px }
.client .row { display: flex; gap: 24px }
table { border-collapse: collapse; width: 100% }
.items { margin-top: 4px; font-size: 7.5pt }
.items th { background: #ccc; border: 1px solid #000; font-weight: bold; padding: 3px 3px; text-align: center; white-space: nowrap }
.items td { padding: 1.5px 4px; white-space: nowrap; text-align: right }
.items td.t { text-align: left }
.fill { flex: 1 }
.totals { display: flex; gap: 8px; padding: 6px 10px }
.others { width: 55% }
.others table { font-size: 7.5pt }
.others th { background: #ccc; border: 1px solid #000; padding: 2px 3px; white-space: nowrap }
.others td { padding: 1px 4px; text-align: right }
.others td.t { text-align: left }
.others .sum { text-align: right; margin-top: 6px; font-weight: bold }
.sums { width: 45% }
.sums .row { display: flex; justify-content: flex-end; gap: 8px; margin: 2px 0; font-weight: bold }
.sums .row span:last-child { min-width: 95px; text-align: right }
.foot { display: flex; align-items: flex-start; margin-top: 8px; gap: 12px }
.qr { image-rendering: pixelated }
.arca { font-size: 15pt; font-weight: bold; font-style: italic; margin-top: 8px }
.auth { font-size: 9pt; font-weight: bold; font-style: italic }
.legal { font-size: 6pt; margin-top: 4px; width: 260px; white-space: normal }
.cae { margin-left: auto; text-align: right; font-weight: bold; margin-top: 8px }
.page { text-align: center; font-weight: bold; margin-bottom: 6px }
`;

/** The invoice as a self-contained HTML page (the QR inline as a data: URL). */
export async function invoiceHtml(inv: CorpusTruth): Promise<string> {
  // 3 pixels a module in the 2× PNG (1.5 CSS px, ~0.4 mm: the QR is ~30 mm wide, as printed),
  // so that the screenshot does not resample it.
  const qr = (await qrPng(inv.qr_url, 3)).toString('base64');
  const qrCss = ((QRCode.create(inv.qr_url, { errorCorrectionLevel: 'M' }).modules.size + 8) * 3) / 2;
  const isA = inv.letter === 'A';
  const head = isA
    ? ['Código', 'Producto / Servicio', 'Cantidad', 'U. Medida', 'Precio Unit.', '% Bonif', 'Subtotal', 'Alícuota IVA', 'Subtotal c/IVA']
    : ['Código', 'Producto / Servicio', 'Cantidad', 'U. Medida', 'Precio Unit.', '% Bonif', 'Imp. Bonif.', 'Subtotal'];
  const rows = inv.lines.map((l) => {
    const gross = new Decimal(l.quantity).times(l.unit_price);
    const discount = new Decimal(l.discount_rate ?? 0);
    const cells = isA
      ? [
          l.code ?? '',
          l.description,
          ars(l.quantity),
          l.unit,
          ars(l.unit_price),
          ars(discount),
          ars(l.amount),
          rateLabel(l.vat_rate!),
          ars(new Decimal(l.amount).times(new Decimal(1).plus(new Decimal(l.vat_rate!).div(100)))),
        ]
      : [l.code ?? '', l.description, ars(l.quantity), l.unit, ars(l.unit_price), ars(discount), ars(discount.isZero() ? 0 : gross.toDecimalPlaces(2).minus(l.amount)), ars(l.amount)];
    return `<tr>${cells.map((c, i) => `<td${i === 1 || i === 0 || i === 3 ? ' class="t"' : ''}>${esc(c)}</td>`).join('')}</tr>`;
  });
  const vatOf = (rate: string) => inv.vat_breakdown.find((v) => v.rate === rate)?.amount ?? '0';
  const sums = isA
    ? [
        ['Importe Neto Gravado: $', ars(inv.net)],
        ...['27', '21', '10.5', '5', '2.5', '0'].map((rate) => [`IVA ${rate}%: $`, ars(vatOf(rate))]),
        ['Importe Otros Tributos: $', ars(inv.other_taxes)],
        ['Importe Total: $', ars(inv.total)],
      ]
    : [
        ['Subtotal: $', ars(inv.net)],
        ['Importe Otros Tributos: $', ars(inv.other_taxes)],
        ['Importe Total: $', ars(inv.total)],
      ];
  const others = inv.other_tax_rows
    .map((o) => `<tr><td class="t">${esc(o.description)}</td><td class="t">${esc(o.detail)}</td><td>${ars(o.rate)}</td><td>${ars(o.amount)}</td></tr>`)
    .join('');
  return `<!doctype html><html lang="es"><head><meta charset="utf-8"><title>${esc(inv.id)}</title><style>${CSS}</style></head><body>
<div class="box orig">ORIGINAL</div>
<div class="box head">
  <div class="letter"><span class="l">${inv.letter}</span><span class="c">COD. ${pad(inv.invoice_type, 2)}</span></div>
  <div class="half">
    <div class="issuer">${esc(inv.issuer_name)}</div>
    <div class="row"><b>Razón Social:</b> ${esc(inv.issuer_name)}</div>
    <div class="row"><b>Domicilio Comercial:</b> ${esc(inv.issuer_address)}</div>
    <div class="row"><b>Condición frente al IVA:</b> ${esc(inv.issuer_vat_condition)}</div>
  </div>
  <div class="half right">
    <div class="kind">FACTURA</div>
    <div class="row"><b>Punto de Venta:</b> ${pad(inv.point_of_sale, 5)}<span class="gap"></span><b>Comp. Nro:</b> ${pad(inv.number, 8)}</div>
    <div class="row"><b>Fecha de Emisión:</b> ${dmy(inv.issue_date)}</div>
    <div class="row"><b>CUIT:</b> ${inv.issuer_cuit.replace(/-/g, '')}</div>
    <div class="row"><b>Ingresos Brutos:</b> ${esc(inv.issuer_iibb)}</div>
    <div class="row"><b>Fecha de Inicio de Actividades:</b> ${dmy(inv.activity_start)}</div>
  </div>
</div>
<div class="box period"><span><b>Período Facturado Desde:</b> ${dmy(inv.issue_date)}</span><span><b>Hasta:</b> ${dmy(inv.issue_date)}</span><span><b>Fecha de Vto. para el pago:</b> ${dmy(inv.cae_due)}</span></div>
<div class="box client">
  <div class="row"><span><b>CUIT:</b> ${inv.receiver_cuit.replace(/-/g, '')}</span><span><b>Apellido y Nombre / Razón Social:</b> ${esc(inv.receiver_name)}</span></div>
  <div class="row"><span><b>Condición frente al IVA:</b> ${isA ? 'IVA Responsable Inscripto' : 'Responsable Monotributo'}</span><span><b>Domicilio:</b> Av. Siempre Viva 742 - CABA</span></div>
  <div class="row"><span><b>Condición de venta:</b> Contado</span></div>
</div>
<table class="items"><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>
<div class="fill"></div>
<div class="box totals">
  <div class="others">
    <div><b>Otros tributos</b></div>
    <table><thead><tr><th>Descripción</th><th>Detalle</th><th>Alíc. %</th><th>Importe</th></tr></thead><tbody>${others}</tbody></table>
    <div class="sum">Importe Otros Tributos: $ ${ars(inv.other_taxes)}</div>
  </div>
  <div class="sums">${sums.map(([k, v]) => `<div class="row"><span>${esc(k!)}</span><span>${v}</span></div>`).join('')}</div>
</div>
<div class="foot">
  <img class="qr" alt="QR" style="width: ${qrCss}px; height: ${qrCss}px" src="data:image/png;base64,${qr}">
  <div><div class="arca">ARCA</div><div class="auth">Comprobante Autorizado</div>
  <div class="legal">Esta Agencia no se responsabiliza por los datos ingresados en el detalle de la operación</div></div>
  <div class="cae"><div class="page">Pág. 1/1</div><div>CAE N°: ${inv.cae}</div><div>Fecha de Vto. de CAE: ${dmy(inv.cae_due)}</div></div>
</div>
</body></html>`;
}

// ---------------------------------------------------------------------------------------------
// Rendering

export function openCorpusBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

/** A4 at 96 CSS px per inch. */
const PAGE = { width: 794, height: 1123 };

/** The PDF (page.pdf) and the page as a 2× PNG screenshot (1588 × 2246, ~190 dpi). One page, always. */
export async function renderInvoice(browser: Browser, inv: CorpusTruth): Promise<{ pdf: Buffer; png: Buffer }> {
  const context = await browser.newContext({ viewport: PAGE, deviceScaleFactor: 2, offline: true });
  try {
    const page = await context.newPage();
    await page.emulateMedia({ media: 'print' });
    await page.setContent(await invoiceHtml(inv), { waitUntil: 'load' });
    const height = Number(await page.evaluate('document.documentElement.scrollHeight'));
    if (height > PAGE.height + 1) throw new Error(`${inv.id}: the invoice does not fit on one page (${height}px > ${PAGE.height}px)`);
    const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
    const png = await page.screenshot({ type: 'png', clip: { x: 0, y: 0, ...PAGE } });
    return { pdf: Buffer.from(pdf), png: Buffer.from(png) };
  } finally {
    await context.close();
  }
}

/**
 * The photos of a rendered page: `photo`, a phone picture (turned ±1–5°, on a grey table, light
 * falling off by up to 40 %, noise ±15, blur σ 0.8, JPEG q70, at the PNG's ~190 dpi); and
 * `photo_hard`, a poor one (~115 dpi, turned ±3–8°, noise ±25, blur σ 1.1, JPEG q45).
 */
export async function photoVariants(png: Buffer, inv: CorpusTruth): Promise<{ photo: Buffer; photo_hard: Buffer }> {
  const i = inv.index;
  const sign = i % 2 ? 1 : -1;
  const photo = await invoicePhoto(png, { angle: sign * (1 + (i % 5)), seed: inv.seed + i + 1 });
  const small = await sharp(png).resize({ width: Math.round(PAGE.width * 2 * 0.6) }).png().toBuffer();
  const photo_hard = await invoicePhoto(small, { angle: -sign * (3 + (i % 6)), seed: inv.seed + i + 101, blur: 1.1, quality: 45, noise: 50 });
  return { photo, photo_hard };
}

/** Every variant of one invoice. */
export async function renderVariants(browser: Browser, inv: CorpusTruth, want: readonly CorpusVariant[] = CORPUS_VARIANTS): Promise<Partial<Record<CorpusVariant, Buffer>>> {
  const { pdf, png } = await renderInvoice(browser, inv);
  const out: Partial<Record<CorpusVariant, Buffer>> = {};
  if (want.includes('pdf')) out.pdf = pdf;
  if (want.includes('png')) out.png = png;
  if (want.includes('photo') || want.includes('photo_hard')) {
    const photos = await photoVariants(png, inv);
    if (want.includes('photo')) out.photo = photos.photo;
    if (want.includes('photo_hard')) out.photo_hard = photos.photo_hard;
  }
  return out;
}
