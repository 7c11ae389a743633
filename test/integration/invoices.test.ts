// Supplier invoices (issue 5 §1, API.md "Pricing, invoices, forecasting"): upload with type
// sniffing and limits, extraction from the AFIP QR and the PDF text layer, drafts with sources,
// confidence and warnings, review, confirmation into stock in one transaction, duplicates,
// permissions, and hostile files that must never produce a 500.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { deflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { onlyOn, testEngines } from '../helpers/engines.ts';
import { createProduct, createLocation, onHand, movementsOf, integrity, unique, validCuit } from '../helpers/fixtures.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { invoiceImage, invoicePdf, multipartBody, qrUrlOf, totalsOf, type FixtureInvoice } from '../helpers/invoice-fixtures.ts';

interface LineJson {
  description: string;
  code: string | null;
  quantity: string;
  unit_price: string;
  amount: string;
  unit_cost: string | null;
  product_id: string | null;
  match: { method: string | null; confidence: number | null; candidates: { product_id: string; score: number }[] };
  movement_id: string | null;
}

interface InvoiceJson {
  id: string;
  status: 'draft' | 'confirmed';
  header: Record<string, unknown> & { letter: string | null; total: string | null; issuer_cuit: string | null };
  supplier_id: string | null;
  lines: LineJson[];
  sources: { qr: boolean; text: boolean; ocr: boolean };
  confidence: Record<string, number>;
  field_sources: Record<string, string>;
  warnings: { code: string; message: string; path: string | null }[];
  file: { sha256: string; type: string; size: number; url: string } | null;
}

let numberSeq = 100;

function fixture(overrides: Partial<FixtureInvoice> = {}): FixtureInvoice {
  numberSeq += 1;
  return {
    letter: 'A',
    pointOfSale: 3,
    number: numberSeq,
    date: '2026-03-15',
    issuerCuit: validCuit(41),
    issuerName: 'Distribuidora Norte SA',
    cae: '74123456789012',
    lines: [
      { description: 'Yerba Mate Suave 1 kg', quantity: '10', price: '1500' },
      { code: '7790001001234', description: 'Aceite girasol 900 ml', quantity: '6', price: '2345.50', rate: '10.5' },
    ],
    ...overrides,
  };
}

describe.each(testEngines())('supplier invoices on %s', (engine) => {
  let t: TestApp;
  let dataDir: string;
  let yerba: { id: string; sku: string };
  let aceite: { id: string; sku: string };

  const upload = (bytes: Buffer, options: Parameters<typeof multipartBody>[1] & { key?: string } = {}) => {
    const { payload, contentType } = multipartBody(bytes, options);
    return t.app.inject({
      method: 'POST',
      url: '/api/v1/invoices',
      payload,
      headers: { 'content-type': contentType, authorization: `Bearer ${options.key ?? t.adminKey}` },
    });
  };
  const uploadOk = async (bytes: Buffer, options: Parameters<typeof upload>[1] = {}): Promise<InvoiceJson> => {
    const res = await upload(bytes, options);
    expect(res.statusCode, res.body).toBe(201);
    return res.json();
  };
  const codes = (inv: InvoiceJson) => inv.warnings.map((w) => w.code);

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'inventario-invoices-'));
    t = await createTestApp(engine, { INVENTARIO_DATA_DIR: dataDir });
    yerba = await createProduct(t, { name: 'Yerba mate suave 1kg', category: 'almacen', cost_price: '1200' });
    aceite = await createProduct(t, { name: 'Aceite de girasol 900 cc', barcode: '7790001001234', cost_price: '2000', vat_rate: '10.5' });
  });
  afterAll(async () => {
    await t?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  describe('upload and extraction', () => {
    it('makes a draft from an AFIP PDF: header from the QR, breakdown and lines from the text, products matched', async () => {
      const inv = fixture();
      const pdf = await invoicePdf(inv);
      const draft = await uploadOk(pdf);
      const totals = totalsOf(inv);
      expect(draft.status).toBe('draft');
      expect(draft.sources).toEqual({ qr: true, text: true, ocr: false });
      expect(draft.header).toMatchObject({
        letter: 'A',
        invoice_type: 1,
        kind: 'factura',
        point_of_sale: 3,
        number: inv.number,
        issue_date: '2026-03-15',
        issuer_cuit: inv.issuerCuit,
        issuer_name: 'Distribuidora Norte SA',
        cae: '74123456789012',
        net: totals.net.toFixed(2),
        vat: totals.vatTotal.toFixed(2),
        other_taxes: '0.00',
        total: totals.total.toFixed(2),
      });
      // The QR is authoritative for what it carries; the text fills the rest.
      for (const f of ['letter', 'point_of_sale', 'number', 'issue_date', 'issuer_cuit', 'cae', 'total']) {
        expect([f, draft.field_sources[f], draft.confidence[f]]).toEqual([f, 'qr', 1]);
      }
      expect(draft.header.vat_breakdown).toEqual([
        { rate: '21', base: '15000.00', amount: '3150.00' },
        { rate: '10.5', base: '14073.00', amount: '1477.67' },
      ]);
      expect(draft.field_sources.issuer_name).toBe('text');
      expect(draft.confidence.net).toBeGreaterThan(0.5);
      expect(draft.confidence.net).toBeLessThan(1);

      expect(draft.lines.map((l) => [l.description, l.quantity, l.unit_price, l.amount])).toEqual([
        ['Yerba Mate Suave 1 kg', '10', '1500', '15000.00'],
        ['Aceite girasol 900 ml', '6', '2345.5', '14073.00'],
      ]);
      expect(draft.lines[0]).toMatchObject({ product_id: yerba.id, match: { method: 'name' } });
      expect(draft.lines[0]!.match.confidence).toBeGreaterThanOrEqual(0.8);
      expect(draft.lines[1]).toMatchObject({ product_id: aceite.id, code: '7790001001234', match: { method: 'barcode', confidence: 0.97 } });
      // Letter A: the unit cost is the net amount per unit.
      expect(draft.lines.map((l) => l.unit_cost)).toEqual(['1500.00', '2345.50']);
      expect(codes(draft)).toEqual([]);

      // Stored by content hash under the data dir, never with an extension.
      expect(draft.file).toMatchObject({ type: 'pdf', size: pdf.length, url: `/api/v1/invoices/${draft.id}/file` });
      const stored = path.join(dataDir, 'invoices', draft.file!.sha256.slice(0, 2), draft.file!.sha256);
      expect(fs.readFileSync(stored).equals(pdf)).toBe(true);
      expect(fs.statSync(stored).mode & 0o777).toBe(0o600);
    });

    it('serves the original file only as a download, with the sniffed type and nosniff', async () => {
      const draft = await uploadOk(await invoicePdf(fixture()), { filename: 'x.html', contentType: 'text/html' });
      const res = await t.call('GET', draft.file!.url);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('application/pdf');
      expect(res.headers['content-disposition']).toBe(`attachment; filename="factura-${draft.id}.pdf"`);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(String(res.headers['content-security-policy'])).toContain('sandbox');
      expect(res.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
      const manual = (await t.call('POST', '/api/v1/invoices', { body: {} })).json() as InvoiceJson;
      expect((await t.call('GET', `/api/v1/invoices/${manual.id}/file`)).json().code).toBe('invoice.file_not_found');
    });

    it('reads the QR of a PNG scan and of a rotated JPEG photo; without OCR the text is left to the reviewer', async () => {
      const inv = fixture({ letter: 'B' });
      for (const [format, rotate] of [['png', 0], ['jpeg', 6]] as const) {
        const draft = await uploadOk(await invoiceImage(qrUrlOf(inv), format, { rotate }), { filename: `f.${format}` });
        expect(draft.sources).toEqual({ qr: true, text: false, ocr: false });
        expect(draft.file?.type).toBe(format);
        expect(draft.header).toMatchObject({ letter: 'B', invoice_type: 6, number: inv.number, issuer_cuit: inv.issuerCuit, total: totalsOf(inv).total.toFixed(2) });
        expect(draft.lines).toEqual([]);
        expect(codes(draft)).toEqual(expect.arrayContaining(['text.missing', 'lines.missing']));
        expect(codes(draft)).not.toContain('qr.missing');
      }
    });

    it('warns when the printed total differs from the QR total, and when there is no QR', async () => {
      const inv = fixture({ printedTotal: '99999.99' });
      const draft = await uploadOk(await invoicePdf(inv));
      expect(draft.header.total).toBe(totalsOf(inv).total.toFixed(2));
      expect(codes(draft)).toContain('qr.total_mismatch');

      const noQr = await uploadOk(await invoicePdf(fixture(), { withQr: false }));
      expect(noQr.sources).toEqual({ qr: false, text: true, ocr: false });
      expect(noQr.field_sources.issuer_cuit).toBe('text');
      expect(noQr.confidence.issuer_cuit).toBeLessThan(1);
      expect(codes(noQr)).toContain('qr.missing');
    });

    it('flags a QR that is not an AFIP invoice QR instead of trusting it', async () => {
      const draft = await uploadOk(await invoicePdf(fixture(), { qrText: 'https://evil.example/fe/qr/?p=eyJ2ZXIiOjF9' }));
      expect(draft.sources.qr).toBe(false);
      expect(codes(draft)).toEqual(expect.arrayContaining(['qr.invalid', 'qr.missing']));
    });

    it('warns about the same file uploaded twice', async () => {
      const pdf = await invoicePdf(fixture());
      const first = await uploadOk(pdf);
      const second = await uploadOk(pdf);
      expect(second.file!.sha256).toBe(first.file!.sha256);
      expect(codes(second)).toContain('file.duplicate');
    });
  });

  describe('refused uploads', () => {
    it.each([
      ['an empty file', Buffer.alloc(0)],
      ['HTML named .pdf', Buffer.from('<html><script>alert(1)</script></html>')],
      ['SVG', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')],
      ['a GIF', Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;')],
      ['a ZIP', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0])],
      ['an executable', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0])],
    ])('refuses %s with 400 invoice.unsupported whatever its name and declared type', async (_label, bytes) => {
      const res = await upload(bytes, { filename: 'factura.pdf', contentType: 'application/pdf' });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().code).toBe('invoice.unsupported');
    });

    it('refuses a file over 10 MB with 413 invoice.too_large, and takes one just under it', async () => {
      const big = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(10 * 1024 * 1024 + 10, 0x20)]);
      const res = await upload(big);
      expect(res.statusCode, res.body.slice(0, 200)).toBe(413);
      expect(res.json().code).toBe('invoice.too_large');
      const under = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(10 * 1024 * 1024 - 100, 0x20)]);
      const ok = await upload(under);
      expect(ok.statusCode, ok.body.slice(0, 300)).toBe(201);
      expect(codes(ok.json())).toContain('file.unreadable');
    });

    it('answers a broken multipart request with a 4xx problem, never a 500', async () => {
      const pdf = await invoicePdf(fixture());
      const { payload, contentType } = multipartBody(pdf);
      const send = (body: Buffer | string, type: string) =>
        t.app.inject({ method: 'POST', url: '/api/v1/invoices', payload: body, headers: { 'content-type': type, authorization: `Bearer ${t.adminKey}` } });

      const truncated = await send(payload.subarray(0, payload.length - 200), contentType);
      expect(truncated.statusCode, truncated.body).toBe(400);
      expect(truncated.json().code).toBe('invoice.unsupported');

      const wrongField = await upload(pdf, { field: 'document' });
      expect(wrongField.statusCode).toBe(400);

      const noFile = await send('--b\r\nContent-Disposition: form-data; name="note"\r\n\r\nhola\r\n--b--\r\n', 'multipart/form-data; boundary=b');
      expect(noFile.statusCode).toBe(400);
      expect(noFile.json()).toMatchObject({ code: 'validation.failed', errors: [{ path: 'file' }] });

      const part = (name: string) => `--b\r\nContent-Disposition: form-data; name="${name}"; filename="f.pdf"\r\nContent-Type: application/pdf\r\n\r\n`;
      const two = Buffer.concat([Buffer.from(part('file')), pdf, Buffer.from(`\r\n${part('file')}`), pdf, Buffer.from('\r\n--b--\r\n')]);
      const twoFiles = await send(two, 'multipart/form-data; boundary=b');
      expect(twoFiles.statusCode, twoFiles.body).toBe(400);
      expect(twoFiles.json().code).toBe('invoice.unsupported');

      const noBoundary = await send('garbage', 'multipart/form-data');
      expect(noBoundary.statusCode).toBeGreaterThanOrEqual(400);
      expect(noBoundary.statusCode).toBeLessThan(500);

      const raw = await send(pdf, 'application/pdf');
      expect(raw.statusCode).toBe(415);
    });

    it('keeps refusing multipart bodies on the JSON-only routes', async () => {
      const { payload, contentType } = multipartBody(Buffer.from('x'));
      const res = await t.app.inject({ method: 'POST', url: '/api/v1/products', payload, headers: { 'content-type': contentType, authorization: `Bearer ${t.adminKey}` } });
      expect(res.statusCode).toBe(415);
    });
  });

  describe('hostile and broken files (fuzz)', () => {
    async function hostileFiles(): Promise<[string, Buffer][]> {
      const good = await invoicePdf(fixture());
      const png = await invoiceImage(qrUrlOf(fixture()), 'png');
      const jpeg = await invoiceImage(qrUrlOf(fixture()), 'jpeg');
      // A PNG whose header claims 60 000 × 60 000 pixels (a decompression bomb's shape).
      const ihdr = Buffer.alloc(13);
      ihdr.writeUInt32BE(60_000, 0);
      ihdr.writeUInt32BE(60_000, 4);
      ihdr[8] = 8;
      ihdr[9] = 2;
      const chunk = (type: string, data: Buffer) => {
        const len = Buffer.alloc(4);
        len.writeUInt32BE(data.length);
        const body = Buffer.concat([Buffer.from(type), data]);
        const crc = Buffer.alloc(4);
        crc.writeUInt32BE(crc32(body));
        return Buffer.concat([len, body, crc]);
      };
      const pngBomb = Buffer.concat([png.subarray(0, 8), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.alloc(1_000_000))), chunk('IEND', Buffer.alloc(0))]);
      // A PDF whose content stream inflates to 200 MB.
      const bombStream = deflateSync(Buffer.alloc(200 * 1024 * 1024, 0x20), { level: 9 });
      const pdfBomb = Buffer.concat([
        Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n'),
        Buffer.from('3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R>>endobj\n'),
        Buffer.from(`4 0 obj<</Length ${bombStream.length}/Filter/FlateDecode>>stream\n`),
        bombStream,
        Buffer.from('\nendstream endobj\ntrailer<</Root 1 0 R>>\n%%EOF'),
      ]);
      const nested = Buffer.from(`%PDF-1.4\n1 0 obj${'['.repeat(100_000)}${']'.repeat(100_000)}endobj\ntrailer<</Root 1 0 R>>\n%%EOF`);
      const loop = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[2 0 R]/Count 1>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF');
      const encrypted = Buffer.from(
        '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n3 0 obj<</Filter/Standard/V 2/R 3/Length 128/P -3904/O(0123456789abcdef0123456789abcdef)/U(0123456789abcdef0123456789abcdef)>>endobj\ntrailer<</Root 1 0 R/Encrypt 3 0 R/ID[<00112233445566778899aabbccddeeff><00112233445566778899aabbccddeeff>]>>\n%%EOF',
      );
      const random = (n: number, head: string) => Buffer.concat([Buffer.from(head), Buffer.from(Array.from({ length: n }, (_, i) => (i * 7919 + 13) % 256))]);
      return [
        ['a truncated PDF', good.subarray(0, Math.floor(good.length / 2))],
        ['a PDF header and nothing else', Buffer.from('%PDF-1.7')],
        ['a PDF header and noise', random(50_000, '%PDF-1.5\n')],
        ['a PDF with a zip-bomb stream', pdfBomb],
        ['a PDF nested 100 000 deep', nested],
        ['a PDF whose page tree loops', loop],
        ['an encrypted PDF', encrypted],
        ['a truncated PNG', png.subarray(0, Math.floor(png.length / 3))],
        ['a PNG header and noise', random(20_000, '\x89PNG\r\n\x1a\n')],
        ['a PNG claiming 60 000 × 60 000 pixels', pngBomb],
        ['a truncated JPEG', jpeg.subarray(0, Math.floor(jpeg.length / 2))],
        ['a JPEG header and noise', Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), random(20_000, '')])],
      ];
    }

    it('answers every hostile or broken file with a draft and a warning (or a 4xx), never a 500, and stays up', async () => {
      const results: string[] = [];
      for (const [label, bytes] of await hostileFiles()) {
        const res = await upload(bytes);
        results.push(`${label} → ${res.statusCode}`);
        expect(res.statusCode, `${label}: ${res.body.slice(0, 300)}`).toBeLessThan(500);
        if (res.statusCode === 201) {
          const draft = res.json() as InvoiceJson;
          expect(codes(draft).some((c) => c.startsWith('file.') || c === 'qr.missing' || c === 'text.missing'), `${label}: ${codes(draft).join(',')}`).toBe(true);
        }
      }
      expect(results).toHaveLength(12);
      const health = await t.call('GET', '/health', { key: null });
      expect(health.statusCode).toBe(200);
      // And extraction still works afterwards.
      expect((await uploadOk(await invoicePdf(fixture()))).sources.qr).toBe(true);
    }, 180_000);

    it('reports an encrypted PDF as such', async () => {
      const files = await hostileFiles();
      const encrypted = files.find(([l]) => l === 'an encrypted PDF')![1];
      const draft = (await upload(encrypted)).json() as InvoiceJson;
      expect(codes(draft).some((c) => c === 'file.encrypted' || c === 'file.unreadable')).toBe(true);
    }, 120_000);
  });

  describe('manual entry, review and confirmation', () => {
    let supplier: { id: string; cuit: string };

    beforeAll(async () => {
      const res = await t.call('POST', '/api/v1/suppliers', { body: { name: 'Mayorista Sur', cuit: validCuit(77) } });
      expect(res.statusCode, res.body).toBe(201);
      supplier = res.json();
    });

    const manualInvoice = (number: number, lines: Record<string, unknown>[], header: Record<string, unknown> = {}) => ({
      header: {
        letter: 'A',
        point_of_sale: 7,
        number,
        issue_date: '2026-03-20',
        issuer_cuit: supplier.cuit,
        net: '1000.00',
        vat: '210.00',
        total: '1210.00',
        ...header,
      },
      lines,
    });

    it('takes a JSON draft, matches its supplier and lines, and lists what is left to fix', async () => {
      const res = await t.call('POST', '/api/v1/invoices', {
        body: manualInvoice(1, [
          { description: 'Yerba mate suave 1 kg', quantity: '4', unit_price: '250' },
          { description: 'Producto que no existe', quantity: 1, unit_price: '0' },
        ]),
      });
      expect(res.statusCode, res.body).toBe(201);
      const draft = res.json() as InvoiceJson;
      expect(draft.sources).toEqual({ qr: false, text: false, ocr: false });
      expect(draft.supplier_id).toBe(supplier.id);
      expect(draft.field_sources.issuer_cuit).toBe('manual');
      expect(draft.header.invoice_type).toBe(1);
      expect(draft.lines[0]).toMatchObject({ amount: '1000.00', product_id: yerba.id });
      expect(draft.lines[1]).toMatchObject({ product_id: null });
      expect(codes(draft)).toEqual(['line.unmatched']);

      const confirm = await t.call('POST', `/api/v1/invoices/${draft.id}/confirm`);
      expect(confirm.statusCode).toBe(422);
      expect(confirm.json()).toMatchObject({ code: 'invoice.incomplete', errors: [{ path: 'lines.1.product_id' }] });
    });

    it('validates edits: bad CUIT, unknown product, unknown fields', async () => {
      const draft = (await t.call('POST', '/api/v1/invoices', { body: manualInvoice(2, []) })).json() as InvoiceJson;
      const bad = await t.call('PATCH', `/api/v1/invoices/${draft.id}`, {
        body: { header: { issuer_cuit: '20-12345678-9', colour: 'red' } },
      });
      expect(bad.statusCode).toBe(400);
      const unknownProduct = await t.call('PATCH', `/api/v1/invoices/${draft.id}`, {
        body: { lines: [{ description: 'x', quantity: '1', unit_price: '1', product_id: '0195b7a4-0000-7000-8000-00000000abcd' }] },
      });
      expect(unknownProduct.statusCode).toBe(400);
      expect(unknownProduct.json().errors).toEqual([{ path: 'lines.0.product_id', message: expect.any(String) }]);
      expect((await t.call('GET', '/api/v1/invoices/0195b7a4-0000-7000-8000-00000000abcd')).json().code).toBe('invoice.not_found');
    });

    it('keeps both of two overlapping edits: the later one is made again on the row the first one saved', async () => {
      const draft = (await t.call('POST', '/api/v1/invoices', { body: manualInvoice(10, []) })).json() as InvoiceJson;
      // Edit A reads the row, then waits while matching (outside its transaction) until edit B is saved.
      const catalog = t.services.catalog;
      const listProducts = catalog.listProducts;
      let reached!: () => void;
      let release!: () => void;
      const atGate = new Promise<void>((resolve) => (reached = resolve));
      const gate = new Promise<void>((resolve) => (release = resolve));
      let held = false;
      const spy = vi.spyOn(catalog, 'listProducts').mockImplementation(async (...args: Parameters<typeof listProducts>) => {
        if (!held) {
          held = true;
          reached();
          await gate;
        }
        return listProducts.apply(catalog, args);
      });
      try {
        const a = t.call('PATCH', `/api/v1/invoices/${draft.id}`, { body: { header: { issuer_name: 'Mayorista Sur SRL' } } });
        await atGate;
        const b = await t.call('PATCH', `/api/v1/invoices/${draft.id}`, { body: { header: { issue_date: '2026-03-21' } } });
        expect(b.statusCode, b.body).toBe(200);
        release();
        const resA = await a;
        expect(resA.statusCode, resA.body).toBe(200);
        expect(resA.json().header).toMatchObject({ issuer_name: 'Mayorista Sur SRL', issue_date: '2026-03-21' });
      } finally {
        release();
        spy.mockRestore();
      }
      const saved = (await t.call('GET', `/api/v1/invoices/${draft.id}`)).json() as InvoiceJson;
      expect(saved.header).toMatchObject({ issuer_name: 'Mayorista Sur SRL', issue_date: '2026-03-21' });
      expect(saved.field_sources).toMatchObject({ issuer_name: 'manual', issue_date: 'manual' });
    });

    it('confirms into stock in one go: one `in` movement per line with its unit cost, new product costs; twice is a no-op', async () => {
      const p1 = await createProduct(t, { name: 'Galletitas de agua 300 g', cost_price: '100' });
      const p2 = await createProduct(t, { name: 'Queso cremoso', unit: 'kg', cost_price: '5000' });
      const draft = (await t.call('POST', '/api/v1/invoices', {
        body: manualInvoice(3, [], { net: '2600.00', vat: '546.00', total: '3146.00' }),
      })).json() as InvoiceJson;
      const patched = await t.call('PATCH', `/api/v1/invoices/${draft.id}`, {
        body: {
          header: { issuer_name: 'Mayorista Sur SRL' },
          lines: [
            { code: 'GAL-300', description: 'Galletitas agua', quantity: '12', unit_price: '105.50', discount_rate: null, product_id: p1.id },
            { description: 'Queso cremoso horma', quantity: '0.4', unit_price: '3335', product_id: p2.id },
          ],
        },
      });
      expect(patched.statusCode, patched.body).toBe(200);
      const edited = patched.json() as InvoiceJson;
      expect(edited.field_sources.issuer_name).toBe('manual');
      expect(edited.lines.map((l) => [l.amount, l.unit_cost, l.match.method])).toEqual([
        ['1266.00', '105.50', 'manual'],
        ['1334.00', '3335.00', 'manual'],
      ]);
      expect(codes(edited)).toEqual([]);

      const res = await t.call('POST', `/api/v1/invoices/${draft.id}/confirm`, { body: {} });
      expect(res.statusCode, res.body).toBe(200);
      const confirmed = res.json() as InvoiceJson;
      expect(confirmed.status).toBe('confirmed');
      expect(confirmed.lines.every((l) => typeof l.movement_id === 'string')).toBe(true);
      expect(await onHand(t, p1.id)).toBe('12');
      expect(await onHand(t, p2.id)).toBe('0.4');
      const [m1] = await movementsOf(t, p1.id);
      expect(m1).toMatchObject({ type: 'in', quantity: '12', unit_cost: '105.50', reason: 'factura de proveedor', reference: 'FC-A 00007-00000003' });
      expect((await t.call('GET', `/api/v1/products/${p1.id}`)).json().cost_price).toBe('105.50');
      expect((await t.call('GET', `/api/v1/products/${p2.id}`)).json().cost_price).toBe('3335.00');

      // Twice: the same invoice back, no new movement.
      const again = await t.call('POST', `/api/v1/invoices/${draft.id}/confirm`);
      expect(again.statusCode).toBe(200);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.json().lines.map((l: LineJson) => l.movement_id)).toEqual(confirmed.lines.map((l) => l.movement_id));
      expect(await movementsOf(t, p1.id)).toHaveLength(1);
      expect(await onHand(t, p1.id)).toBe('12');

      // A confirmed invoice is closed to edits.
      const late = await t.call('PATCH', `/api/v1/invoices/${draft.id}`, { body: { header: { issuer_name: 'otro' } } });
      expect(late.statusCode).toBe(409);
      expect(late.json().code).toBe('invoice.confirmed');

      // The supplier's article code was learned: the next invoice's line maps by it.
      const next = (await t.call('POST', '/api/v1/invoices', {
        body: manualInvoice(4, [{ code: 'gal-300', description: 'GALLETITAS X 300', quantity: '1', unit_price: '110' }]),
      })).json() as InvoiceJson;
      expect(next.lines[0]).toMatchObject({ product_id: p1.id, match: { method: 'supplier_code' } });

      const events = (await t.call('GET', `/api/v1/audit/events?action=invoice.confirm&limit=500`)).json().items as { resource: string; details: { movements: string[] } }[];
      const event = events.find((e) => e.resource === `invoice:${draft.id}`);
      expect(event?.details.movements).toHaveLength(2);
      expect((await integrity(t)).ok).toBe(true);
    });

    it('records one weighted cost per product: a free line (bonificación) lowers it, never zeroes it', async () => {
      const p = await createProduct(t, { name: 'Mermelada de durazno 454 g', cost_price: '90' });
      const gift = await createProduct(t, { name: 'Cuchara de regalo', cost_price: '15' });
      const draft = (await t.call('POST', '/api/v1/invoices', {
        body: manualInvoice(11, [
          // The free units first: whatever order the lines are posted in, the cost is the same.
          { description: 'Mermelada bonificación', quantity: '2', unit_price: '0', product_id: p.id },
          { description: 'Mermelada durazno', quantity: '10', unit_price: '100', product_id: p.id },
          { description: 'Cuchara bonificada', quantity: '3', unit_price: '0', product_id: gift.id },
        ]),
      })).json() as InvoiceJson;
      const res = await t.call('POST', `/api/v1/invoices/${draft.id}/confirm`);
      expect(res.statusCode, res.body).toBe(200);
      expect(await onHand(t, p.id)).toBe('12');
      // 1000 paid for 12 units, to 2 decimals like cost_price.
      expect((await t.call('GET', `/api/v1/products/${p.id}`)).json().cost_price).toBe('83.33');
      const movements = await movementsOf(t, p.id);
      expect(movements.map((m) => [m.quantity, m.unit_cost]).sort()).toEqual([
        ['10', '83.33'],
        ['2', '83.33'],
      ]);
      // All free: stock in, cost left as it was.
      expect(await onHand(t, gift.id)).toBe('3');
      expect((await t.call('GET', `/api/v1/products/${gift.id}`)).json().cost_price).toBe('15.00');
      expect(res.json().lines.map((l: LineJson) => l.unit_cost)).toEqual(['0.00', '100.00', '0.00']);
    });

    it('refuses a second invoice with the same issuer, letter, point of sale and number with 409 invoice.duplicate', async () => {
      const p = await createProduct(t, { name: 'Fideos tirabuzón 500 g' });
      const body = manualInvoice(5, [{ description: 'Fideos', quantity: '2', unit_price: '500', product_id: p.id }]);
      const first = (await t.call('POST', '/api/v1/invoices', { body })).json() as InvoiceJson;
      const second = (await t.call('POST', '/api/v1/invoices', { body })).json() as InvoiceJson;
      expect((await t.call('POST', `/api/v1/invoices/${first.id}/confirm`)).statusCode).toBe(200);
      const dup = await t.call('POST', `/api/v1/invoices/${second.id}/confirm`);
      expect(dup.statusCode).toBe(409);
      expect(dup.json()).toMatchObject({ code: 'invoice.duplicate', invoice_id: first.id });
      expect(await onHand(t, p.id)).toBe('2');
      expect(codes((await t.call('GET', `/api/v1/invoices/${second.id}`)).json())).toContain('invoice.duplicate');
      // Another letter or number is another invoice.
      const other = (await t.call('POST', '/api/v1/invoices', { body: { ...body, header: { ...body.header, letter: 'B' } } })).json() as InvoiceJson;
      expect((await t.call('POST', `/api/v1/invoices/${other.id}/confirm`)).statusCode).toBe(200);
      expect(await onHand(t, p.id)).toBe('4');
    });

    it('takes IVA out of B prices for the cost, receives into the chosen location, and refuses fractional units', async () => {
      const p = await createProduct(t, { name: 'Lavandina 1 l', vat_rate: '21', cost_price: '1' });
      const loc = await createLocation(t);
      const draft = (await t.call('POST', '/api/v1/invoices', {
        body: manualInvoice(6, [{ description: 'Lavandina', quantity: '1.5', unit_price: '1210', product_id: p.id }], { letter: 'B', net: null, vat: null, total: '1815.00' }),
      })).json() as InvoiceJson;
      expect(draft.header.invoice_type).toBe(6);
      expect(draft.lines[0]!.unit_cost).toBe('1000.00');
      const frac = await t.call('POST', `/api/v1/invoices/${draft.id}/confirm`);
      expect(frac.statusCode).toBe(422);
      expect(frac.json().errors).toEqual([{ path: 'lines.0.quantity', message: expect.any(String) }]);
      await t.call('PATCH', `/api/v1/invoices/${draft.id}`, { body: { lines: [{ description: 'Lavandina', quantity: '2', unit_price: '1210', product_id: p.id }] } });
      const ok = await t.call('POST', `/api/v1/invoices/${draft.id}/confirm`, { body: { location_id: loc.id } });
      expect(ok.statusCode, ok.body).toBe(200);
      const [m] = await movementsOf(t, p.id);
      expect(m).toMatchObject({ location_id: loc.id, unit_cost: '1000.00', quantity: '2' });
    });

    it('refuses to confirm a credit note as a receipt', async () => {
      const p = await createProduct(t);
      const draft = (await t.call('POST', '/api/v1/invoices', {
        body: manualInvoice(8, [{ description: 'x', quantity: '1', unit_price: '10', product_id: p.id }], { invoice_type: 3 }),
      })).json() as InvoiceJson;
      expect(codes(draft)).toContain('type.not_invoice');
      const res = await t.call('POST', `/api/v1/invoices/${draft.id}/confirm`);
      expect(res.statusCode).toBe(422);
      expect(res.json().errors[0].path).toBe('header.invoice_type');
    });

    onlyOn(engine, 'pg')('confirms exactly once under concurrent confirmations', async () => {
      const p = await createProduct(t, { name: 'Concurrente' });
      const draft = (await t.call('POST', '/api/v1/invoices', {
        body: manualInvoice(9, [{ description: 'c', quantity: '3', unit_price: '10', product_id: p.id }]),
      })).json() as InvoiceJson;
      const results = await Promise.all(Array.from({ length: 6 }, () => t.call('POST', `/api/v1/invoices/${draft.id}/confirm`)));
      expect(results.map((r) => r.statusCode)).toEqual([200, 200, 200, 200, 200, 200]);
      expect(results.filter((r) => r.headers['idempotent-replayed'] !== 'true')).toHaveLength(1);
      expect(await onHand(t, p.id)).toBe('3');
      expect(await movementsOf(t, p.id)).toHaveLength(1);
    });
  });

  describe('lists, permissions and the home page', () => {
    it('lists invoices newest first, filters by status, pages with a cursor, and counts pending drafts on the home page', async () => {
      const drafts = (await t.call('GET', '/api/v1/invoices?status=draft&limit=500')).json().items as { id: string; status: string }[];
      expect(drafts.length).toBeGreaterThan(3);
      expect(drafts.every((d) => d.status === 'draft')).toBe(true);
      const confirmed = (await t.call('GET', '/api/v1/invoices?status=confirmed&limit=500')).json().items as { status: string }[];
      expect(confirmed.every((d) => d.status === 'confirmed')).toBe(true);
      const page1 = (await t.call('GET', '/api/v1/invoices?limit=2')).json();
      const page2 = (await t.call('GET', `/api/v1/invoices?limit=2&cursor=${page1.next_cursor}`)).json();
      expect(page1.items).toHaveLength(2);
      expect(page2.items[0].id).not.toBe(page1.items[1].id);
      expect(page1.items[0].created_at >= page1.items[1].created_at).toBe(true);
      const summary = (await t.call('GET', '/api/v1/reports/summary')).json();
      expect(summary.invoices_pending).toBe(drafts.length);
      expect((await t.call('GET', '/api/v1/invoices?status=nope')).statusCode).toBe(400);
    });

    it('lets a clerk upload but not edit or confirm, and an auditor read but not upload', async () => {
      const clerk = await t.keyFor('clerk');
      const auditor = await t.keyFor('auditor');
      const mine = await uploadOk(await invoicePdf(fixture()), { key: clerk });
      expect((await t.call('PATCH', `/api/v1/invoices/${mine.id}`, { key: clerk, body: { header: { issuer_name: 'x' } } })).statusCode).toBe(403);
      expect((await t.call('POST', `/api/v1/invoices/${mine.id}/confirm`, { key: clerk })).statusCode).toBe(403);
      expect((await t.call('GET', `/api/v1/invoices/${mine.id}`, { key: auditor })).statusCode).toBe(200);
      expect((await t.call('GET', `/api/v1/invoices/${mine.id}/file`, { key: auditor })).statusCode).toBe(200);
      expect((await upload(Buffer.from('%PDF-1.4'), { key: auditor })).statusCode).toBe(403);
      expect((await t.call('GET', '/api/v1/invoices', { key: null })).statusCode).toBe(401);
    });

    it('reads a draft back exactly as the upload returned it', async () => {
      const a = await uploadOk(await invoicePdf(fixture({ issuerName: `Proveedor ${unique('N')}` })));
      const b = (await t.call('GET', `/api/v1/invoices/${a.id}`)).json() as InvoiceJson;
      expect(b).toEqual(a);
    });
  });
});

/** CRC-32 (PNG chunks). */
function crc32(buf: Buffer): number {
  let c = ~0;
  for (const byte of buf) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return ~c >>> 0;
}
