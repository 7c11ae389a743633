// The AFIP/ARCA invoice QR (RG 4892/2020): `https://www.afip.gob.ar/fe/qr/?p=<base64 JSON>`.
// The payload is the authoritative invoice header when present (DOMAIN.md).
import { Decimal } from 'decimal.js';
import { parseCuit } from '../catalog/cuit.ts';

export type InvoiceLetter = 'A' | 'B' | 'C';
export type InvoiceKind = 'factura' | 'nota_debito' | 'nota_credito';

/** AFIP comprobante codes for the letters this system takes: 1/2/3 A, 6/7/8 B, 11/12/13 C. */
const TYPES: Record<number, { letter: InvoiceLetter; kind: InvoiceKind }> = {
  1: { letter: 'A', kind: 'factura' },
  2: { letter: 'A', kind: 'nota_debito' },
  3: { letter: 'A', kind: 'nota_credito' },
  6: { letter: 'B', kind: 'factura' },
  7: { letter: 'B', kind: 'nota_debito' },
  8: { letter: 'B', kind: 'nota_credito' },
  11: { letter: 'C', kind: 'factura' },
  12: { letter: 'C', kind: 'nota_debito' },
  13: { letter: 'C', kind: 'nota_credito' },
};

export function typeInfo(code: number | null | undefined): { letter: InvoiceLetter; kind: InvoiceKind } | null {
  return code === null || code === undefined ? null : (TYPES[code] ?? null);
}

/** The Factura code for a letter (A → 1, B → 6, C → 11). */
export function facturaCode(letter: InvoiceLetter): number {
  return letter === 'A' ? 1 : letter === 'B' ? 6 : 11;
}

export interface AfipQr {
  version: number;
  issueDate: string;
  issuerCuit: string;
  pointOfSale: number;
  invoiceType: number;
  letter: InvoiceLetter | null;
  kind: InvoiceKind | null;
  number: number;
  total: string;
  currency: string;
  exchangeRate: string;
  receiverDocType: number | null;
  receiverDoc: string | null;
  authType: 'E' | 'A';
  cae: string;
  /** The decoded JSON object, as the QR carried it. */
  raw: Record<string, unknown>;
}

export type QrParse = { ok: true; qr: AfipQr } | { ok: false; reason: string };

const HOSTS = /(^|\.)(afip|arca)\.gob\.ar$/i;
const MAX_TEXT = 4096;

function intField(raw: Record<string, unknown>, name: string, max: number): number | null {
  const v = raw[name];
  const n = typeof v === 'string' && /^\d{1,15}$/.test(v.trim()) ? Number(v.trim()) : v;
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 && n <= max ? n : null;
}

/**
 * A decimal field read from the JSON text itself when it is a plain number there, so `12100.10`
 * never passes through a binary float; otherwise from the parsed value.
 */
function decimalField(json: string, raw: Record<string, unknown>, name: string): string | null {
  const m = new RegExp(`"${name}"\\s*:\\s*"?(-?\\d{1,15}(?:\\.\\d{1,6})?)"?`).exec(json);
  if (m) return new Decimal(m[1]!).toFixed();
  const v = raw[name];
  if (typeof v === 'number' && Number.isFinite(v)) return new Decimal(String(v)).toFixed();
  return null;
}

function decodeBase64(p: string): string | null {
  const cleaned = p.trim().replace(/\s+/g, '').replace(/-/g, '+').replace(/_/g, '/');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(cleaned) || cleaned.length > MAX_TEXT) return null;
  const text = Buffer.from(cleaned, 'base64').toString('utf8');
  return text.includes('\uFFFD') ? null : text;
}

/** Decodes the text of a scanned QR. Anything that is not an AFIP/ARCA invoice QR is refused. */
export function parseAfipQr(text: string): QrParse {
  if (text.length > MAX_TEXT) return { ok: false, reason: 'qr demasiado largo' };
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return { ok: false, reason: 'el QR no es una dirección' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { ok: false, reason: 'el QR no es una dirección web' };
  if (!HOSTS.test(url.hostname)) return { ok: false, reason: 'el QR no es de AFIP/ARCA' };
  const p = url.searchParams.get('p');
  if (!p) return { ok: false, reason: 'el QR no tiene el parámetro p' };
  const json = decodeBase64(p);
  if (!json) return { ok: false, reason: 'el parámetro p no es base64 válido' };
  let raw: unknown;
  try {
    // PostgreSQL refuses NUL in jsonb (22P05) and other control characters have no business in
    // a payload that is stored and shown: they are dropped before anything else reads it.
    raw = JSON.parse(json, (_key, value: unknown) => (typeof value === 'string' ? stripControl(value) : value));
  } catch {
    return { ok: false, reason: 'el contenido del QR no es JSON' };
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return { ok: false, reason: 'el contenido del QR no es un objeto' };
  const o = raw as Record<string, unknown>;

  const fecha = typeof o.fecha === 'string' ? o.fecha.trim() : '';
  const dateOk = /^\d{4}-\d{2}-\d{2}$/.test(fecha) && !Number.isNaN(Date.parse(`${fecha}T00:00:00Z`)) && new Date(`${fecha}T00:00:00Z`).toISOString().startsWith(fecha);
  const cuitDigits = String(o.cuit ?? '').trim();
  const cuit = /^\d{11}$/.test(cuitDigits) ? parseCuit(cuitDigits) : null;
  const pointOfSale = intField(o, 'ptoVta', 99_999);
  const invoiceType = intField(o, 'tipoCmp', 999);
  const number = intField(o, 'nroCmp', 99_999_999);
  const total = decimalField(json, o, 'importe');
  const codAut = String(o.codAut ?? '').trim();
  const authType = o.tipoCodAut === 'A' ? 'A' : 'E';

  const missing: string[] = [];
  if (!dateOk) missing.push('fecha');
  if (!cuit) missing.push('cuit');
  if (pointOfSale === null || pointOfSale === 0) missing.push('ptoVta');
  if (invoiceType === null) missing.push('tipoCmp');
  if (number === null || number === 0) missing.push('nroCmp');
  if (total === null) missing.push('importe');
  if (!/^\d{14}$/.test(codAut)) missing.push('codAut');
  if (missing.length > 0) return { ok: false, reason: `faltan o son inválidos: ${missing.join(', ')}` };

  const info = typeInfo(invoiceType);
  const docType = intField(o, 'tipoDocRec', 99);
  const doc = o.nroDocRec === undefined || o.nroDocRec === null ? null : String(o.nroDocRec).trim().slice(0, 20);
  return {
    ok: true,
    qr: {
      version: intField(o, 'ver', 99) ?? 1,
      issueDate: fecha,
      // A CUIT with a bad check digit is still the issuer's claim: kept raw-dashed, flagged later.
      issuerCuit: cuit && cuit.ok ? cuit.formatted : `${cuitDigits.slice(0, 2)}-${cuitDigits.slice(2, 10)}-${cuitDigits.slice(10)}`,
      pointOfSale: pointOfSale!,
      invoiceType: invoiceType!,
      letter: info?.letter ?? null,
      kind: info?.kind ?? null,
      number: number!,
      total: total!,
      currency: typeof o.moneda === 'string' ? o.moneda.slice(0, 3) : 'PES',
      exchangeRate: decimalField(json, o, 'ctz') ?? '1',
      receiverDocType: docType,
      receiverDoc: doc,
      authType,
      cae: codAut,
      raw: o,
    },
  };
}

/** Removes control characters (NUL included) that text from files or OCR can carry. */
export function stripControl(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, ' ');
}

/** Builds the QR text for a header (tests and fixtures use it to make real payloads). */
export function buildAfipQrUrl(fields: {
  fecha: string;
  cuit: string;
  ptoVta: number;
  tipoCmp: number;
  nroCmp: number;
  importe: string;
  codAut: string;
  tipoDocRec?: number;
  nroDocRec?: string;
  host?: string;
}): string {
  const json = `{"ver":1,"fecha":"${fields.fecha}","cuit":${fields.cuit.replace(/-/g, '')},"ptoVta":${fields.ptoVta},"tipoCmp":${fields.tipoCmp},"nroCmp":${fields.nroCmp},"importe":${fields.importe},"moneda":"PES","ctz":1,"tipoDocRec":${fields.tipoDocRec ?? 80},"nroDocRec":${fields.nroDocRec ?? '20123456786'},"tipoCodAut":"E","codAut":${fields.codAut}}`;
  return `https://${fields.host ?? 'www.afip.gob.ar'}/fe/qr/?p=${Buffer.from(json).toString('base64')}`;
}
