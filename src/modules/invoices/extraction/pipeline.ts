// The extraction pipeline: (a) the AFIP/ARCA QR, from the image or the PDF's embedded images;
// (b) the PDF text layer; (c) OCR of photos and of scanned PDFs' page images through the OcrEngine
// seam (tesseract.js, ./ocr.ts; without an engine they get a `text.missing` warning; an image
// that decodes to noise gets `file.unreadable`, quickly). Nothing here throws for a bad file:
// every failure becomes a warning and the draft is made from whatever was read.
import { parseAfipQr, type AfipQr } from '../afip-qr.ts';
import { parseInvoiceText, type ParsedText } from '../text-parser.ts';
import type { Warning } from '../checks.ts';
import type { InvoiceFileType } from '../sniff.ts';
import sharp from 'sharp';
import { qrScanImages } from './image.ts';
import { parseOcrText } from './ocr-text.ts';
import type { ExtractionRunner } from './runner.ts';
import type { RawImage, WorkerProblem } from './jobs.ts';

export interface OcrLine {
  text: string;
  /** 0–1 */
  confidence: number;
  words: { text: string; confidence: number }[];
}

export interface OcrResult {
  /** The page's text lines in reading order, with the words' confidences (0–1). */
  lines: OcrLine[];
  /** The page's mean confidence (0–1). */
  confidence: number;
  /** The image was noise, not a page (a corrupted file, noise.ts): not read, no lines. */
  unreadable?: boolean;
}

/**
 * OCR for photos and scans: tesseract.js with the Spanish data from npm in a worker pool
 * (./ocr.ts). Rejects with OcrTimeoutError past its time limit.
 */
export interface OcrEngine {
  recognize(image: Buffer, type: 'png' | 'jpeg'): Promise<OcrResult>;
}

export class OcrTimeoutError extends Error {
  override name = 'OcrTimeoutError';
}

export interface Extraction {
  qr: AfipQr | null;
  text: ParsedText | null;
  textSource: 'text' | 'ocr';
  /** Multiplies the text parser's confidences (1 for a text layer, the OCR's own for OCR). */
  textScale: number;
  sources: { qr: boolean; text: boolean; ocr: boolean };
  problems: Warning[];
}

const PROBLEM_MESSAGES: Record<WorkerProblem | 'too_large', string> = {
  encrypted: 'El PDF está protegido con contraseña: no se pudo leer; cargue los datos a mano.',
  unreadable: 'El archivo está dañado o no se pudo leer; cargue los datos a mano.',
  timeout: 'El archivo tardó demasiado en procesarse; cargue los datos a mano.',
  too_complex: 'El archivo es demasiado complejo para procesarlo; cargue los datos a mano.',
  too_large: 'La imagen es demasiado grande (más de 50 megapíxeles).',
};

function problem(p: WorkerProblem | 'too_large'): Warning {
  return { code: `file.${p}`, message: PROBLEM_MESSAGES[p], path: null };
}

function firstQr(texts: string[], problems: Warning[]): AfipQr | null {
  let reason: string | null = null;
  for (const t of texts) {
    const parsed = parseAfipQr(t);
    if (parsed.ok) return parsed.qr;
    reason ??= parsed.reason;
  }
  if (reason) problems.push({ code: 'qr.invalid', message: `Se encontró un código QR que no es un QR de factura válido (${reason}).`, path: null });
  return null;
}

/**
 * OCR of a photo, or of a scanned PDF's page images (RGBA, made PNG first), page after page; the
 * pages' lines are read as one text. Each field's confidence is the parser's times the OCR's for
 * the words it was read from. A time-out is the caller's (504); any other failure a warning.
 */
async function ocrInto(result: Extraction, pages: (Buffer | RawImage)[], ocr: OcrEngine, type: 'png' | 'jpeg' = 'png'): Promise<void> {
  try {
    const read: OcrResult = { lines: [], confidence: 0 };
    let unreadable = 0;
    for (const page of pages) {
      const image = Buffer.isBuffer(page)
        ? page
        : await sharp(page.data, { raw: { width: page.width, height: page.height, channels: 4 } }).png({ compressionLevel: 1 }).toBuffer();
      const one = await ocr.recognize(image, Buffer.isBuffer(page) ? type : 'png');
      if (one.unreadable) unreadable += 1;
      read.lines.push(...one.lines);
      read.confidence += one.confidence / pages.length;
    }
    result.text = parseOcrText(read);
    result.textSource = 'ocr';
    result.textScale = 1;
    result.sources.ocr = result.text !== null;
    if (unreadable > 0) {
      // Said apart from text.missing (a page without text): here the image itself is damaged.
      const all = unreadable === pages.length;
      const what = pages.length === 1 ? 'La imagen es' : all ? 'Las páginas escaneadas son' : 'Algunas páginas escaneadas son';
      const then = all ? 'cargue los datos a mano' : 'complete a mano lo que falte';
      result.problems.push({ code: 'file.unreadable', message: `${what} solo ruido, sin texto legible (el archivo parece dañado); ${then}.`, path: null });
    } else if (!result.text) {
      result.problems.push({ code: 'text.missing', message: 'No se encontró texto legible en la imagen: complete los datos a mano.', path: null });
    }
  } catch (err) {
    if (err instanceof OcrTimeoutError) throw err;
    result.problems.push({ code: 'ocr.failed', message: 'No se pudo leer el texto de la imagen; complete los datos a mano.', path: null });
  }
}

export async function extractInvoice(
  bytes: Buffer,
  type: InvoiceFileType,
  deps: { runner: ExtractionRunner; ocr: OcrEngine | null },
): Promise<Extraction> {
  const problems: Warning[] = [];
  const result: Extraction = { qr: null, text: null, textSource: 'text', textScale: 1, sources: { qr: false, text: false, ocr: false }, problems };

  if (type === 'pdf') {
    // A view, not a copy: the runner copies the bytes for the worker once the job's turn comes.
    const reply = await deps.runner.run({ kind: 'pdf', bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) });
    if (!reply.ok) {
      problems.push(problem(reply.problem));
      return result;
    }
    if (reply.partial) problems.push({ code: 'file.partial', message: 'Parte del PDF está dañada: revise los datos leídos.', path: null });
    result.qr = firstQr(reply.qrTexts, problems);
    const hasText = reply.pages.some((p) => p.some((l) => l.trim().length > 0));
    if (hasText) {
      result.text = parseInvoiceText(reply.pages);
      result.sources.text = true;
    } else if (deps.ocr && reply.scans && reply.scans.length > 0) {
      // A scanned PDF: its pages' images are read like photos.
      await ocrInto(result, reply.scans, deps.ocr);
    } else {
      problems.push({ code: 'text.missing', message: 'El PDF no tiene texto (es un escaneo): complete los datos a mano.', path: null });
    }
  } else {
    const decoded = await qrScanImages(bytes);
    if (!decoded.ok) {
      problems.push(problem(decoded.problem));
      return result;
    }
    const reply = await deps.runner.run({ kind: 'qr', images: decoded.images });
    if (reply.ok) result.qr = firstQr(reply.qrTexts, problems);
    else problems.push(problem(reply.problem));
    if (deps.ocr) {
      await ocrInto(result, [bytes], deps.ocr, type);
    } else {
      problems.push({ code: 'text.missing', message: 'La lectura de texto de imágenes (OCR) no está disponible: complete los datos a mano.', path: null });
    }
  }
  result.sources.qr = result.qr !== null;
  if (!result.qr) problems.push({ code: 'qr.missing', message: 'No se encontró el código QR de AFIP: verifique el encabezado.', path: null });
  return result;
}
