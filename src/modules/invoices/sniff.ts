// The file's type comes from its first bytes, never from its name or the client's Content-Type.
export type InvoiceFileType = 'pdf' | 'png' | 'jpeg';

export const MEDIA_TYPES: Record<InvoiceFileType, string> = {
  pdf: 'application/pdf',
  png: 'image/png',
  jpeg: 'image/jpeg',
};

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function startsWith(bytes: Uint8Array, signature: readonly number[], offset = 0): boolean {
  if (bytes.length < offset + signature.length) return false;
  return signature.every((b, i) => bytes[offset + i] === b);
}

/**
 * PDF: `%PDF-` within the first 1024 bytes (readers accept leading junk there, and some
 * scanners write it); PNG: the 8-byte signature; JPEG: SOI followed by a marker (FF D8 FF).
 * Anything else, including empty and truncated headers, is null.
 */
export function sniffInvoiceFile(bytes: Uint8Array): InvoiceFileType | null {
  if (startsWith(bytes, PNG)) return 'png';
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'jpeg';
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, 1024)).toString('latin1');
  const at = head.indexOf('%PDF-');
  if (at >= 0 && /^%PDF-\d\.\d/.test(head.slice(at, at + 8))) return 'pdf';
  return null;
}
