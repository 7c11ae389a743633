// Reading the AFIP QR from phone photos (issue 5 §1a: the QR is authoritative for the header).
// Two of the benchmark corpus's photos whose QR jsQR missed (a turned, blurred JPEG where the
// code's modules are ~3 px) now give the header from the QR, through the server's extraction code
// and its worker thread, ZXing reading what jsQR could not. And the decoders themselves: ZXing (the fallback for what jsQR misses) reads from the WASM in
// node_modules with the network unusable; an AFIP QR is found past another QR on the page; a page
// without a QR, or with one blurred past reading, yields nothing rather than a guess.
import type { Browser } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { mergeSources } from '../../src/modules/invoices/draft.ts';
import { extractInvoice } from '../../src/modules/invoices/extraction/pipeline.ts';
import { createExtractionRunner } from '../../src/modules/invoices/extraction/runner.ts';
import { corpusInvoice, openCorpusBrowser, photoVariants, renderInvoice } from '../helpers/invoice-corpus.ts';
import { validCuit } from '../helpers/fixtures.ts';
import { qrPng } from '../helpers/invoice-fixtures.ts';
import { buildAfipQrUrl, parseAfipQr } from '../../src/modules/invoices/afip-qr.ts';
import type { RawImage } from '../../src/modules/invoices/extraction/jobs.ts';
import { decodeQrTexts, scanQrJs, scanQrZxing, zxingWasmPath } from '../../src/modules/invoices/extraction/qr-decode.ts';

const AFIP_URL = buildAfipQrUrl({
  fecha: '2026-03-15',
  cuit: validCuit(57),
  ptoVta: 7,
  tipoCmp: 1,
  nroCmp: 1234,
  importe: '12345.67',
  codAut: '74123456789012',
});
const isAfip = (text: string) => parseAfipQr(text).ok;

/** A white page with the QR of `text` pasted at (40, 40), as RGBA. */
async function pageWithQr(text: string | null, options: { blur?: number } = {}): Promise<RawImage> {
  let page = sharp({ create: { width: 600, height: 600, channels: 3, background: '#ffffff' } });
  if (text) page = page.composite([{ input: await qrPng(text, 3), left: 40, top: 40 }]);
  let image = sharp(await page.png().toBuffer());
  if (options.blur) image = image.blur(options.blur);
  const { data, info } = await image.ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8Array(data) };
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('QR decoding for photos', () => {
  it('reads an AFIP QR with ZXing from the local WASM file, never from the network', async () => {
    const fetchSpy = vi.fn(() => Promise.reject(new Error('no network here')));
    vi.stubGlobal('fetch', fetchSpy);
    expect(zxingWasmPath()).toMatch(/node_modules\/zxing-wasm\/dist\/reader\/zxing_reader\.wasm$/);
    expect(await scanQrZxing(await pageWithQr(AFIP_URL))).toEqual([AFIP_URL]);
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it('keeps looking past a QR that is not an invoice QR and returns both, the AFIP one last', async () => {
    const site = 'https://distribuidora-norte.example/catalogo';
    const texts = await decodeQrTexts([await pageWithQr(site), await pageWithQr(null), await pageWithQr(AFIP_URL)], isAfip);
    expect(texts).toEqual([site, AFIP_URL]);
  });

  it('finds nothing on a page without a QR, or whose QR is blurred past reading', async () => {
    expect(await decodeQrTexts([await pageWithQr(null)], isAfip)).toEqual([]);
    const smeared = await pageWithQr(AFIP_URL, { blur: 4 });
    expect(scanQrJs(smeared)).toBeNull();
    expect(await decodeQrTexts([smeared], isAfip)).toEqual([]);
  });
});

describe('phone photos of the benchmark corpus whose QR jsQR missed on the whole page', () => {
  // Same settings as the service (service.ts).
  const runner = createExtractionRunner({ timeoutMs: 20_000, concurrency: 2, maxHeapMb: 512 });
  let browser: Browser;
  beforeAll(async () => {
    browser = await openCorpusBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  // f006-C and f013-A of the corpus (seed 2026): turned 2° and 4°, blur σ 0.8, JPEG q70.
  it.each([5, 12])('corpus invoice %i: the photo gives the header from the QR', async (index) => {
    const truth = corpusInvoice(2026, index);
    const { png } = await renderInvoice(browser, truth);
    const { photo } = await photoVariants(png, truth);
    const extraction = await extractInvoice(photo, 'jpeg', { runner, ocr: null });
    expect(extraction.sources.qr).toBe(true);
    expect(extraction.problems.map((p) => p.code)).not.toContain('qr.missing');
    // The draft's header as the reviewer sees it: every QR field right, and taken from the QR.
    const { header, meta } = mergeSources(extraction.qr, extraction.text, extraction.textSource);
    const fromQr = ['letter', 'invoice_type', 'point_of_sale', 'number', 'issue_date', 'issuer_cuit', 'cae', 'total'] as const;
    expect(header).toMatchObject({
      letter: truth.letter,
      invoice_type: truth.invoice_type,
      point_of_sale: truth.point_of_sale,
      number: truth.number,
      issue_date: truth.issue_date,
      issuer_cuit: truth.issuer_cuit,
      cae: truth.cae,
      total: truth.total,
    });
    for (const field of fromQr) expect(meta.field_sources[field], field).toBe('qr');
  }, 60_000);
});
