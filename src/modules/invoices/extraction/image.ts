// Decodes uploaded photos and scans with sharp (libvips, off the event loop) into the small RGBA
// bitmaps the QR scanner reads. Pixel and dimension limits stop decompression bombs before
// libvips allocates anything.
import sharp from 'sharp';
import type { RawImage } from './jobs.ts';

/** 50 megapixels: a 12 000 × 4 000 scan still passes, a 65 535² PNG bomb does not. */
export const MAX_INPUT_PIXELS = 50_000_000;

export type ImageProblem = 'unreadable' | 'too_large';

/**
 * The page at up to three sizes (QR codes are found best when the page is neither huge nor tiny),
 * upright per its EXIF orientation. Rejects what sharp cannot decode.
 */
export async function qrScanImages(bytes: Buffer): Promise<{ ok: true; images: RawImage[] } | { ok: false; problem: ImageProblem }> {
  try {
    const base = sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error', sequentialRead: true });
    const meta = await base.metadata();
    if (!meta.width || !meta.height) return { ok: false, problem: 'unreadable' };
    const longest = Math.max(meta.width, meta.height);
    // Full size last (up to 2 400 px, what OCR reads): a photo's small QR can need every pixel.
    const sizes = [...new Set([Math.min(longest, 1600), Math.min(longest, 800), Math.min(longest, 2400)])];
    const images: RawImage[] = [];
    for (const size of sizes) {
      const { data, info } = await sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' })
        .rotate()
        .resize({ width: size, height: size, fit: 'inside', withoutEnlargement: true })
        .flatten({ background: '#ffffff' })
        .ensureAlpha()
        .raw()
        .toBuffer({ resolveWithObject: true });
      images.push({ width: info.width, height: info.height, data: new Uint8Array(data) });
    }
    return { ok: true, images };
  } catch (err) {
    const message = String((err as Error)?.message ?? '');
    return { ok: false, problem: /pixel limit|exceeds/i.test(message) ? 'too_large' : 'unreadable' };
  }
}
