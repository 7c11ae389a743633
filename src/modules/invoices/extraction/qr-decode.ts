// QR decoding for the extraction worker (worker.ts), in two passes over the same bitmaps (the
// page at three sizes, image.ts): jsQR first (pure JavaScript, all that PDFs and clean pages
// need), then ZXing-C++ (zxing-wasm) only when jsQR found no AFIP QR. ZXing's detector samples
// the grid around every alignment pattern, so it reads the version-13 AFIP QR of a blurred,
// turned phone photo (~3 px a module) where jsQR's single perspective fit drifts off by a
// module; on such a page it takes ~50 ms where another jsQR attempt takes ~300. The WASM is read
// from node_modules, never fetched: zxing-wasm's default would download it from a CDN, and the
// server has no network to give it.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as jsqrModule from 'jsqr';
import type * as ZxingReaderModule from 'zxing-wasm/reader';
import type { RawImage } from './jobs.ts';

// jsqr is CommonJS: its function is the module's default export at run time, while its typings
// describe an ES module with a default; this reads it either way.
type JsQr = (data: Uint8ClampedArray, width: number, height: number, options?: { inversionAttempts?: 'attemptBoth' }) => { data: string } | null;
const jsqrDefault = (jsqrModule as unknown as { default: JsQr & { default?: JsQr } }).default;
const jsQR: JsQr = jsqrDefault.default ?? jsqrDefault;

const clamped = (image: RawImage) => new Uint8ClampedArray(image.data.buffer, image.data.byteOffset, image.data.byteLength);

export function scanQrJs(image: RawImage): string | null {
  return jsQR(clamped(image), image.width, image.height, { inversionAttempts: 'attemptBoth' })?.data ?? null;
}

/** The reader build's WASM, resolved through the package's own export map (works from dist/ too). */
export function zxingWasmPath(): string {
  return createRequire(import.meta.url).resolve('zxing-wasm/reader/zxing_reader.wasm');
}

type ZxingReader = typeof ZxingReaderModule;
let zxingReady: Promise<ZxingReader> | null = null;

/**
 * Loads ZXing once per thread, on first use (a PDF or a clean page never pays for it), from the
 * local file; `locateFile` too, so nothing is ever fetched.
 */
function loadZxing(): Promise<ZxingReader> {
  zxingReady ??= (async () => {
    const zxing = await import('zxing-wasm/reader');
    const file = zxingWasmPath();
    const bytes = readFileSync(file);
    await zxing.prepareZXingModule({
      overrides: { wasmBinary: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength), locateFile: () => file },
      fireImmediately: true,
    });
    return zxing;
  })();
  return zxingReady;
}

/**
 * QR payloads ZXing finds in one bitmap: QR codes only, and only symbols whose Reed–Solomon check
 * passed (`isValid`), so a damaged code is never half-read.
 */
export async function scanQrZxing(image: RawImage): Promise<string[]> {
  const zxing = await loadZxing();
  const results = await zxing.readBarcodes(
    { data: clamped(image), width: image.width, height: image.height },
    { formats: ['QRCode'], tryHarder: true, tryRotate: true, tryInvert: true, maxNumberOfSymbols: 4 },
  );
  return results.filter((r) => r.isValid && r.text).map((r) => r.text);
}

/**
 * The QR payloads of a page, from its bitmaps (each a size of the page): jsQR over them in the
 * order given, then ZXing over them largest first (it downscales by itself where that helps); it
 * stops at the first payload that `wanted` accepts (the AFIP QR), so another QR on the page (a
 * supplier's web site) does not hide the invoice's. Returns every distinct payload read, the
 * wanted one last.
 */
export async function decodeQrTexts(images: RawImage[], wanted: (text: string) => boolean): Promise<string[]> {
  const texts: string[] = [];
  const add = (text: string | null): boolean => {
    if (text && !texts.includes(text)) texts.push(text);
    return text !== null && wanted(text);
  };
  for (const image of images) if (add(scanQrJs(image))) return texts;
  for (const image of [...images].sort((a, b) => b.width * b.height - a.width * a.height)) {
    let found: string[];
    try {
      found = await scanQrZxing(image);
    } catch {
      // A WASM failure (out of its memory, a trap) costs only this fallback: jsQR's result stands.
      return texts;
    }
    for (const text of found) if (add(text)) return texts;
  }
  return texts;
}
