// Is there a page to read at all? A damaged JPEG (a Huffman table hit by a bit flip, a few bytes
// inserted before the scan data) can decode to a full-size image of coloured noise. Tesseract
// finds thousands of "characters" in it and can run past OCR_TIMEOUT_SECONDS, holding an OCR
// slot the whole time for nothing. Such an image is told from a page cheaply, after the paper has
// been levelled (preprocess.ts): on a page, levelled paper is white and ink is dark, ink covers
// a few percent of it and grey pixels appear only along the edges of strokes. Two kinds of
// damage are not like that: noise, grey everywhere (a scrambled Huffman table); and a page
// under blocks of wrong colour whose levelled copy is dark speckle over half the page (a
// scrambled chroma table: tesseract was still busy after 40 s on one of the sample photos).
//
// Measured on the preprocessed pages (32-px tiles, a tile is "grainy" when over a quarter of its
// pixels are mid-grey; "dark" = below 128): the committed sample photos and 8 corpus invoices
// (seed 2026) as PNG, photo and photo_hard (~115 dpi, noise ±25, JPEG q45), and the test
// suite's page images: at most 10 % of the page grainy and 7 % dark; blank pages 0 %. The noise
// corrupted sample photos decode to, and random pixels: 75 % grainy; the speckled one: 47 % dark.
// Photos corrupted only in their lower part: at most 12 % grainy and 25 % dark (they still go to
// OCR, which reads the good part, within OCR_TIMEOUT_SECONDS). The shares are taken over the
// paper's region, not the frame: a page photographed on a wood-grain table is 60 % grainy over
// the whole frame but 3 % over the page (noise.test.ts).

/** Tile side in pixels, at OCR size (text is ~20–40 px tall there). */
const TILE = 32;
/** Grey: neither paper nor ink once the light is levelled. */
const GREY_MIN = 64;
const GREY_MAX = 192;
/** A tile with more grey than this is grainy. */
const GRAINY_TILE_SHARE = 0.25;
/** A page this grainy or more is noise: 5× the worst real photo, 2/3 of pure noise. */
const NOISE_GRAINY_SHARE = 0.5;
/** A page this dark or more is not a page: 4× the darkest real one. */
const NOISE_DARK_SHARE = 0.3;
/** Paper: a tile at least this white once levelled (margins, the gaps between text rows). */
const PAPER_TILE_SHARE = 0.85;
/**
 * A photo of an invoice on a textured table (wood grain levels to grey stripes) is grainy around
 * the page, so the shares are taken over where the paper is: the box holding the middle 90 % of
 * the paper tiles along each axis (stray white tiles in the table do not widen it). On noise
 * that box is the whole frame, or there is no paper at all.
 */
const PAPER_BOX_TRIM = 0.05;

export interface PageTexture {
  /** Share (0–1) of the page region covered by grainy tiles. */
  grainy: number;
  /** Share (0–1) of the page region's pixels that are dark. */
  dark: number;
  /** Share (0–1) of the frame covered by plain paper tiles. */
  paper: number;
  /** Share (0–1) of the frame the page region covers (the whole frame when there is no paper). */
  region: number;
}

function trimmedRange(values: number[]): [number, number] {
  const sorted = [...values].sort((a, b) => a - b);
  const cut = Math.floor(sorted.length * PAPER_BOX_TRIM);
  return [sorted[cut]!, sorted[sorted.length - 1 - cut]!];
}

/**
 * The texture of a levelled grayscale page (1 byte a pixel), over its paper region: one pass over
 * the pixels, ~20 ms at OCR size.
 */
export function pageTexture(gray: Uint8Array, width: number, height: number): PageTexture {
  const cols = Math.floor(width / TILE);
  const rows = Math.floor(height / TILE);
  const tiles = cols * rows;
  if (tiles === 0) return { grainy: 0, dark: 0, paper: 0, region: 1 };
  const grainyTile = new Uint8Array(tiles);
  const darkCount = new Uint32Array(tiles);
  const paperCols: number[] = [];
  const paperRows: number[] = [];
  const limit = TILE * TILE * GRAINY_TILE_SHARE;
  const paperMin = TILE * TILE * PAPER_TILE_SHARE;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      let grey = 0;
      let white = 0;
      let dark = 0;
      for (let y = r * TILE; y < (r + 1) * TILE; y++) {
        const row = y * width;
        for (let x = c * TILE; x < (c + 1) * TILE; x++) {
          const v = gray[row + x]!;
          if (v >= GREY_MAX) white += 1;
          else if (v >= GREY_MIN) grey += 1;
          if (v < 128) dark += 1;
        }
      }
      const i = r * cols + c;
      grainyTile[i] = grey > limit ? 1 : 0;
      darkCount[i] = dark;
      if (white >= paperMin) {
        paperCols.push(c);
        paperRows.push(r);
      }
    }
  }
  const [c0, c1] = paperCols.length > 0 ? trimmedRange(paperCols) : [0, cols - 1];
  const [r0, r1] = paperRows.length > 0 ? trimmedRange(paperRows) : [0, rows - 1];
  let inRegion = 0;
  let grainy = 0;
  let dark = 0;
  for (let r = r0; r <= r1; r++) {
    for (let c = c0; c <= c1; c++) {
      inRegion += 1;
      grainy += grainyTile[r * cols + c]!;
      dark += darkCount[r * cols + c]!;
    }
  }
  return { grainy: grainy / inRegion, dark: dark / (inRegion * TILE * TILE), paper: paperCols.length / tiles, region: inRegion / tiles };
}

/** Noise or speckle, not a page of text: not worth the OCR. */
export function looksLikeNoise(t: PageTexture): boolean {
  return t.grainy >= NOISE_GRAINY_SHARE || t.dark >= NOISE_DARK_SHARE;
}
