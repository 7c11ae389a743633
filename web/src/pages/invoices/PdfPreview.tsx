// A PDF invoice drawn in the page beside its fields: the bytes come through the API client (the
// file route answers as an attachment and may not be framed), pdf.js is loaded on first use,
// and each page is drawn to a canvas as wide as the column (sharp on high-density screens).
import { useEffect, useRef, useState } from 'react';
import { api } from '../../api/client.ts';
import { t } from '../../i18n/index.ts';
import type { PDFDocumentProxy, RenderTask } from './pdfjs.ts';

const s = t.invoices.preview;

/** Zoom steps: the page as wide as the column, then wider (the box scrolls) to read small print. */
const ZOOMS = [1, 1.5, 2] as const;
const ZOOM_CLASS = ['', 'zoom-150', 'zoom-200'] as const;

type State = { status: 'loading' } | { status: 'error' } | { status: 'ready'; doc: PDFDocumentProxy };

export function PdfPreview({ url }: { url: string }) {
  const [state, setState] = useState<State>({ status: 'loading' });
  const [pageNumber, setPageNumber] = useState(1);
  const [zoomStep, setZoomStep] = useState(0);
  // Which page at which width is on the canvas (a new page or width is not drawn yet).
  const [drawnAs, setDrawnAs] = useState('');
  const [width, setWidth] = useState(0);
  const boxRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);

  // Load the file and the library once (the parent keys this component by file); the document
  // is destroyed when leaving.
  useEffect(() => {
    const abort = new AbortController();
    let doc: PDFDocumentProxy | null = null;
    let cancelled = false;
    (async () => {
      const [bytes, pdfjs] = await Promise.all([api.bytes(url.replace(/^\/api\/v1/, ''), abort.signal), import('./pdfjs.ts')]);
      const loaded = await pdfjs.openPdf(bytes).promise;
      if (cancelled) {
        void loaded.destroy();
        return;
      }
      doc = loaded;
      setState({ status: 'ready', doc: loaded });
    })().catch(() => {
      if (!cancelled) setState({ status: 'error' });
    });
    return () => {
      cancelled = true;
      abort.abort();
      void doc?.destroy();
    };
  }, [url]);

  // The column's width, followed as the window or layout changes.
  useEffect(() => {
    const box = boxRef.current;
    if (!box) return;
    const observer = new ResizeObserver((entries) => {
      const w = Math.floor(entries[0]?.contentRect.width ?? 0);
      setWidth((prev) => (Math.abs(prev - w) > 1 ? w : prev));
    });
    observer.observe(box);
    return () => observer.disconnect();
  }, []);

  // Draw the current page at the column's width.
  useEffect(() => {
    if (state.status !== 'ready' || width === 0) return;
    const canvas = canvasRef.current;
    if (!canvas) return;
    let task: RenderTask | null = null;
    let cancelled = false;
    (async () => {
      const page = await state.doc.getPage(pageNumber);
      if (cancelled) return;
      const base = page.getViewport({ scale: 1 });
      const ratio = Math.min(window.devicePixelRatio || 1, 3);
      const viewport = page.getViewport({ scale: ((width * ZOOMS[zoomStep]!) / base.width) * ratio });
      canvas.width = Math.floor(viewport.width);
      canvas.height = Math.floor(viewport.height);
      task = page.render({ canvas, viewport });
      await task.promise;
      if (!cancelled) setDrawnAs(`${pageNumber}@${width}x${zoomStep}`);
    })().catch((err: unknown) => {
      // A render cancelled by the next one (resize, page change) is not a failure.
      if (!cancelled && (err as Error)?.name !== 'RenderingCancelledException') setState({ status: 'error' });
    });
    return () => {
      cancelled = true;
      task?.cancel();
    };
  }, [state, pageNumber, width, zoomStep]);

  const drawn = drawnAs === `${pageNumber}@${width}x${zoomStep}`;
  const pages = state.status === 'ready' ? state.doc.numPages : 0;
  const label = s.pageLabel(pageNumber, Math.max(pages, 1));
  return (
    <div className="pdf-preview">
      <div ref={boxRef} className={`pdf-canvas-box ${ZOOM_CLASS[zoomStep]} ${drawn ? 'drawn' : ''}`}>
        {state.status === 'error' ? (
          <p className="muted pdf-message">{s.failed}</p>
        ) : (
          <>
            {state.status === 'loading' && <p className="muted pdf-message">{s.loading}</p>}
            <canvas ref={canvasRef} className="pdf-canvas" role="img" aria-label={label} hidden={state.status !== 'ready'} />
          </>
        )}
      </div>
      {state.status === 'ready' && (
        <div className="pdf-controls">
          <div className="pdf-zoom" role="group" aria-label={s.zoom}>
            <button type="button" onClick={() => setZoomStep((z) => Math.max(0, z - 1))} disabled={zoomStep === 0}>
              {s.zoomOut}
            </button>
            <span className="muted small" aria-live="polite">
              {s.zoomLevel(ZOOMS[zoomStep]! * 100)}
            </span>
            <button type="button" onClick={() => setZoomStep((z) => Math.min(ZOOMS.length - 1, z + 1))} disabled={zoomStep === ZOOMS.length - 1}>
              {s.zoomIn}
            </button>
          </div>
          {pages > 1 && (
            <div className="pdf-pager">
              <button type="button" onClick={() => setPageNumber((n) => Math.max(1, n - 1))} disabled={pageNumber <= 1}>
                {s.previous}
              </button>
              <span aria-live="polite">{s.pageOf(pageNumber, pages)}</span>
              <button type="button" onClick={() => setPageNumber((n) => Math.min(pages, n + 1))} disabled={pageNumber >= pages}>
                {s.next}
              </button>
            </div>
          )}
        </div>
      )}
    </div>
  );
}
