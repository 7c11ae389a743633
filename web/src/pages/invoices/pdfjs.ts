// pdf.js, loaded only when a PDF invoice is opened (its own chunk; the worker is a separate file).
// Everything it needs comes from our own origin and fits the strict CSP: the worker is one of
// our files (worker-src falls back to script-src 'self'), no eval (isEvalSupported), no
// WebAssembly (useWasm: the CSP has no 'wasm-unsafe-eval'), and the standard fonts a PDF names
// without embedding them (pdf-lib's and many invoicing programs' Helvetica) are bundled assets.
import { GlobalWorkerOptions, getDocument, type PDFDocumentLoadingTask } from 'pdfjs-dist';
import workerUrl from 'pdfjs-dist/build/pdf.worker.min.mjs?url';

GlobalWorkerOptions.workerSrc = workerUrl;

export type { PDFDocumentProxy, PDFPageProxy, RenderTask } from 'pdfjs-dist';

// File name → hashed asset URL (fetched only when a PDF needs that font).
const FONT_URLS = new Map(
  Object.entries(
    import.meta.glob<string>('../../../../node_modules/pdfjs-dist/standard_fonts/*.{pfb,ttf}', { query: '?url', import: 'default', eager: true }),
  ).map(([file, url]) => [file.slice(file.lastIndexOf('/') + 1), url]),
);

/**
 * What pdf.js asks the page for (its BinaryDataFactory interface): the standard fonts, from the
 * bundle. CMaps (CJK text) and wasm decoders are not bundled; pdf.js degrades without them.
 */
class BundledData {
  async fetch({ kind, filename }: { kind: string; filename: string }): Promise<Uint8Array> {
    const url = kind === 'standardFontDataUrl' ? FONT_URLS.get(filename) : undefined;
    if (!url) throw new Error(`${kind} ${filename} is not bundled`);
    const response = await fetch(url);
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
    return new Uint8Array(await response.arrayBuffer());
  }
}

export function openPdf(data: ArrayBuffer): PDFDocumentLoadingTask {
  return getDocument({
    data: new Uint8Array(data),
    isEvalSupported: false,
    useWasm: false,
    // XFA forms would be built as HTML: the preview is a picture of the invoice, nothing more.
    enableXfa: false,
    // The bundled font, not whatever the device has under that name: the same picture everywhere.
    useSystemFonts: false,
    BinaryDataFactory: BundledData,
    // Any non-empty value: pdf.js asks the factory only when it is set; the factory ignores it.
    standardFontDataUrl: 'bundled/',
    useWorkerFetch: false,
  });
}
