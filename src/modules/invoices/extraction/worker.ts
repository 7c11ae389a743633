// Runs in a worker thread (see runner.ts): the CPU-bound and hostile-input-facing part of
// extraction: PDF parsing (pdf.js through unpdf) and QR decoding (jsQR, then ZXing-C++ as WASM
// for what jsQR misses: qr-decode.ts). A malformed, huge or looping file can only exhaust this
// thread, which the parent terminates on a timeout or when it runs out of its memory limit; the
// server's event loop never waits on it.
import { parentPort } from 'node:worker_threads';
import { getDocumentProxy, getResolvedPDFJS } from 'unpdf';
import type { WorkerJob, WorkerReply, RawImage } from './jobs.ts';
import { parseAfipQr, stripControl } from '../afip-qr.ts';
import { decodeQrTexts, scanQrJs } from './qr-decode.ts';

// pdf.js 5 uses ArrayBuffer.prototype.transferToFixedLength (ES2024, Node ≥ 21) when it
// serializes font data; Node 20 lacks it. Defined here, inside this worker only, with the
// standard's result (a new buffer of the requested length holding a copy of the bytes).
const proto = ArrayBuffer.prototype as ArrayBuffer & { transferToFixedLength?: (n?: number) => ArrayBuffer };
if (typeof proto.transferToFixedLength !== 'function') {
  Object.defineProperty(ArrayBuffer.prototype, 'transferToFixedLength', {
    configurable: true,
    writable: true,
    value: function transferToFixedLength(this: ArrayBuffer, length?: number): ArrayBuffer {
      const size = length ?? this.byteLength;
      const out = new ArrayBuffer(size);
      new Uint8Array(out).set(new Uint8Array(this, 0, Math.min(size, this.byteLength)));
      return out;
    },
  });
}

const MAX_PAGES = 10;
const MAX_IMAGES_PER_PAGE = 20;
/** Embedded images larger than this are skipped (pdf.js does not even decode them). */
const MAX_IMAGE_PIXELS = 25_000_000;
/** A scanned page's image for OCR: at least ~0.3 megapixels (a page at ~60 dpi); 3 pages at most. */
const MIN_SCAN_PIXELS = 300_000;
const MAX_SCAN_PAGES = 3;

/** pdf.js image data (1-bit packed gray, RGB or RGBA) → RGBA for jsQR. */
function toRgba(img: { width: number; height: number; kind?: number; data: Uint8Array | Uint8ClampedArray }): RawImage | null {
  const { width, height, data } = img;
  if (!width || !height || width * height > MAX_IMAGE_PIXELS) return null;
  const out = new Uint8Array(width * height * 4);
  const pixels = width * height;
  if (img.kind === 1) {
    // 1 bit per pixel, rows padded to a byte; 1 = white.
    const rowBytes = (width + 7) >> 3;
    if (data.length < rowBytes * height) return null;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const bit = (data[y * rowBytes + (x >> 3)]! >> (7 - (x & 7))) & 1;
        const v = bit ? 255 : 0;
        const o = (y * width + x) * 4;
        out[o] = v;
        out[o + 1] = v;
        out[o + 2] = v;
        out[o + 3] = 255;
      }
    }
    return { width, height, data: out };
  }
  const channels = data.length / pixels;
  if (![1, 3, 4].includes(channels)) return null;
  for (let i = 0; i < pixels; i++) {
    const o = i * 4;
    if (channels === 1) {
      out[o] = out[o + 1] = out[o + 2] = data[i]!;
    } else {
      out[o] = data[i * channels]!;
      out[o + 1] = data[i * channels + 1]!;
      out[o + 2] = data[i * channels + 2]!;
    }
    out[o + 3] = 255;
  }
  return { width, height, data: out };
}

interface TextItem {
  str: string;
  transform: number[];
  width: number;
}

/** Text items → reading-order lines: grouped by baseline (top to bottom), left to right. */
function linesOf(items: TextItem[]): string[] {
  const rows: { y: number; parts: { x: number; end: number; s: string }[] }[] = [];
  for (const it of items) {
    if (!it.str || !it.str.trim()) continue;
    const x = it.transform[4] ?? 0;
    const y = it.transform[5] ?? 0;
    const row = rows.find((r) => Math.abs(r.y - y) < 2.5);
    const part = { x, end: x + (it.width || 0), s: stripControl(it.str) };
    if (row) row.parts.push(part);
    else rows.push({ y, parts: [part] });
  }
  rows.sort((a, b) => b.y - a.y);
  return rows.map((r) => {
    r.parts.sort((a, b) => a.x - b.x);
    let line = '';
    let end = -Infinity;
    for (const p of r.parts) {
      // Items that touch are one word; a gap is a space, a wide one (another column) three.
      const gap = p.x - end;
      line += !line ? p.s : gap > 12 ? `   ${p.s}` : gap > 1 ? ` ${p.s}` : p.s;
      end = p.end;
    }
    return line.replace(/[^\S ]+/g, ' ').trim();
  });
}

async function readPdf(bytes: Uint8Array): Promise<WorkerReply> {
  let pdf: Awaited<ReturnType<typeof getDocumentProxy>>;
  try {
    pdf = await getDocumentProxy(bytes, {
      isEvalSupported: false,
      useSystemFonts: false,
      disableFontFace: true,
      maxImageSize: MAX_IMAGE_PIXELS,
      stopAtErrors: false,
      verbosity: 0,
    });
  } catch (err) {
    const name = (err as { name?: string })?.name ?? '';
    return { ok: false, problem: name === 'PasswordException' ? 'encrypted' : 'unreadable' };
  }
  const { OPS } = await getResolvedPDFJS();
  const pages: string[][] = [];
  const qrTexts: string[] = [];
  const scans: RawImage[] = [];
  const pageCount = pdf.numPages;
  try {
    for (let n = 1; n <= Math.min(pageCount, MAX_PAGES); n++) {
      const page = await pdf.getPage(n);
      const content = await page.getTextContent();
      pages.push(linesOf(content.items.filter((i): i is TextItem & typeof i => 'str' in i) as TextItem[]));
      const ops = await page.getOperatorList();
      const hasText = pages[pages.length - 1]!.some((l) => l.trim().length > 0);
      let scan: RawImage | null = null;
      let seen = 0;
      for (let i = 0; i < ops.fnArray.length && seen < MAX_IMAGES_PER_PAGE; i++) {
        const fn = ops.fnArray[i];
        let image: unknown = null;
        if (fn === OPS.paintImageXObject) {
          const key = ops.argsArray[i][0] as string;
          const store = key.startsWith('g_') ? page.commonObjs : page.objs;
          image = await new Promise((resolve) => {
            try {
              store.get(key, resolve);
            } catch {
              resolve(null);
            }
          });
        } else if (fn === OPS.paintInlineImageXObject) {
          image = ops.argsArray[i][0];
        } else {
          continue;
        }
        seen += 1;
        const rgba = image && typeof image === 'object' && 'data' in image ? toRgba(image as Parameters<typeof toRgba>[0]) : null;
        const text = rgba ? scanQrJs(rgba) : null;
        if (text && !qrTexts.includes(text)) qrTexts.push(text);
        // A page without text is a scan: its largest image is the page, kept for OCR.
        if (!hasText && rgba && rgba.width * rgba.height >= MIN_SCAN_PIXELS && (!scan || rgba.width * rgba.height > scan.width * scan.height)) scan = rgba;
      }
      if (scan && scans.length < MAX_SCAN_PAGES) scans.push(scan);
      page.cleanup();
    }
  } catch {
    // Whatever was read before a broken page is still worth returning.
    return { ok: true, pages, qrTexts, pageCount, partial: true, scans };
  } finally {
    await pdf.destroy().catch(() => undefined);
  }
  return { ok: true, pages, qrTexts, pageCount, partial: false, scans };
}

async function handle(job: WorkerJob): Promise<WorkerReply> {
  if (job.kind === 'pdf') return readPdf(job.bytes);
  const qrTexts = await decodeQrTexts(job.images, (text) => parseAfipQr(text).ok);
  return { ok: true, pages: [], qrTexts, pageCount: 0, partial: false };
}

parentPort?.once('message', (job: WorkerJob) => {
  handle(job).then(
    // Scan bitmaps are moved to the parent, not copied.
    (reply) => parentPort!.postMessage(reply, reply.ok && reply.scans ? reply.scans.map((s) => s.data.buffer as ArrayBuffer) : []),
    () => parentPort!.postMessage({ ok: false, problem: 'unreadable' } satisfies WorkerReply),
  );
});
