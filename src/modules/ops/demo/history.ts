import { Decimal } from 'decimal.js';
import type { DemoCategory, DemoProduct } from './catalog.ts';
import { localDateOf, wallTimeToInstant, type LocalDate } from './local-time.ts';
import type { Rng } from './rng.ts';

export type DemoMovementType = 'in' | 'out' | 'adjust';
export type DemoMovementReason = 'sale' | 'purchase' | 'shrinkage' | 'count';

export interface DemoMovement {
  at: Date;
  sku: string;
  type: DemoMovementType;
  /** Positive for in/out, signed and non-zero for adjust; whole for `unit`, ≤ 3 decimals for kg. */
  quantity: string;
  /** Only on receipts: what the supplier charged at the time. */
  unit_cost: string | null;
  reason: DemoMovementReason;
  reference: string | null;
}

export interface DemoHistoryOptions {
  days: number;
  /** The last simulated day is this instant's date in `timezone`; nothing is dated after it. */
  endDate: Date;
  timezone: string;
  rng: Rng;
}

export interface DemoSummary {
  total: number;
  byType: Record<DemoMovementType, number>;
  byReason: Record<DemoMovementReason, number>;
  products: number;
  from: Date | null;
  to: Date | null;
}

const DAY_MS = 86_400_000;
const MONTHLY_INFLATION = 0.045;
const DAYS_PER_MONTH = 30.44;
// Reorder a little before min_stock so the delivery lands before the shelf is empty.
const REORDER_FACTOR = 1.2;
// Sunday..Saturday; averages 1 so baseDailyDemand stays the weekly mean.
const WEEKDAY_FACTOR = [0.55, 0.9, 0.9, 0.95, 1.0, 1.25, 1.45] as const;
const SUMMER_PEAK_DAY = 15; // mid-January
const WINTER_PEAK_DAY = 196; // mid-July
// Average counter ticket for weighed goods, in grams: a quarter of ham, a kilo of potatoes.
const TICKET_GRAMS: Partial<Record<DemoCategory, number>> = { fiambrería: 250, verdulería: 900 };
const DEFAULT_TICKET_GRAMS = 500;
// Fresh goods wilt, dry out or get dropped far more often than packaged ones.
const SHRINK_PROBABILITY: Partial<Record<DemoCategory, number>> = {
  verdulería: 0.04,
  panadería: 0.03,
  fiambrería: 0.02,
  lácteos: 0.008,
};
const DEFAULT_SHRINK_PROBABILITY = 0.002;
const INTERMITTENT_BELOW = 0.5;

interface Day {
  date: LocalDate;
  weekday: number;
  dayOfYear: number;
  openMs: number;
  closeMs: number;
  /** Share of the trading day inside the window (below 1 only on a last day cut by endDate). */
  fraction: number;
  /** Cost then = cost now / deflator. */
  deflator: number;
}

interface ProductState {
  product: DemoProduct;
  /** Quantities are integers in the smallest unit (units, or grams for kg) so stock math is exact. */
  scale: 1 | 1000;
  stock: number;
  onOrder: number;
  pending: Map<number, number>;
  reorderBelow: number;
  orderUpTo: number;
  cost: Decimal;
}

interface RawMovement {
  at: number;
  seq: number;
  state: ProductState;
  type: DemoMovementType;
  quantity: number;
  unitCost: string | null;
  reason: DemoMovementReason;
  reference: string | null;
}

export function demoHistory(products: DemoProduct[], options: DemoHistoryOptions): DemoMovement[] {
  const { days, endDate, timezone, rng } = options;
  if (!Number.isInteger(days) || days < 1) throw new RangeError('days must be a positive integer');
  if (Number.isNaN(endDate.getTime())) throw new RangeError('endDate is not a valid date');

  const endLocal = localDateOf(endDate, timezone);
  const states = products.map(initialState);
  const raw: RawMovement[] = [];
  const invoices = new InvoiceBook(rng);
  let seq = 0;
  const emit = (m: Omit<RawMovement, 'seq'>): void => {
    raw.push({ ...m, seq: seq++ });
  };

  for (let d = 0; d < days; d++) {
    const day = buildDay(d, days, endLocal, endDate.getTime(), timezone);
    if (day.fraction <= 0) continue;
    const full = day.fraction >= 1;
    const span = day.closeMs - day.openMs;
    const receivingEnd = day.openMs + Math.min(90 * 60_000, span * 0.15);
    const closingStart = day.closeMs - Math.min(20 * 60_000, span * 0.05);
    // Weather, paydays, a football match: every product in the store moves together a bit.
    const traffic = clamp(rng.normal(1, 0.08), 0.75, 1.25);

    for (const s of states) {
      const p = s.product;
      let salesFrom = day.openMs;

      const arriving = d === 0 ? s.orderUpTo : (s.pending.get(d) ?? 0);
      if (arriving > 0) {
        s.pending.delete(d);
        if (d > 0) s.onOrder -= arriving;
        s.stock += arriving;
        salesFrom = randomInstant(rng, day.openMs, receivingEnd);
        emit({
          at: salesFrom,
          state: s,
          type: 'in',
          quantity: arriving,
          unitCost: s.cost.div(day.deflator).toFixed(2, Decimal.ROUND_HALF_UP),
          reason: 'purchase',
          reference: invoices.reference(p.supplierIndex, d),
        });
      }

      if (s.stock > 0) {
        const mean =
          p.baseDailyDemand *
          (WEEKDAY_FACTOR[day.weekday] as number) *
          seasonFactor(p, day.dayOfYear) *
          Math.pow(1 + p.trendPerMonth, (d - (days - 1)) / DAYS_PER_MONTH) *
          traffic *
          day.fraction;
        const { quantity: wanted, tickets } = sampleDemand(rng, s, mean);
        // Censored demand: what the shelf cannot supply is simply not sold.
        const sold = Math.min(wanted, s.stock);
        if (sold > 0) {
          const parts = splitInto(rng, sold, Math.min(rng.int(1, 4), tickets, sold));
          const times = parts.map(() => randomInstant(rng, salesFrom, closingStart)).sort((a, b) => a - b);
          parts.forEach((q, i) => {
            emit({ at: times[i] as number, state: s, type: 'out', quantity: q, unitCost: null, reason: 'sale', reference: null });
          });
          s.stock -= sold;
        }
      }

      let closingFrom = closingStart;
      if (full && s.stock > 0 && rng.chance(SHRINK_PROBABILITY[p.category] ?? DEFAULT_SHRINK_PROBABILITY)) {
        const lost = Math.min(s.stock, shrinkQuantity(rng, s));
        closingFrom = randomInstant(rng, closingStart, day.closeMs);
        emit({ at: closingFrom, state: s, type: 'adjust', quantity: -lost, unitCost: null, reason: 'shrinkage', reference: null });
        s.stock -= lost;
      }

      if (full && isCountDay(day, s)) {
        const diff = Math.max(-s.stock, countDifference(rng, s));
        if (diff !== 0) {
          emit({ at: randomInstant(rng, closingFrom, day.closeMs), state: s, type: 'adjust', quantity: diff, unitCost: null, reason: 'count', reference: `CONTEO-${isoDate(day.date)}` });
          s.stock += diff;
        }
      }

      const position = s.stock + s.onOrder;
      if (position < s.reorderBelow) {
        const quantity = roundOrder(s.orderUpTo - position, s.scale);
        let arrival = d + Math.max(1, p.leadTimeDays);
        // Distributors do not deliver on Sundays.
        if ((day.weekday + (arrival - d)) % 7 === 0) arrival++;
        s.pending.set(arrival, (s.pending.get(arrival) ?? 0) + quantity);
        s.onOrder += quantity;
      }
    }
  }

  // Within one product and day the events were emitted in causal order (receipt, sales, closing);
  // the seq tie-break keeps that order when two share an instant, so the ledger never dips.
  raw.sort((a, b) => a.at - b.at || a.seq - b.seq);
  return raw.map((m) => ({
    at: new Date(m.at),
    sku: m.state.product.sku,
    type: m.type,
    quantity: formatQuantity(m.quantity, m.state.scale),
    unit_cost: m.unitCost,
    reason: m.reason,
    reference: m.reference,
  }));
}

export function demoSummary(movements: readonly DemoMovement[]): DemoSummary {
  const byType: Record<DemoMovementType, number> = { in: 0, out: 0, adjust: 0 };
  const byReason: Record<DemoMovementReason, number> = { sale: 0, purchase: 0, shrinkage: 0, count: 0 };
  const skus = new Set<string>();
  let from: Date | null = null;
  let to: Date | null = null;
  for (const m of movements) {
    byType[m.type]++;
    byReason[m.reason]++;
    skus.add(m.sku);
    if (!from || m.at < from) from = m.at;
    if (!to || m.at > to) to = m.at;
  }
  return { total: movements.length, byType, byReason, products: skus.size, from, to };
}

function initialState(product: DemoProduct): ProductState {
  const scale = product.unit === 'kg' ? 1000 : 1;
  const min = new Decimal(product.min_stock).mul(scale);
  return {
    product,
    scale,
    stock: 0,
    onOrder: 0,
    pending: new Map(),
    reorderBelow: min.mul(REORDER_FACTOR).ceil().toNumber(),
    orderUpTo: new Decimal(product.max_stock).mul(scale).ceil().toNumber(),
    cost: new Decimal(product.cost_price),
  };
}

function buildDay(index: number, days: number, end: LocalDate, endMs: number, timezone: string): Day {
  const dateMs = Date.UTC(end.year, end.month - 1, end.day - (days - 1 - index));
  const utc = new Date(dateMs);
  const date = { year: utc.getUTCFullYear(), month: utc.getUTCMonth() + 1, day: utc.getUTCDate() };
  const weekday = utc.getUTCDay();
  // Sundays: a short morning shift, which is also why they sell least.
  const openMs = weekday === 0 ? wallTimeToInstant(date, 9, 0, timezone) : wallTimeToInstant(date, 8, 0, timezone);
  const fullCloseMs = weekday === 0 ? wallTimeToInstant(date, 13, 30, timezone) : wallTimeToInstant(date, 21, 0, timezone);
  const closeMs = Math.min(fullCloseMs, endMs);
  return {
    date,
    weekday,
    dayOfYear: (dateMs - Date.UTC(date.year, 0, 1)) / DAY_MS,
    openMs,
    closeMs,
    fraction: closeMs > openMs ? (closeMs - openMs) / (fullCloseMs - openMs) : 0,
    deflator: Math.pow(1 + MONTHLY_INFLATION, (days - 1 - index) / DAYS_PER_MONTH),
  };
}

function seasonFactor(product: DemoProduct, dayOfYear: number): number {
  const s = product.seasonality;
  if (!s) return 1;
  const peak = s.peak === 'summer' ? SUMMER_PEAK_DAY : WINTER_PEAK_DAY;
  return Math.max(0.05, 1 + s.amplitude * Math.cos((2 * Math.PI * (dayOfYear - peak)) / 365.25));
}

/** Demand in the state's integer unit, plus how many customers it came from (caps the split). */
function sampleDemand(rng: Rng, s: ProductState, mean: number): { quantity: number; tickets: number } {
  if (s.scale === 1000) {
    const ticket = TICKET_GRAMS[s.product.category] ?? DEFAULT_TICKET_GRAMS;
    const tickets = rng.poisson((mean * 1000) / ticket);
    let grams = 0;
    for (let i = 0; i < tickets; i++) grams += Math.round(clamp(rng.normal(ticket, ticket * 0.45), 50, ticket * 3));
    return { quantity: grams, tickets };
  }
  if (s.product.baseDailyDemand < INTERMITTENT_BELOW) {
    // Slow movers sell rarely but sometimes two at once: the Croston-shaped series forecasts need.
    const occasions = rng.poisson(mean / 1.4);
    let units = 0;
    for (let i = 0; i < occasions; i++) units += 1 + rng.poisson(0.4);
    return { quantity: units, tickets: occasions };
  }
  const units = rng.poisson(mean);
  return { quantity: units, tickets: units };
}

/** k positive integer parts summing to total (requires 1 <= k <= total). */
function splitInto(rng: Rng, total: number, k: number): number[] {
  if (k <= 1) return [total];
  const weights = Array.from({ length: k }, () => 0.25 + rng.next());
  const weightSum = weights.reduce((a, b) => a + b, 0);
  const parts: number[] = [];
  let left = total;
  for (let i = 0; i < k - 1; i++) {
    const share = Math.max(1, Math.floor((total * (weights[i] as number)) / weightSum));
    const part = Math.min(share, left - (k - 1 - i));
    parts.push(part);
    left -= part;
  }
  parts.push(left);
  return parts;
}

function shrinkQuantity(rng: Rng, s: ProductState): number {
  switch (s.product.category) {
    case 'verdulería':
      return rng.int(200, 1500);
    case 'fiambrería':
      return rng.int(50, 400);
    default:
      return s.scale === 1000 ? rng.int(200, 1000) : rng.chance(0.2) ? 2 : 1;
  }
}

// Weighed goods drift every week (scale rounding, tasting slices); packaged goods get the
// monthly full count on the first Monday.
function isCountDay(day: Day, s: ProductState): boolean {
  if (day.weekday !== 1) return false;
  return s.scale === 1000 || day.date.day <= 7;
}

function countDifference(rng: Rng, s: ProductState): number {
  if (s.scale === 1000) {
    if (!rng.chance(0.5)) return 0;
    return rng.chance(0.75) ? -rng.int(10, 150) : rng.int(5, 60);
  }
  if (!rng.chance(0.2)) return 0;
  const r = rng.next();
  return r < 0.7 ? -1 : r < 0.9 ? 1 : -2;
}

// Weighed goods are ordered by the whole kilo.
function roundOrder(quantity: number, scale: 1 | 1000): number {
  return scale === 1000 ? Math.ceil(quantity / 1000) * 1000 : Math.ceil(quantity);
}

function formatQuantity(quantity: number, scale: 1 | 1000): string {
  return scale === 1 ? new Decimal(quantity).toFixed(0) : new Decimal(quantity).div(1000).toFixed(3);
}

function randomInstant(rng: Rng, fromMs: number, toMs: number): number {
  const from = Math.ceil(fromMs / 1000);
  const to = Math.floor(toMs / 1000);
  return to > from ? rng.int(from, to) * 1000 : fromMs;
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}

function isoDate(d: LocalDate): string {
  return `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;
}

/** One Factura A per supplier and delivery day, numbered per supplier like real invoice books. */
class InvoiceBook {
  private readonly books = new Map<number, { pointOfSale: number; next: number }>();
  private readonly issued = new Map<string, string>();

  constructor(private readonly rng: Rng) {}

  reference(supplierIndex: number, day: number): string {
    const key = `${supplierIndex}:${day}`;
    const existing = this.issued.get(key);
    if (existing) return existing;
    let book = this.books.get(supplierIndex);
    if (!book) {
      book = { pointOfSale: this.rng.int(1, 12), next: this.rng.int(1_000, 60_000) };
      this.books.set(supplierIndex, book);
    }
    const ref = `FA-${String(book.pointOfSale).padStart(4, '0')}-${String(book.next++).padStart(8, '0')}`;
    this.issued.set(key, ref);
    return ref;
  }
}
