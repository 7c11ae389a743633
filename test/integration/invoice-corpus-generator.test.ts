// The invoice corpus generator (test/helpers/invoice-corpus.ts, issue 5 §1): what the benchmark's
// 24-invoice corpus is made of. Letters cycle A, B, C; each invoice has 1–40 lines and the corpus
// has both a 1-line and a 40-line one; amounts add up; and both photo variants are made with
// their parameters — turned by the angle their index gives, on a grey table, light falling off
// to the right and the bottom, noise, blur, and JPEG at quality 70 (photo) and 45 (photo_hard),
// the hard one at ~60 % of the resolution. No browser: the photos are made from a plain page.
import { Decimal } from 'decimal.js';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { CORPUS_VARIANTS, VARIANT_FILE, corpusInvoice, corpusInvoices, photoVariants } from '../helpers/invoice-corpus.ts';

const SEED = 2026;
const CORPUS_SIZE = 24;
/** The 2× screenshot renderInvoice makes of an A4 page. */
const PNG_SIZE = { width: 1588, height: 2246 };

/** The JPEG's quantization tables (DQT segments' payloads): the same quality gives the same bytes. */
function quantizationTables(jpeg: Buffer): string {
  const tables: string[] = [];
  for (let i = 2; i < jpeg.length - 4 && jpeg[i] === 0xff; ) {
    const marker = jpeg[i + 1]!;
    const end = i + 2 + jpeg.readUInt16BE(i + 2);
    if (marker === 0xdb) tables.push(jpeg.subarray(i + 4, end).toString('hex'));
    if (marker === 0xda) break;
    i = end;
  }
  return tables.join('|');
}

/** Size of a w × h page turned by `deg` on a table that reaches 40 px beyond it (invoicePhoto). */
function turnedSize(w: number, h: number, deg: number): { width: number; height: number } {
  const a = (Math.abs(deg) * Math.PI) / 180;
  return { width: w * Math.cos(a) + h * Math.sin(a) + 80, height: w * Math.sin(a) + h * Math.cos(a) + 80 };
}

async function gray(jpeg: Buffer) {
  const { data, info } = await sharp(jpeg).grayscale().raw().toBuffer({ resolveWithObject: true });
  const at = (x: number, y: number) => data[Math.round(y) * info.width + Math.round(x)]!;
  /** Mean level of a box given in fractions of the image. */
  const mean = (x0: number, y0: number, x1: number, y1: number) => {
    let sum = 0;
    let n = 0;
    for (let y = Math.round(y0 * info.height); y < Math.round(y1 * info.height); y++) {
      for (let x = Math.round(x0 * info.width); x < Math.round(x1 * info.width); x++) {
        sum += data[y * info.width + x]!;
        n += 1;
      }
    }
    return sum / n;
  };
  /** Mean |pixel − right neighbour| over a box: noise on plain paper (blur lowers it). */
  const grain = (x0: number, y0: number, x1: number, y1: number) => {
    let sum = 0;
    let n = 0;
    for (let y = Math.round(y0 * info.height); y < Math.round(y1 * info.height); y++) {
      for (let x = Math.round(x0 * info.width); x < Math.round(x1 * info.width) - 1; x++) {
        sum += Math.abs(data[y * info.width + x]! - data[y * info.width + x + 1]!);
        n += 1;
      }
    }
    return sum / n;
  };
  return { info, at, mean, grain };
}

describe('the invoice corpus generator', () => {
  const corpus = corpusInvoices(SEED, CORPUS_SIZE);

  it('cycles the letters A, B, C with the matching AFIP invoice type', () => {
    expect(corpus.map((inv) => inv.letter).join('')).toBe('ABC'.repeat(CORPUS_SIZE / 3));
    for (const inv of corpus) expect(inv.invoice_type, inv.id).toBe({ A: 1, B: 6, C: 11 }[inv.letter]);
    expect(corpus.map((inv) => inv.id).slice(0, 4)).toEqual(['f001-A', 'f002-B', 'f003-C', 'f004-A']);
  });

  it('gives every invoice 1–40 lines, with both a 1-line and a 40-line invoice in the corpus', () => {
    const counts = corpus.map((inv) => inv.lines.length);
    for (const n of counts) {
      expect(n).toBeGreaterThanOrEqual(1);
      expect(n).toBeLessThanOrEqual(40);
    }
    expect(counts).toContain(1);
    expect(counts).toContain(40);
    // And not only the ends: the rest spread between them.
    expect(new Set(counts).size).toBeGreaterThan(8);
  });

  it('is a function of (seed, index), and its amounts add up', () => {
    expect(corpusInvoice(SEED, 5)).toEqual(corpus[5]);
    expect(corpusInvoice(SEED + 1, 5)).not.toEqual(corpus[5]);
    for (const inv of corpus) {
      const lines = inv.lines.reduce((s, l) => s.plus(l.amount), new Decimal(0));
      expect(lines.toFixed(2), inv.id).toBe(inv.net);
      expect(new Decimal(inv.net).plus(inv.vat).plus(inv.other_taxes).toFixed(2), inv.id).toBe(inv.total);
      if (inv.letter !== 'A') expect(inv.vat, inv.id).toBe('0.00');
      expect(inv.qr_url, inv.id).toMatch(/^https:\/\/www\.afip\.gob\.ar\/fe\/qr\/\?p=/);
    }
  });

  it('lists both photo variants among the files it writes', () => {
    expect(CORPUS_VARIANTS).toEqual(['pdf', 'png', 'photo', 'photo_hard']);
    expect(VARIANT_FILE.photo).toBe('photo.jpg');
    expect(VARIANT_FILE.photo_hard).toBe('photo-hard.jpg');
  });

  it.each([2, 3])('makes both photos of invoice %i with their rotation, table, uneven light, noise, blur and JPEG quality', async (index) => {
    const inv = corpus[index]!;
    // A plain white page with a black bar: the photos' effects are measured on it.
    const page = await sharp({ create: { ...PNG_SIZE, channels: 3, background: '#ffffff' } })
      .composite([{ input: { create: { width: 40, height: 1200, channels: 3, background: '#000000' } }, left: 774, top: 500 }])
      .png()
      .toBuffer();
    const { photo, photo_hard } = await photoVariants(page, inv);
    const sign = index % 2 ? 1 : -1;

    // Rotation: the turned page's bounding box (the sign is checked through the bar below).
    const hardWidth = Math.round(PNG_SIZE.width * 0.6);
    const hardHeight = Math.round((PNG_SIZE.height * hardWidth) / PNG_SIZE.width);
    const cases = [
      { jpeg: photo, angle: sign * (1 + (index % 5)), size: turnedSize(PNG_SIZE.width, PNG_SIZE.height, 1 + (index % 5)), quality: 70 },
      { jpeg: photo_hard, angle: -sign * (3 + (index % 6)), size: turnedSize(hardWidth, hardHeight, 3 + (index % 6)), quality: 45 },
    ];
    const grains: number[] = [];
    for (const c of cases) {
      const g = await gray(c.jpeg);
      expect(Math.abs(g.info.width - c.size.width), `width, ${c.angle}°`).toBeLessThanOrEqual(3);
      expect(Math.abs(g.info.height - c.size.height), `height, ${c.angle}°`).toBeLessThanOrEqual(3);
      // JPEG quality: the same quantization tables as sharp's own at that quality.
      const reference = await sharp({ create: { width: 16, height: 16, channels: 3, background: '#808080' } }).jpeg({ quality: c.quality }).toBuffer();
      expect(quantizationTables(c.jpeg), `quality ${c.quality}`).toBe(quantizationTables(reference));
      // The table: a grey corner (#8a8a80 ≈ 136 in gray, darkened by the light fall-off).
      expect(g.mean(0, 0, 0.01, 0.01)).toBeGreaterThan(100);
      expect(g.mean(0, 0, 0.01, 0.01)).toBeLessThan(145);
      // Uneven light: the paper is brighter on the left than on the right, at the top than at the bottom.
      expect(g.mean(0.15, 0.1, 0.3, 0.2) - g.mean(0.7, 0.1, 0.85, 0.2)).toBeGreaterThan(15);
      expect(g.mean(0.15, 0.1, 0.3, 0.2) - g.mean(0.15, 0.8, 0.3, 0.9)).toBeGreaterThan(8);
      // The bar leans with the rotation: positive angles turn it clockwise, its bottom moves left.
      const barX = (yFrac: number) => {
        const y = yFrac * g.info.height;
        let best = 0;
        let darkest = 256;
        for (let x = 0; x < g.info.width; x++) if (g.at(x, y) < darkest) [darkest, best] = [g.at(x, y), x];
        return best;
      };
      expect(Math.sign(barX(0.3) - barX(0.6)), `lean, ${c.angle}°`).toBe(Math.sign(c.angle));
      // Noise, softened by the blur: plain paper is neither flat nor raw ±15/±25 noise.
      const grain = g.grain(0.15, 0.1, 0.3, 0.2);
      expect(grain).toBeGreaterThan(0.5);
      expect(grain).toBeLessThan(8);
      grains.push(grain);
    }
    // photo_hard has the stronger noise (±25 against ±15).
    expect(grains[1]).toBeGreaterThan(grains[0]!);
  }, 60_000);
});
