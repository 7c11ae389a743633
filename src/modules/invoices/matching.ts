// Invoice line → product: the supplier's own article code (learned from earlier confirmations),
// the barcode, the SKU, then name similarity. Each match carries its method and confidence; a
// line is mapped automatically only when the match is clear, otherwise the best candidates are
// offered to the reviewer.
import type { DraftLine, LineMatch, MatchCandidate } from './draft.ts';

export interface CatalogEntry {
  id: string;
  sku: string;
  name: string;
  barcode: string | null;
  supplierId: string | null;
  vatRate: string;
}

export interface MatchContext {
  products: CatalogEntry[];
  /** Supplier article code → product id, for this invoice's issuer. */
  learnedCodes: Map<string, string>;
  supplierId: string | null;
}

/** Name similarity at or above this maps a line by itself (if clearly ahead of the runner-up). */
export const AUTO_MATCH = 0.8;
const CANDIDATE_MIN = 0.3;

export function normalizeName(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/(\d)[.,](\d)/g, '$1$2')
    .replace(/[^a-z0-9]+/g, ' ')
    // `1 kg` and `1kg`, `500 grs` and `500g` are the same size.
    .replace(/(\d)\s*(kg|kgs|kilo|kilos)\b/g, '$1kg')
    .replace(/(\d)\s*(g|gr|grs|gramos)\b/g, '$1g')
    .replace(/(\d)\s*(l|lt|lts|litro|litros)\b/g, '$1l')
    .replace(/(\d)\s*(ml|cc)\b/g, '$1ml')
    .trim();
}

function bigrams(s: string): Map<string, number> {
  const m = new Map<string, number>();
  const t = ` ${s} `;
  for (let i = 0; i < t.length - 1; i++) {
    const g = t.slice(i, i + 2);
    m.set(g, (m.get(g) ?? 0) + 1);
  }
  return m;
}

/** Sørensen–Dice over character bigrams, blended with word overlap: 0 … 1. */
export function nameSimilarity(a: string, b: string): number {
  const na = normalizeName(a);
  const nb = normalizeName(b);
  if (!na || !nb) return 0;
  if (na === nb) return 1;
  const ga = bigrams(na);
  const gb = bigrams(nb);
  let common = 0;
  let total = 0;
  for (const [g, n] of ga) {
    common += Math.min(n, gb.get(g) ?? 0);
    total += n;
  }
  for (const n of gb.values()) total += n;
  const dice = (2 * common) / total;
  const wa = new Set(na.split(' '));
  const wb = new Set(nb.split(' '));
  const shared = [...wa].filter((w) => wb.has(w)).length;
  const words = shared / Math.max(wa.size, wb.size);
  return Math.round((0.6 * dice + 0.4 * words) * 1000) / 1000;
}

const exact = (method: LineMatch['method'], confidence: number, p: CatalogEntry): LineMatch => ({
  method,
  confidence,
  candidates: [{ product_id: p.id, sku: p.sku, name: p.name, score: confidence }],
});

export function matchLine(line: Pick<DraftLine, 'code' | 'description'>, ctx: MatchContext, byId: Map<string, CatalogEntry>): { productId: string | null; match: LineMatch } {
  const code = line.code?.trim() ?? '';
  const learned = code ? ctx.learnedCodes.get(code.toUpperCase()) : undefined;
  if (learned && byId.has(learned)) return { productId: learned, match: exact('supplier_code', 0.99, byId.get(learned)!) };

  // A barcode may be the article code or written inside the description.
  const digits = [code, ...line.description.split(/\s+/)].filter((t) => /^\d{8,14}$/.test(t));
  for (const d of digits) {
    const p = ctx.products.find((x) => x.barcode === d);
    if (p) return { productId: p.id, match: exact('barcode', 0.97, p) };
  }
  if (code) {
    const p = ctx.products.find((x) => x.sku === code.toUpperCase());
    if (p) return { productId: p.id, match: exact('sku', 0.9, p) };
  }

  const scored: MatchCandidate[] = ctx.products
    .map((p) => {
      let score = nameSimilarity(line.description, p.name);
      // The invoice's own supplier makes a close name a little more likely.
      if (ctx.supplierId && p.supplierId === ctx.supplierId) score = Math.min(1, score + 0.05);
      return { product_id: p.id, sku: p.sku, name: p.name, score: Math.round(score * 1000) / 1000 };
    })
    .filter((c) => c.score >= CANDIDATE_MIN)
    .sort((a, b) => b.score - a.score || a.sku.localeCompare(b.sku))
    .slice(0, 3);
  const best = scored[0];
  const clear = best && best.score >= AUTO_MATCH && best.score - (scored[1]?.score ?? 0) >= 0.05;
  return {
    productId: clear ? best.product_id : null,
    match: { method: best ? 'name' : null, confidence: best?.score ?? null, candidates: scored },
  };
}

/**
 * Maps the lines that have no product yet; lines the reviewer mapped keep theirs. B-invoice
 * lines without an IVA rate take the product's, so their unit cost can be computed.
 */
export function matchLines(lines: DraftLine[], ctx: MatchContext, options: { assign: boolean }): DraftLine[] {
  const byId = new Map(ctx.products.map((p) => [p.id, p]));
  return lines.map((line) => {
    if (line.product_id !== null) {
      const p = byId.get(line.product_id);
      return p && line.vat_rate === null ? { ...line, vat_rate: p.vatRate } : line;
    }
    const { productId, match } = matchLine(line, ctx, byId);
    const assigned = options.assign ? productId : null;
    const p = assigned ? byId.get(assigned) : undefined;
    return { ...line, product_id: assigned, match, vat_rate: line.vat_rate ?? p?.vatRate ?? null };
  });
}
