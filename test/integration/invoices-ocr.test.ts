// OCR of invoice photos and scans (issue 5 §1c): a page image with no QR is read by tesseract.js
// (Spanish data from npm, never downloaded): header, totals and lines with `sources.ocr`,
// `field_sources: "ocr"` and per-field confidences; a rotated, unevenly lit, noisy JPEG "photo"
// still gives the total; a scanned PDF's page image is read the same way; an OCR that outlives OCR_TIMEOUT_SECONDS fails the upload with
// 504 invoice.ocr_timeout. OCR is slow (~1–2 s a page here): one app per engine, few images, and
// the photo and timeout cases on one engine only (they exercise no SQL).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onlyOn, testEngines } from '../helpers/engines.ts';
import { validCuit } from '../helpers/fixtures.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { multipartBody, qrUrlOf, totalsOf, type FixtureInvoice } from '../helpers/invoice-fixtures.ts';
import { invoicePhoto, invoiceTextImage, scannedPdf } from '../helpers/invoice-images.ts';

interface InvoiceJson {
  id: string;
  header: Record<string, unknown>;
  lines: { description: string; quantity: string; unit_price: string; amount: string; confidence: Record<string, number> }[];
  sources: { qr: boolean; text: boolean; ocr: boolean };
  confidence: Record<string, number>;
  field_sources: Record<string, string>;
  warnings: { code: string }[];
}

const invoice = (number: number): FixtureInvoice => ({
  letter: 'A',
  pointOfSale: 7,
  number,
  date: '2026-03-15',
  issuerCuit: validCuit(57),
  issuerName: 'Distribuidora Norte SA',
  cae: '74123456789012',
  lines: [
    { description: 'Yerba Mate Suave 1 kg', quantity: '10', price: '1500' },
    { code: '7790001001234', description: 'Aceite girasol 900 ml', quantity: '6', price: '2345.50', rate: '10.5' },
    { description: 'Arroz largo fino 1 kg', quantity: '12', price: '987.25' },
  ],
});

function uploader(get: () => TestApp) {
  return (bytes: Buffer, filename: string) => {
    const t = get();
    const { payload, contentType } = multipartBody(bytes, { filename });
    return t.app.inject({ method: 'POST', url: '/api/v1/invoices', payload, headers: { 'content-type': contentType, authorization: `Bearer ${t.adminKey}` } });
  };
}

describe.each(testEngines())('invoice OCR on %s', (engine) => {
  let t: TestApp;
  let dataDir: string;
  const upload = uploader(() => t);
  const onPglite = onlyOn(engine, 'pglite');

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'inventario-ocr-'));
    t = await createTestApp(engine, { INVENTARIO_DATA_DIR: dataDir });
  });
  afterAll(async () => {
    await t?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('reads a rendered invoice page (PNG, no QR): header, totals and lines from OCR with per-field confidence', async () => {
    const inv = invoice(501);
    const res = await upload(await invoiceTextImage(inv), 'factura.png');
    expect(res.statusCode, res.body).toBe(201);
    const draft: InvoiceJson = res.json();
    const totals = totalsOf(inv);
    expect(draft.sources).toEqual({ qr: false, text: false, ocr: true });
    expect(draft.header).toMatchObject({
      letter: 'A',
      point_of_sale: 7,
      number: 501,
      issue_date: '2026-03-15',
      issuer_cuit: inv.issuerCuit,
      issuer_name: 'Distribuidora Norte SA',
      net: totals.net.toFixed(2),
      total: totals.total.toFixed(2),
    });
    expect(draft.field_sources).toMatchObject({ total: 'ocr', issuer_cuit: 'ocr', net: 'ocr' });
    for (const field of ['total', 'issuer_cuit', 'net']) {
      expect(draft.confidence[field], field).toBeGreaterThan(0.5);
      expect(draft.confidence[field], field).toBeLessThan(1);
    }
    expect(draft.lines.map((l) => [l.quantity, l.unit_price, l.amount])).toEqual([
      ['10', '1500', '15000.00'],
      ['6', '2345.5', '14073.00'],
      ['12', '987.25', '11847.00'],
    ]);
    expect(draft.lines[0]!.confidence.amount).toBeGreaterThan(0.5);
    const codes = draft.warnings.map((w) => w.code);
    expect(codes).toContain('qr.missing');
    expect(codes).not.toContain('text.missing');
    expect(codes).not.toContain('totals.mismatch');
  }, 120_000);

  onPglite('still reads the total and the issuer CUIT from a rotated, unevenly lit, noisy JPEG photo', async () => {
    const inv = invoice(502);
    const photo = await invoicePhoto(await invoiceTextImage(inv), { angle: 4, seed: 3 });
    const res = await upload(photo, 'foto.jpg');
    expect(res.statusCode, res.body).toBe(201);
    const draft: InvoiceJson = res.json();
    expect(draft.sources.ocr).toBe(true);
    expect(draft.header.total).toBe(totalsOf(inv).total.toFixed(2));
    expect(draft.header.issuer_cuit).toBe(inv.issuerCuit);
    expect(draft.field_sources.total).toBe('ocr');
  }, 120_000);

  onPglite('reads a scanned PDF (a page image, no text layer): header from its QR, the rest from OCR', async () => {
    const inv = invoice(504);
    const pdf = await scannedPdf(await invoiceTextImage(inv, { qrText: qrUrlOf(inv) }));
    const res = await upload(pdf, 'escaneo.pdf');
    expect(res.statusCode, res.body).toBe(201);
    const draft: InvoiceJson = res.json();
    expect(draft.sources).toEqual({ qr: true, text: false, ocr: true });
    expect(draft.header).toMatchObject({ total: totalsOf(inv).total.toFixed(2), issuer_cuit: inv.issuerCuit, issuer_name: 'Distribuidora Norte SA', net: totalsOf(inv).net.toFixed(2) });
    expect(draft.field_sources).toMatchObject({ total: 'qr', issuer_cuit: 'qr', issuer_name: 'ocr', net: 'ocr' });
    expect(draft.confidence.total).toBe(1);
    expect(draft.lines).toHaveLength(3);
    const codes = draft.warnings.map((w) => w.code);
    expect(codes).not.toContain('text.missing');
    expect(codes).not.toContain('qr.total_mismatch');
  }, 120_000);

  onPglite('a blank page (no text to read) makes a draft with text.missing, not an OCR source', async () => {
    const res = await upload(await invoiceTextImage({ ...invoice(503), lines: [] }, { blank: true }), 'vacia.png');
    expect(res.statusCode, res.body).toBe(201);
    const draft: InvoiceJson = res.json();
    expect(draft.sources).toEqual({ qr: false, text: false, ocr: false });
    expect(draft.warnings.map((w) => w.code)).toContain('text.missing');
  }, 120_000);
});

describe('invoice OCR time limit', () => {
  let t: TestApp;
  let dataDir: string;
  const upload = uploader(() => t);

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'inventario-ocr-timeout-'));
    t = await createTestApp('pglite', { INVENTARIO_DATA_DIR: dataDir, OCR_TIMEOUT_SECONDS: '0.2' });
  });
  afterAll(async () => {
    await t?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers 504 invoice.ocr_timeout when the OCR outlives OCR_TIMEOUT_SECONDS, and makes no draft', async () => {
    const res = await upload(await invoiceTextImage(invoice(601)), 'factura.png');
    expect(res.statusCode, res.body).toBe(504);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.json()).toMatchObject({ status: 504, code: 'invoice.ocr_timeout' });
    const list = await t.call('GET', '/api/v1/invoices');
    expect(list.json().items).toEqual([]);
  }, 60_000);
});
