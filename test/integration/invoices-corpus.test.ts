// The committed sample of the invoice corpus (test/fixtures/invoices/, made by
// scripts/make-invoice-corpus.ts: AFIP-layout invoices rendered by Chromium, real QR payloads)
// through `POST /api/v1/invoices`: the Chromium PDF gives the whole header from its QR and text
// layer, and every line; a phone photo of the page still gives the header and the total. The
// sample's ground truth must also be what the generator makes today (the files are stale
// otherwise: regenerate them with the command in test/fixtures/invoices/README.md).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onlyOn, testEngines } from '../helpers/engines.ts';
import { corpusInvoice, type CorpusTruth } from '../helpers/invoice-corpus.ts';
import { multipartBody } from '../helpers/invoice-fixtures.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

const DIR = path.resolve(import.meta.dirname, '../fixtures/invoices');
const truthOf = (id: string): CorpusTruth => JSON.parse(fs.readFileSync(path.join(DIR, `${id}.json`), 'utf8')) as CorpusTruth;
const SAMPLE = fs
  .readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .map((f) => truthOf(f.replace(/\.json$/, '')));

interface InvoiceJson {
  header: Record<string, unknown>;
  lines: { code: string | null; description: string; quantity: string; unit_price: string; amount: string }[];
  sources: { qr: boolean; text: boolean; ocr: boolean };
  field_sources: Record<string, string>;
  warnings: { code: string }[];
}

/** The header the API should return for an invoice, field by field. */
function expectedHeader(t: CorpusTruth) {
  return {
    letter: t.letter,
    invoice_type: t.invoice_type,
    point_of_sale: t.point_of_sale,
    number: t.number,
    issue_date: t.issue_date,
    issuer_cuit: t.issuer_cuit,
    cae: t.cae,
    total: t.total,
  };
}

describe('invoice corpus sample', () => {
  it('is what the generator makes (same seed and index → the same ground truth)', () => {
    expect(SAMPLE.length).toBeGreaterThanOrEqual(2);
    for (const t of SAMPLE) expect(t, t.id).toEqual(corpusInvoice(t.seed, t.index));
  });
});

describe.each(testEngines())('invoice corpus through POST /api/v1/invoices on %s', (engine) => {
  let t: TestApp;
  let dataDir: string;
  const onPglite = onlyOn(engine, 'pglite');
  const upload = (bytes: Buffer, filename: string) => {
    const { payload, contentType } = multipartBody(bytes, { filename });
    return t.app.inject({ method: 'POST', url: '/api/v1/invoices', payload, headers: { 'content-type': contentType, authorization: `Bearer ${t.adminKey}` } });
  };

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'inventario-corpus-'));
    t = await createTestApp(engine, { INVENTARIO_DATA_DIR: dataDir });
  });
  afterAll(async () => {
    await t?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('a Chromium-rendered PDF: header from the QR and the text layer, every line exact', async () => {
    for (const truth of SAMPLE.filter((s) => fs.existsSync(path.join(DIR, `${s.id}.pdf`)))) {
      const res = await upload(fs.readFileSync(path.join(DIR, `${truth.id}.pdf`)), 'factura.pdf');
      expect(res.statusCode, res.body).toBe(201);
      const draft: InvoiceJson = res.json();
      expect(draft.sources, truth.id).toEqual({ qr: true, text: true, ocr: false });
      expect(draft.header, truth.id).toMatchObject({ ...expectedHeader(truth), issuer_name: truth.issuer_name, net: truth.net, vat: truth.vat, other_taxes: truth.other_taxes });
      expect(draft.field_sources, truth.id).toMatchObject({ total: 'qr', issuer_cuit: 'qr', issuer_name: 'text', net: 'text' });
      expect(
        draft.lines.map((l) => [l.code, l.description, l.quantity, l.unit_price, l.amount]),
        truth.id,
      ).toEqual(truth.lines.map((l) => [l.code, l.description, l.quantity, l.unit_price, l.amount]));
      const codes = draft.warnings.map((w) => w.code);
      expect(codes, truth.id).not.toContain('qr.missing');
      expect(codes, truth.id).not.toContain('qr.total_mismatch');
      for (const code of ['totals.mismatch', 'vat.mismatch', 'lines.total_mismatch', 'line.amount_mismatch']) expect(codes, truth.id).not.toContain(code);
    }
  }, 60_000);

  // OCR takes a few seconds a page and exercises no SQL: one engine is enough.
  onPglite('a phone photo of the page (rotated, uneven light, noise, blur, JPEG): header and total right', async () => {
    // The photo with the most lines (the 40-line one): the hardest table in the sample.
    const truth = SAMPLE.filter((s) => fs.existsSync(path.join(DIR, `${s.id}.photo.jpg`))).sort((a, b) => b.lines.length - a.lines.length)[0];
    expect(truth).toBeDefined();
    const res = await upload(fs.readFileSync(path.join(DIR, `${truth!.id}.photo.jpg`)), 'foto.jpg');
    expect(res.statusCode, res.body).toBe(201);
    const draft: InvoiceJson = res.json();
    expect(draft.sources.ocr).toBe(true);
    expect(draft.header).toMatchObject(expectedHeader(truth!));
    // Read from the photo's text even when its QR is found: the printed total agrees.
    expect(draft.warnings.map((w) => w.code)).not.toContain('qr.total_mismatch');
    expect(draft.lines.length).toBeGreaterThan(0);
  }, 120_000);
});
