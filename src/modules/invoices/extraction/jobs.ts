// Messages between the server and the extraction worker (worker.ts).

export interface RawImage {
  width: number;
  height: number;
  /** RGBA, 4 bytes per pixel. */
  data: Uint8Array;
}

export type WorkerJob = { kind: 'pdf'; bytes: Uint8Array } | { kind: 'qr'; images: RawImage[] };

export type WorkerProblem = 'encrypted' | 'unreadable' | 'timeout' | 'too_complex';

export type WorkerReply =
  | {
      ok: true;
      pages: string[][];
      qrTexts: string[];
      pageCount: number;
      partial: boolean;
      /** Scanned pages (no text layer): each page's largest image, for OCR (at most MAX_SCAN_PAGES). */
      scans?: RawImage[];
    }
  | { ok: false; problem: WorkerProblem };
