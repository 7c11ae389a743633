// DOMAIN.md "Supplier invoices": amounts, the AFIP QR, magic-byte sniffing, the text layout
// parser, the checks and line matching, as pure functions.
import { describe, expect, it } from 'vitest';
import { parseAmount } from './amounts.ts';
import { buildAfipQrUrl, parseAfipQr } from './afip-qr.ts';
import { sniffInvoiceFile } from './sniff.ts';
import { parseInvoiceText, parseLine } from './text-parser.ts';
import { checkDraft, type CheckContext } from './checks.ts';
import { emptyHeader, type Draft, type DraftLine } from './draft.ts';
import { matchLines, nameSimilarity, type CatalogEntry } from './matching.ts';
import { computedUnitCost } from './costs.ts';

describe('amount parsing', () => {
  it.each([
    ['1.234,56', '1234.56'],
    ['1234.56', '1234.56'],
    ['$ 18.150,00', '18150'],
    ['1,234,567.89', '1234567.89'],
    ['1.234.567,5', '1234567.5'],
    ['1.234', '1234'],
    ['0,5', '0.5'],
    ['0,250', '0.25'],
    ['10,00', '10'],
    ['-15,00', '-15'],
    ['12', '12'],
  ])('reads %s as %s', (raw, expected) => expect(parseAmount(raw)).toBe(expected));

  it.each(['', 'abc', '1,2,3a', '12%', '--', '1.2.3.4,5,6'])('refuses %j', (raw) => expect(parseAmount(raw)).toBeNull());
});

const QR_FIELDS = {
  fecha: '2026-03-15',
  cuit: '30-71234567-1',
  ptoVta: 3,
  tipoCmp: 1,
  nroCmp: 1234,
  importe: '12100.10',
  codAut: '74123456789012',
};

describe('the AFIP QR payload', () => {
  it('decodes the header from the afip.gob.ar URL, the total exactly', () => {
    const r = parseAfipQr(buildAfipQrUrl(QR_FIELDS));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.qr).toMatchObject({
      issueDate: '2026-03-15',
      issuerCuit: '30-71234567-1',
      pointOfSale: 3,
      invoiceType: 1,
      letter: 'A',
      kind: 'factura',
      number: 1234,
      total: '12100.1',
      currency: 'PES',
      cae: '74123456789012',
    });
  });

  it('accepts the arca.gob.ar host and URL-safe base64; maps B and C codes', () => {
    const [base, p] = buildAfipQrUrl({ ...QR_FIELDS, tipoCmp: 11, host: 'www.arca.gob.ar' }).split('?p=');
    const url = `${base}?p=${p!.replace(/\+/g, '-').replace(/\//g, '_')}`;
    const r = parseAfipQr(url);
    expect(r.ok && r.qr.letter).toBe('C');
    const b = parseAfipQr(buildAfipQrUrl({ ...QR_FIELDS, tipoCmp: 8 }));
    expect(b.ok && [b.qr.letter, b.qr.kind]).toEqual(['B', 'nota_credito']);
  });

  it.each([
    ['not a URL', 'hola'],
    ['another host', 'https://evil.example/fe/qr/?p=eyJ2ZXIiOjF9'],
    ['a lookalike host', 'https://afip.gob.ar.evil.example/fe/qr/?p=eyJ2ZXIiOjF9'],
    ['no p', 'https://www.afip.gob.ar/fe/qr/'],
    ['bad base64', 'https://www.afip.gob.ar/fe/qr/?p=%%%'],
    ['base64 of not JSON', `https://www.afip.gob.ar/fe/qr/?p=${Buffer.from('hola').toString('base64')}`],
    ['a JSON array', `https://www.afip.gob.ar/fe/qr/?p=${Buffer.from('[1,2]').toString('base64')}`],
    ['missing fields', `https://www.afip.gob.ar/fe/qr/?p=${Buffer.from('{"ver":1,"fecha":"2026-02-30"}').toString('base64')}`],
    ['javascript:', 'javascript:alert(1)'],
    ['huge', `https://www.afip.gob.ar/fe/qr/?p=${'A'.repeat(10_000)}`],
  ])('refuses %s without throwing', (_label, text) => expect(parseAfipQr(text).ok).toBe(false));
});

describe('file sniffing', () => {
  it('knows PDF, PNG and JPEG by their first bytes', () => {
    expect(sniffInvoiceFile(Buffer.from('%PDF-1.7\n...'))).toBe('pdf');
    expect(sniffInvoiceFile(Buffer.from('\r\n  %PDF-1.4\n'))).toBe('pdf');
    expect(sniffInvoiceFile(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]))).toBe('png');
    expect(sniffInvoiceFile(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]))).toBe('jpeg');
  });

  it.each([
    ['empty', Buffer.alloc(0)],
    ['one byte', Buffer.from([0x89])],
    ['a truncated PNG signature', Buffer.from([0x89, 0x50, 0x4e, 0x47])],
    ['GIF', Buffer.from('GIF89a')],
    ['HTML', Buffer.from('<html><script>alert(1)</script>')],
    ['SVG', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>')],
    ['ZIP', Buffer.from([0x50, 0x4b, 0x03, 0x04])],
    ['ELF', Buffer.from([0x7f, 0x45, 0x4c, 0x46])],
    ['%PDF without a version', Buffer.from('%PDF-x')],
    ['%PDF after 1 KB', Buffer.concat([Buffer.alloc(2000, 32), Buffer.from('%PDF-1.7')])],
  ])('refuses %s', (_label, bytes) => expect(sniffInvoiceFile(bytes)).toBeNull());

  it('never throws on random bytes', () => {
    for (let i = 0; i < 500; i++) {
      const bytes = Buffer.from(Array.from({ length: i % 40 }, () => Math.floor(Math.random() * 256)));
      expect(() => sniffInvoiceFile(bytes)).not.toThrow();
    }
  });
});

describe('the invoice text parser', () => {
  const pageA = [
    'ORIGINAL',
    'Distribuidora Norte SA   A   FACTURA',
    'COD. 01',
    'Razón Social: Distribuidora Norte SA   Punto de Venta: 00003 Comp. Nro: 00001234',
    'Domicilio Comercial: Av. Siempre Viva 742   Fecha de Emisión: 15/03/2026',
    'Condición frente al IVA: IVA Responsable Inscripto   CUIT: 30712345671',
    'CUIT: 20123456786   Apellido y Nombre / Razón Social: Almacén Don Pepe',
    'Código Producto / Servicio Cantidad U. Medida Precio Unit. % Bonif Subtotal Alícuota IVA Subtotal c/IVA',
    '001 Yerba Mate Suave 1 kg 10,00 unidades 1.500,00 0,00 15.000,00 21% 18.150,00',
    'A-77 Coca Cola 2,25 L 6,00 unidades 1.200,00 10,00 6.480,00 21% 7.840,80',
    'Arroz largo fino 500 g 3,000 kg 1.234,5678 0,00 3.703,70 10,5% 4.092,59',
    'Importe Neto Gravado: $ 25.183,70',
    'IVA 27%: $ 0,00',
    'IVA 21%: $ 4.511,80',
    'IVA 10.5%: $ 388,89',
    'Importe Otros Tributos: $ 0,00',
    'Importe Total: $ 30.084,39',
    'CAE N°: 74123456789012   Fecha de Vto. de CAE: 25/03/2026',
  ];

  it('reads the header, the IVA by rate and the totals of a Factura A', () => {
    const t = parseInvoiceText([pageA]);
    expect(t.letter?.value).toBe('A');
    expect(t.invoiceType?.value).toBe(1);
    expect([t.pointOfSale?.value, t.number?.value]).toEqual([3, 1234]);
    expect(t.issueDate?.value).toBe('2026-03-15');
    expect(t.issuerCuit?.value).toBe('30-71234567-1');
    expect(t.receiverCuit?.value).toBe('20-12345678-6');
    expect(t.issuerName?.value).toBe('Distribuidora Norte SA');
    expect(t.cae?.value).toBe('74123456789012');
    expect(t.net?.value).toBe('25183.70');
    expect(t.vatBreakdown).toEqual([
      { rate: '21', base: null, amount: '4511.80' },
      { rate: '10.5', base: null, amount: '388.89' },
    ]);
    expect(t.vat?.value).toBe('4900.69');
    expect(t.otherTaxes?.value).toBe('0.00');
    expect(t.total?.value).toBe('30084.39');
  });

  it('reads the lines: code, description (numbers in it kept), quantity, price, discount, amount, rate', () => {
    const t = parseInvoiceText([pageA]);
    expect(t.lines.map((l) => [l.code, l.description, l.quantity, l.unit_price, l.discount_rate, l.amount, l.vat_rate])).toEqual([
      ['001', 'Yerba Mate Suave 1 kg', '10', '1500', null, '15000.00', '21'],
      ['A-77', 'Coca Cola 2,25 L', '6', '1200', '10', '6480.00', '21'],
      [null, 'Arroz largo fino 500 g', '3', '1234.5678', null, '3703.70', '10.5'],
    ]);
  });

  it('reads a B/C row with the discounted amount column', () => {
    expect(parseLine('002 Fideos tirabuzón 24,00 unidades 850,00 0,00 0,00 20.400,00')).toMatchObject({
      code: '002',
      description: 'Fideos tirabuzón',
      quantity: '24',
      amount: '20400.00',
    });
  });

  it('reads a B/C row with a discount: % Bonif, then Imp. Bonif., then the discounted amount', () => {
    expect(parseLine('AL-0042 Aceite de girasol 1,5 l 12,00 unidades 2.000,00 10,00 2.400,00 21.600,00')).toMatchObject({
      code: 'AL-0042',
      description: 'Aceite de girasol 1,5 l',
      quantity: '12',
      unit_price: '2000',
      discount_rate: '10',
      amount: '21600.00',
    });
  });

  it('recovers a misread IVA rate (`1%` for `21%`) from the amount with IVA that follows it', () => {
    expect(parseLine('PE-8600 Shampoo 400 ml 5,00 unidades 4.699,67 0,00 23.498,35 1% 28.433,00')?.vat_rate).toBe('21');
    expect(parseLine('PE-8601 Harina 000 5,00 unidades 100,00 0,00 500,00 0.5% 552,50')?.vat_rate).toBe('10.5');
    expect(parseLine('PE-8602 Harina 000 5,00 unidades 100,00 0,00 500,00 7% 999,00')?.vat_rate).toBeNull();
  });

  it('does not take a pack size in the description for the quantity (`2 l x 6` then 12 units: 2 × 6 = 12)', () => {
    expect(parseLine('BE-1096 Lavandina 2 l x 6 12,00 unidades 1.200,61 0,00 0,00 14.407,32')).toMatchObject({
      code: 'BE-1096',
      description: 'Lavandina 2 l x 6',
      quantity: '12',
      unit_price: '1200.61',
      amount: '14407.32',
    });
  });

  it('ignores rows whose arithmetic does not close, and survives junk', () => {
    expect(parseLine('Total 10,00 20,00 30,00')).toBeNull();
    expect(parseLine('')).toBeNull();
    expect(() => parseInvoiceText([['\u0000\uFFFF', 'x'.repeat(100_000), '1 2 3 4 5 6 7 8 9'.repeat(100)]])).not.toThrow();
  });
});

function line(fields: Partial<DraftLine>): DraftLine {
  return {
    code: null,
    description: 'x',
    quantity: '1',
    unit_price: '100',
    discount_rate: null,
    amount: '100.00',
    vat_rate: '21',
    unit_cost: null,
    product_id: 'p1',
    match: { method: 'manual', confidence: 1, candidates: [] },
    confidence: { description: 1, quantity: 1, unit_price: 1, amount: 1 },
    movement_id: null,
    ...fields,
  };
}

function draft(header: Partial<Draft['header']>, lines: DraftLine[] = [line({})]): Draft {
  return {
    header: { ...emptyHeader(), invoice_type: 1, letter: 'A', point_of_sale: 3, number: 7, issue_date: '2026-03-01', issuer_cuit: '30-71234567-1', ...header },
    vatBreakdown: [],
    lines,
    meta: { fields: {}, field_sources: {}, printed_total: null, currency: 'PES' },
  };
}

const noContext: CheckContext = { qrTotal: null, confirmedDuplicateId: null, sameFileInvoiceId: null, extraction: [] };
const codes = (d: Draft, ctx = noContext) => checkDraft(d, ctx).map((w) => w.code);

describe('draft checks (warnings)', () => {
  it('passes a consistent Factura A: net 1000 at 21 % → IVA 210, total 1210', () => {
    expect(codes(draft({ net: '1000.00', vat: '210.00', other_taxes: '0.00', total: '1210.00' }, [line({ quantity: '10', unit_price: '100', amount: '1000.00' })]))).toEqual([]);
  });

  it('flags a bad CUIT, totals off by more than 1.00, and a line off by more than 0.01', () => {
    const d = draft({ issuer_cuit: '20-12345678-9', net: '1000.00', vat: '210.00', total: '1212.00' }, [line({ quantity: '3', unit_price: '333', amount: '1000.00' })]);
    expect(codes(d)).toEqual(expect.arrayContaining(['cuit.invalid', 'totals.mismatch', 'line.amount_mismatch']));
    // Within tolerance: 1.00 overall, 0.01 per line.
    const ok = draft({ net: '1000.00', vat: '210.00', total: '1211.00' }, [line({ quantity: '3', unit_price: '333.333', amount: '1000.00' })]);
    expect(codes(ok)).toEqual([]);
  });

  it('compares the QR total with the printed one, and reports duplicates and non-invoices', () => {
    const d = draft({ net: '1000.00', vat: '210.00', total: '1210.00', invoice_type: 3 }, [line({ quantity: '10', amount: '1000.00' })]);
    d.meta.printed_total = '1200.00';
    expect(codes(d, { ...noContext, qrTotal: '1210', confirmedDuplicateId: 'x', sameFileInvoiceId: 'y' })).toEqual(
      expect.arrayContaining(['qr.total_mismatch', 'invoice.duplicate', 'file.duplicate', 'type.not_invoice']),
    );
  });

  it('checks the lines against the net on A and against the total on B and C', () => {
    expect(codes(draft({ letter: 'A', net: '500.00', vat: '105.00', total: '605.00' }))).toContain('lines.total_mismatch');
    expect(codes(draft({ letter: 'B', invoice_type: 6, net: '100.00', vat: '0.00', total: '100.00' }))).not.toContain('lines.total_mismatch');
  });
});

describe('line matching and unit costs', () => {
  const products: CatalogEntry[] = [
    { id: 'p-yerba', sku: 'YER-1', name: 'Yerba mate suave 1kg', barcode: '7790001000011', supplierId: null, vatRate: '21' },
    { id: 'p-yerba-2', sku: 'YER-2', name: 'Yerba mate intensa 500g', barcode: null, supplierId: null, vatRate: '21' },
    { id: 'p-arroz', sku: 'ARZ', name: 'Arroz largo fino 1 kg', barcode: null, supplierId: null, vatRate: '10.5' },
  ];
  const ctx = { products, learnedCodes: new Map([['A-77', 'p-arroz']]), supplierId: null };
  const l = (code: string | null, description: string) => line({ code, description, product_id: null, vat_rate: null });

  it('prefers the learned supplier code, then the barcode, then the SKU, then the name', () => {
    const out = matchLines([l('A-77', 'algo'), l(null, 'Yerba 7790001000011'), l('yer-2', 'otra cosa'), l(null, 'YERBA MATE SUAVE 1 KG')], ctx, { assign: true });
    expect(out.map((x) => [x.product_id, x.match.method])).toEqual([
      ['p-arroz', 'supplier_code'],
      ['p-yerba', 'barcode'],
      ['p-yerba-2', 'sku'],
      ['p-yerba', 'name'],
    ]);
    expect(out[3]!.match.confidence).toBeGreaterThanOrEqual(0.8);
    // The product's IVA rate fills a line that had none.
    expect(out[0]!.vat_rate).toBe('10.5');
  });

  it('offers candidates without mapping when the name is only similar', () => {
    const [out] = matchLines([l(null, 'Yerba mate 1/2 kg')], ctx, { assign: true });
    expect(out!.product_id).toBeNull();
    expect(out!.match.candidates[0]?.product_id).toMatch(/^p-yerba/);
    expect(nameSimilarity('Aceite girasol', 'Lavandina')).toBeLessThan(0.3);
  });

  it('computes the net unit cost per letter: A net, B without its IVA, C as printed', () => {
    expect(computedUnitCost('A', { quantity: '3', amount: '1000.00', vat_rate: '21' })).toBe('333.33');
    expect(computedUnitCost('B', { quantity: '10', amount: '1210.00', vat_rate: '21' })).toBe('100.00');
    expect(computedUnitCost('B', { quantity: '10', amount: '1210.00', vat_rate: null })).toBeNull();
    expect(computedUnitCost('C', { quantity: '4', amount: '1000.00', vat_rate: null })).toBe('250.00');
  });
});
