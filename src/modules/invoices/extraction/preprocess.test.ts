// OCR preprocessing: the skew estimate finds how far a page is turned, the page comes out upright
// (EXIF), straightened, gray and at OCR size.
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { estimateSkew, maxFilter, preprocessForOcr } from './preprocess.ts';

/** A page of text rows (dark bars of words) as PNG. */
async function textPage(width = 1200, height = 1600): Promise<Buffer> {
  const rows: string[] = [];
  for (let y = 120; y < height - 120; y += 40) {
    for (let x = 100; x < width - 200; x += 90 + ((y * 7 + x) % 50)) rows.push(`<rect x="${x}" y="${y}" width="${60 + ((x + y) % 30)}" height="14" fill="#111"/>`);
  }
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="#fff"/>${rows.join('')}</svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

async function skewOf(png: Buffer): Promise<number> {
  const { data, info } = await sharp(png).resize({ width: 1000, height: 1000, fit: 'inside' }).grayscale().raw().toBuffer({ resolveWithObject: true });
  return estimateSkew(new Uint8Array(data), info.width, info.height);
}

describe('OCR preprocessing', () => {
  it.each([0, 2, -3, 5.5])('estimates a page turned %s° (within 0.3°)', async (angle) => {
    const page = await textPage();
    const turned = angle === 0 ? page : await sharp(page).rotate(angle, { background: '#ffffff' }).png().toBuffer();
    expect(Math.abs((await skewOf(turned)) - angle)).toBeLessThanOrEqual(0.3);
  });

  it('a blank page has no skew', async () => {
    const blank = await sharp({ create: { width: 600, height: 800, channels: 3, background: '#ffffff' } }).png().toBuffer();
    expect(await skewOf(blank)).toBe(0);
  });

  it('straightens a turned page, on a dark table, and returns it gray', async () => {
    const turned = await sharp(await textPage())
      .rotate(4, { background: '#555555' })
      .jpeg({ quality: 80 })
      .toBuffer();
    const out = await preprocessForOcr(turned);
    expect(out.skew).toBeGreaterThan(3.6);
    expect(out.skew).toBeLessThan(4.4);
    const meta = await sharp(out.png).metadata();
    expect(meta.channels).toBe(1);
    // Straightened: the result has no skew left.
    expect(Math.abs(await skewOf(out.png))).toBeLessThanOrEqual(0.3);
  });

  it('turns a photo upright by its EXIF orientation and upscales a small one', async () => {
    const small = await sharp(await textPage(600, 800)).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    const out = await preprocessForOcr(small);
    // Orientation 6 = turned 90°: the upright page is 800 wide and 600 tall, then scaled up.
    expect(out.width).toBeGreaterThan(out.height);
    expect(Math.max(out.width, out.height)).toBeGreaterThanOrEqual(1790);
  });

  it('reduces a huge page to the OCR size', async () => {
    const big = await sharp({ create: { width: 5000, height: 7000, channels: 3, background: '#ffffff' } }).png().toBuffer();
    const out = await preprocessForOcr(big);
    expect(Math.max(out.width, out.height)).toBeLessThanOrEqual(2400);
  });

  it('maxFilter takes the brightest pixel around each one', () => {
    const src = new Uint8Array([10, 10, 10, 10, 200, 10, 10, 10, 10]);
    expect([...maxFilter(src, 3, 3, 1)]).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200]);
    expect([...maxFilter(new Uint8Array([1, 2, 3, 4]), 4, 1, 1)]).toEqual([2, 3, 4, 4]);
  });
});
