// OCR for photos and scans: tesseract.js (WebAssembly, each engine in its own worker thread) with
// the Spanish model from npm (`@tesseract.js-data/spa`), read from node_modules, never fetched:
// tesseract.js downloads its model from a CDN when `langPath` is not a local path, and with
// `cacheMethod: 'none'` it neither reads nor writes a cache. Engines start on the first OCR (the
// model takes ~1 s to load), at most `concurrency` run at once, and a recognition that outlives
// `timeoutMs` (queueing included) is cut off: its worker thread is terminated (tesseract cannot
// be interrupted otherwise) and a fresh one is started for the next page. A page that is noise
// (a corrupted file, noise.ts) is not given to tesseract at all: it comes back `unreadable`.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { createWorker, OEM, PSM, type Worker as TesseractWorker } from 'tesseract.js';
import { OcrTimeoutError, type OcrEngine, type OcrLine, type OcrResult } from './pipeline.ts';
import { preprocessForOcr } from './preprocess.ts';
import { ocrDuration, ocrTimeouts } from '../../../platform/observability/metrics.ts';

export interface TesseractOcrOptions {
  concurrency: number;
  timeoutMs: number;
  /** Directory holding `spa.traineddata.gz`; the npm package's by default. */
  langPath?: string;
}

/** The Spanish model's directory inside `@tesseract.js-data/spa` (a local path, never a URL). */
export function spanishLangPath(): string {
  const require = createRequire(import.meta.url);
  const pkg = require('@tesseract.js-data/spa') as { langPath: string };
  return pkg.langPath;
}

/** Only a local directory with the model in it: anything else would make tesseract.js fetch it. */
export function assertLocalLangPath(langPath: string): void {
  if (!path.isAbsolute(langPath) || /^[a-z][a-z0-9+.-]*:/i.test(langPath)) {
    throw new Error(`OCR language data must be a local absolute path, not ${JSON.stringify(langPath)}`);
  }
  if (!existsSync(path.join(langPath, 'spa.traineddata.gz'))) {
    throw new Error(`OCR language data not found in ${langPath} (npm install @tesseract.js-data/spa)`);
  }
}

interface Slot {
  worker: Promise<TesseractWorker> | null;
  busy: boolean;
}

interface Bbox {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

interface Page {
  blocks: { paragraphs: { lines: { words: { text: string; confidence: number; bbox: Bbox }[] }[] }[] }[] | null;
  confidence: number;
}

interface PlacedWord {
  text: string;
  confidence: number;
  bbox: Bbox;
}

/**
 * Tesseract's words → text lines in reading order. Tesseract's own blocks split a table's
 * columns apart (and its single-column mode drops words), so it runs in sparse-text mode and the
 * rows are rebuilt here from the word boxes: words whose vertical centers are within half a
 * word's height share a row, left to right; a gap wider than ~2 characters becomes three spaces
 * (a column break, as in the PDF text layer). Specks (a low-confidence character or two with no
 * letter or digit, e.g. from the page's edge) are dropped. Confidences are 0–1.
 */
export function linesOfPage(page: Page): OcrResult {
  const words: PlacedWord[] = [];
  for (const block of page.blocks ?? []) {
    for (const para of block.paragraphs) {
      for (const line of para.lines) {
        for (const w of line.words) {
          const text = w.text.trim();
          if (!text) continue;
          if (w.confidence < 50 && (text.length <= 2 || !/[\p{L}\d]{2}/u.test(text))) continue;
          words.push({ text, confidence: Math.max(0, Math.min(1, w.confidence / 100)), bbox: w.bbox });
        }
      }
    }
  }
  const heights = words.map((w) => w.bbox.y1 - w.bbox.y0).sort((a, b) => a - b);
  const typical = Math.max(1, heights[Math.floor(heights.length / 2)] ?? 1);
  words.sort((a, b) => a.bbox.y0 + a.bbox.y1 - (b.bbox.y0 + b.bbox.y1));
  const rows: { center: number; words: PlacedWord[] }[] = [];
  for (const w of words) {
    const center = (w.bbox.y0 + w.bbox.y1) / 2;
    const row = rows.find((r) => Math.abs(r.center - center) <= typical * 0.5);
    if (row) {
      row.words.push(w);
      row.center += (center - row.center) / row.words.length;
    } else {
      rows.push({ center, words: [w] });
    }
  }
  rows.sort((a, b) => a.center - b.center);
  const lines: OcrLine[] = [];
  for (const row of rows) {
    row.words.sort((a, b) => a.bbox.x0 - b.bbox.x0);
    let text = '';
    let end = -Infinity;
    for (const w of row.words) {
      const gap = w.bbox.x0 - end;
      text += !text ? w.text : gap > typical * 1.5 ? `   ${w.text}` : ` ${w.text}`;
      end = w.bbox.x1;
    }
    const ws = row.words.map((w) => ({ text: w.text, confidence: w.confidence }));
    lines.push({ text, confidence: ws.reduce((s, w) => s + w.confidence, 0) / ws.length, words: ws });
  }
  return { lines, confidence: Math.max(0, Math.min(1, page.confidence / 100)) };
}

export interface TesseractOcrEngine extends OcrEngine {
  /** Terminates the engines (on app close); a later recognize starts them again. */
  close(): Promise<void>;
  /** How many engine threads are running (for tests). */
  running(): number;
}

export function createTesseractOcr(options: TesseractOcrOptions): TesseractOcrEngine {
  const langPath = options.langPath ?? spanishLangPath();
  const slots: Slot[] = Array.from({ length: Math.max(1, options.concurrency) }, () => ({ worker: null, busy: false }));
  const waiting: ((slot: Slot) => void)[] = [];

  async function start(): Promise<TesseractWorker> {
    assertLocalLangPath(langPath);
    const worker = await createWorker('spa', OEM.LSTM_ONLY, {
      langPath,
      cacheMethod: 'none',
      gzip: true,
      logger: () => undefined,
      errorHandler: () => undefined,
    });
    await worker.setParameters({
      // Sparse text: every word with its box, whatever the layout; linesOfPage rebuilds the rows.
      tessedit_pageseg_mode: PSM.SPARSE_TEXT,
      preserve_interword_spaces: '1',
      user_defined_dpi: '200',
    });
    return worker;
  }

  function take(): Slot | null {
    const slot = slots.find((s) => !s.busy);
    if (!slot) return null;
    slot.busy = true;
    return slot;
  }
  function give(slot: Slot): void {
    const next = waiting.shift();
    if (next) next(slot);
    else slot.busy = false;
  }
  async function kill(slot: Slot): Promise<void> {
    const w = slot.worker;
    slot.worker = null;
    if (w) await w.then((x) => x.terminate()).catch(() => undefined);
  }

  return {
    async recognize(image) {
      const startedAt = performance.now();
      let outcome: 'ok' | 'timeout' | 'error' = 'error';
      let timer: NodeJS.Timeout | undefined;
      let timedOut = false;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          timedOut = true;
          reject(new OcrTimeoutError('OCR timed out'));
        }, options.timeoutMs);
      });
      let slot: Slot | null = take();
      try {
        slot ??= await Promise.race([
          new Promise<Slot>((resolve) =>
            waiting.push((s) => {
              // Handed a slot after giving up: pass it on at once.
              if (timedOut) give(s);
              else resolve(s);
            }),
          ),
          timeout,
        ]);
        const mine = slot;
        const page = await Promise.race([
          (async () => {
            const prepared = await preprocessForOcr(image);
            if (timedOut) throw new OcrTimeoutError('OCR timed out');
            // Noise, not a page (noise.ts): tesseract would spend up to the whole time limit on it.
            if (prepared.noise) return null;
            mine.worker ??= start();
            const worker = await mine.worker.catch(async (err: unknown) => {
              // A failed start is not kept for the next page.
              mine.worker = null;
              throw err;
            });
            // Timed out meanwhile: the engine is being terminated, do not hand it the page.
            if (timedOut) throw new OcrTimeoutError('OCR timed out');
            const result = await worker.recognize(prepared.png, {}, { text: true, blocks: true });
            return result.data as unknown as Page;
          })(),
          timeout,
        ]);
        const lines: OcrResult = page ? linesOfPage(page) : { lines: [], confidence: 0, unreadable: true };
        outcome = 'ok';
        return lines;
      } catch (err) {
        if (timedOut) outcome = 'timeout';
        // A timed-out recognition keeps its thread busy: end it; the next page starts afresh.
        if (timedOut && slot) await kill(slot);
        throw err;
      } finally {
        clearTimeout(timer);
        if (slot) give(slot);
        ocrDuration.observe({ outcome }, (performance.now() - startedAt) / 1000);
        if (outcome === 'timeout') ocrTimeouts.inc();
      }
    },
    async close() {
      await Promise.all(slots.map((s) => kill(s)));
    },
    running() {
      return slots.filter((s) => s.worker !== null).length;
    },
  };
}
