// Telling noise from a page before OCR (noise.ts): a levelled page of text rows is neither
// grainy nor dark, a blank page neither; random pixels are grainy, a page under dark speckle is
// dark; and preprocessing flags a noise JPEG but not a photo-like page of text.
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { looksLikeNoise, pageTexture } from './noise.ts';
import { preprocessForOcr } from './preprocess.ts';
import { createRng } from '../../ops/demo/rng.ts';

/** A white page with black rows of "words" (1 byte a pixel). */
function textRows(width: number, height: number): Uint8Array {
  const page = new Uint8Array(width * height).fill(255);
  for (let y = 100; y < height - 100; y += 40) {
    for (let x = 80; x < width - 200; x += 90 + ((y * 7 + x) % 50)) {
      for (let yy = y; yy < y + 16; yy++) for (let xx = x; xx < x + 60; xx++) page[yy * width + xx] = 0;
    }
  }
  return page;
}

describe('page texture', () => {
  it('a page of text rows and a blank page are not noise', () => {
    const text = pageTexture(textRows(1200, 1600), 1200, 1600);
    expect(text.grainy).toBe(0);
    expect(text.dark).toBeGreaterThan(0.05);
    expect(looksLikeNoise(text)).toBe(false);
    const blank = pageTexture(new Uint8Array(800 * 600).fill(255), 800, 600);
    expect(blank).toMatchObject({ grainy: 0, dark: 0, paper: 1 });
    expect(looksLikeNoise(blank)).toBe(false);
  });

  it('random grey levels are grainy, dark speckle over the page is dark: both noise', () => {
    const r = createRng(7);
    const random = Uint8Array.from({ length: 640 * 640 }, () => Math.floor(r.next() * 256));
    expect(pageTexture(random, 640, 640).grainy).toBeGreaterThan(0.9);
    expect(looksLikeNoise(pageTexture(random, 640, 640))).toBe(true);
    const speckle = Uint8Array.from({ length: 640 * 640 }, () => (r.next() < 0.45 ? 0 : 255));
    expect(pageTexture(speckle, 640, 640).grainy).toBe(0);
    expect(looksLikeNoise(pageTexture(speckle, 640, 640))).toBe(true);
  });

  it('a photo of an invoice on a wood-grain table is not noise: only the paper region counts', async () => {
    const r = createRng(5);
    const photo = 'test/fixtures/invoices/f001-A.photo.jpg';
    const meta = await sharp(photo).metadata();
    const width = Math.round(meta.width! * 1.6);
    const height = Math.round(meta.height! * 1.5);
    const wood = Buffer.alloc(width * height * 3);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const v = Math.max(0, Math.min(255, 60 + Math.sin(x / 7 + Math.sin(y / 40) * 3) * 25 + (r.next() - 0.5) * 25));
        wood.set([Math.min(255, v * 1.2), v, v * 0.8], (y * width + x) * 3);
      }
    }
    const onTable = await sharp(wood, { raw: { width, height, channels: 3 } })
      .composite([{ input: photo, left: Math.round(width * 0.18), top: Math.round(height * 0.16) }])
      .jpeg({ quality: 80 })
      .toBuffer();
    const read = await preprocessForOcr(onTable);
    // The table alone is grainy over most of the frame; the page inside it is not.
    expect(read.texture.region).toBeLessThan(0.5);
    expect(read.noise).toBe(false);
  });

  it('preprocessing flags a JPEG of random pixels, not a gray, turned page of text', async () => {
    const r = createRng(11);
    const pixels = Buffer.from(Array.from({ length: 600 * 800 * 3 }, () => Math.floor(r.next() * 256)));
    const noise = await preprocessForOcr(await sharp(pixels, { raw: { width: 600, height: 800, channels: 3 } }).jpeg({ quality: 80 }).toBuffer());
    expect(noise.noise).toBe(true);
    expect(noise.skew).toBe(0);
    const page = await sharp(Buffer.from(textRows(1200, 1600)), { raw: { width: 1200, height: 1600, channels: 1 } })
      .rotate(3, { background: '#777777' })
      .jpeg({ quality: 70 })
      .toBuffer();
    const read = await preprocessForOcr(page);
    expect(read.noise).toBe(false);
    expect(read.texture.grainy).toBeLessThan(0.1);
  });
});
