// The tesseract.js engine: Spanish data from the npm package on local disk (never a URL, so it is
// never downloaded), rows rebuilt from word boxes, at most N recognitions at once, and a time
// limit that ends the engine’s thread (the next page starts a fresh one).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { assertLocalLangPath, createTesseractOcr, linesOfPage, spanishLangPath } from './ocr.ts';
import { OcrTimeoutError } from './pipeline.ts';
import { ocrTimeouts } from '../../../platform/observability/metrics.ts';

const metricValue = async (metric: typeof ocrTimeouts) => (await metric.get()).values[0]?.value ?? 0;

const word = (text: string, x0: number, y0: number, confidence = 90) => ({ text, confidence, bbox: { x0, y0, x1: x0 + text.length * 10, y1: y0 + 20 } });

async function textPng(lines: string[]): Promise<Buffer> {
  const texts = lines.map((l, i) => `<text x="40" y="${80 + i * 50}" font-size="28" font-family="Liberation Sans, DejaVu Sans, sans-serif">${l}</text>`).join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1000" height="${120 + lines.length * 50}"><rect width="100%" height="100%" fill="#fff"/>${texts}</svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

describe('the OCR language data', () => {
  it('is the npm package’s Spanish model, on local disk', () => {
    const dir = spanishLangPath();
    expect(path.isAbsolute(dir)).toBe(true);
    expect(dir).toContain(path.join('node_modules', '@tesseract.js-data', 'spa'));
    expect(fs.statSync(path.join(dir, 'spa.traineddata.gz')).size).toBeGreaterThan(1_000_000);
    expect(() => assertLocalLangPath(dir)).not.toThrow();
  });

  it('refuses a URL, a relative path or a directory without the model (tesseract.js would download it)', async () => {
    expect(() => assertLocalLangPath('https://cdn.jsdelivr.net/npm/@tesseract.js-data/spa/4.0.0')).toThrow(/local absolute path/);
    expect(() => assertLocalLangPath('file:///tmp')).toThrow(/local absolute path/);
    expect(() => assertLocalLangPath('spa')).toThrow(/local absolute path/);
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'ocr-nolang-'));
    expect(() => assertLocalLangPath(empty)).toThrow(/not found/);
    // The engine fails fast instead of fetching.
    const ocr = createTesseractOcr({ concurrency: 1, timeoutMs: 10_000, langPath: empty });
    await expect(ocr.recognize(await textPng(['Hola']), 'png')).rejects.toThrow(/not found/);
    expect(ocr.running()).toBe(0);
    fs.rmSync(empty, { recursive: true });
  });
});

describe('linesOfPage', () => {
  it('rebuilds rows from word boxes, left to right, with wide gaps as column breaks, and drops specks', () => {
    const page = {
      confidence: 88,
      blocks: [
        { paragraphs: [{ lines: [{ words: [word('Subtotal', 600, 102), word('15.000,00', 600, 152)] }] }] },
        { paragraphs: [{ lines: [{ words: [word('Producto', 40, 100), word('Cantidad', 300, 101)] }] }] },
        { paragraphs: [{ lines: [{ words: [word('Yerba', 40, 150), word('mate', 100, 151, 80), word('10,00', 300, 149), word('~', 900, 150, 20)] }] }] },
      ],
    };
    const out = linesOfPage(page);
    expect(out.confidence).toBe(0.88);
    expect(out.lines.map((l) => l.text)).toEqual(['Producto   Cantidad   Subtotal', 'Yerba mate   10,00   15.000,00']);
    expect(out.lines[1]!.words.map((w) => w.confidence)).toEqual([0.9, 0.8, 0.9, 0.9]);
  });

  it('an empty page has no lines', () => {
    expect(linesOfPage({ confidence: 0, blocks: null })).toEqual({ lines: [], confidence: 0 });
  });
});

describe('the tesseract.js engine', () => {
  const ocr = createTesseractOcr({ concurrency: 1, timeoutMs: 60_000 });
  afterAll(() => ocr.close());

  it('starts on the first page, reads Spanish text, queues pages beyond its concurrency and stops on close', async () => {
    expect(ocr.running()).toBe(0);
    const png = await textPng(['Fecha de Emisión: 15/03/2026', 'Importe Total: $ 18.150,00']);
    const [a, b] = await Promise.all([ocr.recognize(png, 'png'), ocr.recognize(png, 'png')]);
    expect(ocr.running()).toBe(1);
    for (const r of [a, b]) {
      expect(r.lines.map((l) => l.text)).toEqual(['Fecha de Emisión: 15/03/2026', 'Importe Total: $ 18.150,00']);
      expect(r.confidence).toBeGreaterThan(0.8);
    }
    await ocr.close();
    expect(ocr.running()).toBe(0);
  }, 60_000);

  it('cuts off a page past its time limit (OcrTimeoutError) and ends that engine’s thread; queued pages time out too', async () => {
    const slow = createTesseractOcr({ concurrency: 1, timeoutMs: 150 });
    const png = await textPng(['Importe Total: $ 18.150,00']);
    const timeoutsBefore = await metricValue(ocrTimeouts);
    await expect(slow.recognize(png, 'png')).rejects.toBeInstanceOf(OcrTimeoutError);
    // A second page queued behind a stuck one times out too, without waiting forever.
    const results = await Promise.allSettled([slow.recognize(png, 'png'), slow.recognize(png, 'png')]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(slow.running()).toBe(0);
    // Each cut-off page is counted for /metrics (the InventarioOcrTimeouts alert).
    expect((await metricValue(ocrTimeouts)) - timeoutsBefore).toBe(3);
    await slow.close();
  }, 60_000);
});
