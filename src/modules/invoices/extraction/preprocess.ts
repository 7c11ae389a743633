// Prepares a photo or scan for OCR with sharp (libvips, off the event loop): upright per EXIF,
// grayscale, contrast stretched, small pages upscaled and huge ones reduced so that body text is
// ~20–40 px tall, and straightened: the skew is estimated on a small binarized copy by the
// projection-profile method (the angle whose row sums vary most sharply is the one that lines
// the text rows up), coarse then fine, and the page rotated back.
import sharp from 'sharp';
import { MAX_INPUT_PIXELS } from './image.ts';
import { looksLikeNoise, pageTexture, type PageTexture } from './noise.ts';

/** Longest side OCR gets: ~200 dpi for A4, plenty for 8-pt print. */
const TARGET_LONGEST = 2400;
const MIN_LONGEST = 1800;
/** Skews below this are left alone (rotating blurs a little and costs time). */
const MIN_DESKEW_DEGREES = 0.3;
const MAX_SKEW_DEGREES = 10;

export interface PreprocessedPage {
  png: Buffer;
  width: number;
  height: number;
  /** The skew found and corrected, in degrees (positive = the page was rotated clockwise). */
  skew: number;
  /** The levelled page's texture (noise.ts): whether it is noise rather than text. */
  texture: PageTexture;
  /** Noise or speckle, not a page (a corrupted file): not worth reading. */
  noise: boolean;
}

/** Sharpness of the horizontal projection at `angle` (radians): the sum of squared row-to-row differences. */
function profileScore(points: Int32Array, count: number, angle: number, rows: number, offset: number): number {
  const sin = Math.sin(angle);
  const cos = Math.cos(angle);
  const hist = new Float64Array(rows);
  for (let i = 0; i < count; i++) {
    const x = points[2 * i]!;
    const y = points[2 * i + 1]!;
    const r = Math.round(y * cos - x * sin) + offset;
    if (r >= 0 && r < rows) hist[r]! += 1;
  }
  let score = 0;
  for (let r = 1; r < rows; r++) {
    const d = hist[r]! - hist[r - 1]!;
    score += d * d;
  }
  return score;
}

/**
 * The page's skew in degrees, from a grayscale bitmap (1 byte per pixel). Positive when the text
 * rows run downhill to the right (the page is rotated clockwise).
 */
export function estimateSkew(gray: Uint8Array, width: number, height: number, background?: Uint8Array): number {
  // Ink: pixels clearly darker than their surroundings (the blurred page, when given), so that a
  // dark table or shadow around the page does not count; at most ~60 000 sampled.
  let sum = 0;
  for (let i = 0; i < gray.length; i++) sum += gray[i]!;
  const global = Math.min(128, (sum / Math.max(1, gray.length)) * 0.6);
  const isInk = (i: number) => (background ? gray[i]! < background[i]! - 40 && gray[i]! < background[i]! * 0.65 : gray[i]! < global);
  let dark = 0;
  for (let i = 0; i < gray.length; i++) if (isInk(i)) dark += 1;
  if (dark < 50) return 0;
  const step = Math.max(1, Math.ceil(dark / 60_000));
  const points = new Int32Array(2 * Math.ceil(dark / step) + 2);
  let count = 0;
  let seen = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (!isInk(y * width + x)) continue;
      if (seen++ % step !== 0) continue;
      points[2 * count] = x;
      points[2 * count + 1] = y;
      count += 1;
    }
  }
  const offset = width;
  const rows = height + 2 * width;
  const best = (from: number, to: number, by: number, start: number) => {
    let bestAngle = start;
    let bestScore = -1;
    for (let deg = from; deg <= to + 1e-9; deg += by) {
      const s = profileScore(points, count, (deg * Math.PI) / 180, rows, offset);
      if (s > bestScore) {
        bestScore = s;
        bestAngle = deg;
      }
    }
    return bestAngle;
  };
  const coarse = best(-MAX_SKEW_DEGREES, MAX_SKEW_DEGREES, 1, 0);
  const fine = best(coarse - 1, coarse + 1, 0.1, coarse);
  return Math.round(fine * 10) / 10;
}

/** Each pixel → the brightest within `r` pixels (a separable square max filter). */
export function maxFilter(src: Uint8Array, width: number, height: number, r: number): Uint8Array {
  const tmp = new Uint8Array(src.length);
  const out = new Uint8Array(src.length);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      let m = 0;
      for (let k = Math.max(0, x - r); k <= Math.min(width - 1, x + r); k++) m = Math.max(m, src[row + k]!);
      tmp[row + x] = m;
    }
  }
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let m = 0;
      for (let k = Math.max(0, y - r); k <= Math.min(height - 1, y + r); k++) m = Math.max(m, tmp[k * width + x]!);
      out[y * width + x] = m;
    }
  }
  return out;
}

export async function preprocessForOcr(bytes: Buffer): Promise<PreprocessedPage> {
  const open = () => sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' });
  // Upright (EXIF), gray, contrast-normalized and at OCR size, in one libvips pass. (A raw
  // one-channel input comes out as three channels unless told grayscale again.)
  const meta = await open().metadata();
  const swap = (meta.orientation ?? 1) >= 5;
  const w0 = (swap ? meta.height : meta.width) ?? 0;
  const h0 = (swap ? meta.width : meta.height) ?? 0;
  if (!w0 || !h0) throw new Error('unreadable image');
  const longest = Math.max(w0, h0);
  const target = longest < MIN_LONGEST ? Math.min(MIN_LONGEST, longest * 3) : Math.min(longest, TARGET_LONGEST);
  const scale = target / longest;
  const gray = await open()
    .rotate()
    .flatten({ background: '#ffffff' })
    .grayscale()
    .resize({ width: Math.max(1, Math.round(w0 * scale)), height: Math.max(1, Math.round(h0 * scale)), fit: 'fill', kernel: scale > 1 ? 'cubic' : 'lanczos3' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const { width, height } = gray.info;
  const raw1 = (data: Uint8Array, w: number, h: number) => sharp(data, { raw: { width: w, height: h, channels: 1 } });

  // The paper's brightness everywhere (uneven light, shadows): the ink removed by a max filter
  // on a ~1000 px copy, then blurred. Dividing by it levels the light and contrast and turns a
  // dark table around the page white, so that neither binarization nor the skew estimate sees it.
  const small = await raw1(gray.data, width, height).resize({ width: 1000, height: 1000, fit: 'inside' }).grayscale().raw().toBuffer({ resolveWithObject: true });
  const sw = small.info.width;
  const sh = small.info.height;
  const paper = await raw1(maxFilter(new Uint8Array(small.data), sw, sh, 3), sw, sh).blur(10).grayscale().raw().toBuffer();
  const skew = estimateSkew(new Uint8Array(small.data), sw, sh, new Uint8Array(paper));
  const paperFull = await raw1(paper, sw, sh).resize({ width, height, fit: 'fill' }).grayscale().raw().toBuffer();
  const flat = new Uint8Array(width * height);
  for (let i = 0; i < flat.length; i++) {
    // The paper estimate is its brightest (noise peaks included): ÷ 0.88 makes plain paper white.
    const p = Math.max(paperFull[i]!, 24) * 0.88;
    flat[i] = Math.min(255, Math.round((gray.data[i]! * 255) / p));
  }

  // Noise (a corrupted file) is not worth straightening: the caller will not read it.
  const texture = pageTexture(flat, width, height);
  const noise = looksLikeNoise(texture);
  let page = raw1(flat, width, height);
  if (Math.abs(skew) >= MIN_DESKEW_DEGREES && !noise) {
    // Rotating by −skew puts the rows back level; the corners are filled white.
    page = sharp(await page.grayscale().png({ compressionLevel: 1 }).toBuffer()).rotate(-skew, { background: '#ffffff' });
  }
  const out = await page.toColourspace('b-w').png({ compressionLevel: 1 }).toBuffer({ resolveWithObject: true });
  return { png: out.data, width: out.info.width, height: out.info.height, skew: noise ? 0 : skew, texture, noise };
}
