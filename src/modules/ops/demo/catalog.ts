import { Decimal } from 'decimal.js';
import {
  DEFAULT_VAT,
  DEMO_CATEGORIES,
  PRODUCT_ROWS,
  SKU_PREFIX,
  SUPPLIER_ROWS,
  WEIGHED_CATEGORIES,
  type DemoCategory,
  type DemoSeasonality,
  type DemoVatRate,
  type SupplierRow,
} from './catalog-data.ts';
import type { Rng } from './rng.ts';

export { DEMO_CATEGORIES } from './catalog-data.ts';
export type { DemoCategory, DemoSeasonality, DemoVatRate } from './catalog-data.ts';

export interface DemoSupplier {
  name: string;
  /** Dashed form `XX-XXXXXXXX-X`, valid check digit. */
  cuit: string;
  email: string;
  phone: string;
  address: string;
  vat_condition: 'Responsable Inscripto';
  lead_time_days: number;
  categories: DemoCategory[];
}

export interface DemoProduct {
  sku: string;
  name: string;
  category: DemoCategory;
  unit: 'unit' | 'kg';
  /** EAN-13 with the Argentine 779 prefix; null for goods weighed at the counter. */
  barcode: string | null;
  supplierIndex: number;
  cost_price: string;
  sale_price: string;
  vat_rate: DemoVatRate;
  min_stock: string;
  max_stock: string;
  /** Average units (or kg) sold per day over a year; the history generator's demand level. */
  baseDailyDemand: number;
  /** The supplier's lead time, copied so the history generator needs only the product list. */
  leadTimeDays: number;
  seasonality: DemoSeasonality | null;
  /** Demand growth per month (e.g. 0.02 = +2 %/month); 0 for most products. */
  trendPerMonth: number;
}

export interface DemoCatalog {
  suppliers: DemoSupplier[];
  products: DemoProduct[];
}

// Default category markup and the pricing engine's rounding step (consumer prices include IVA).
const MARKUP = new Decimal('1.35');
const PRICE_STEP = 10;

// Fresh goods come daily or every other day; a supplier taking a week for bread is not believable.
const PERISHABLE: ReadonlySet<DemoCategory> = new Set<DemoCategory>(['lácteos', 'verdulería', 'panadería', 'fiambrería']);

// Days of sales the shelf should hold when full, above the reorder level.
const COVER_DAYS: Record<DemoCategory, number> = {
  almacén: 14,
  bebidas: 12,
  lácteos: 6,
  limpieza: 21,
  perfumería: 21,
  fiambrería: 8,
  verdulería: 4,
  panadería: 3,
  congelados: 14,
  kiosco: 14,
};
const SAFETY_DAYS = 2;

export function demoCatalog(rng: Rng): DemoCatalog {
  const suppliers = demoSuppliers(rng);
  const products: DemoProduct[] = [];
  const usedBarcodes = new Set<string>();
  // One 779 company code per supplier, as if each distributed a single local manufacturer.
  const companyCodes = uniqueInts(rng, suppliers.length, 1000, 9999);

  for (const category of DEMO_CATEGORIES) {
    const candidates = suppliers.flatMap((s, i) => (s.categories.includes(category) ? [i] : []));
    if (candidates.length === 0) throw new Error(`demo data: no supplier serves ${category}`);
    // Round-robin from a random start guarantees every supplier of the category gets products.
    let turn = rng.int(0, candidates.length - 1);
    const rows = PRODUCT_ROWS[category];

    rows.forEach(([name, baseCost, baseDemand, extra], rowIndex) => {
      const supplierIndex = candidates[turn++ % candidates.length] as number;
      const supplier = suppliers[supplierIndex] as DemoSupplier;
      const unit: DemoProduct['unit'] = WEIGHED_CATEGORIES.has(category) || extra?.unit === 'kg' ? 'kg' : 'unit';
      const vatRate = extra?.vat ?? DEFAULT_VAT[category] ?? '21';

      const cost = new Decimal(baseCost).mul(rng.int(9600, 10400)).div(10000).toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
      const sale = cost
        .mul(MARKUP)
        .mul(new Decimal(vatRate).div(100).plus(1))
        .toNearest(PRICE_STEP, Decimal.ROUND_UP);

      const demand = Math.max(0.05, Math.round(baseDemand * rng.float(0.85, 1.15) * 100) / 100);
      const { min, max } = stockBounds(demand, supplier.lead_time_days, COVER_DAYS[category], unit);

      products.push({
        sku: `${SKU_PREFIX[category]}-${String(rowIndex + 1).padStart(4, '0')}`,
        name,
        category,
        unit,
        barcode: unit === 'unit' ? uniqueEan(rng, companyCodes[supplierIndex] as number, usedBarcodes) : null,
        supplierIndex,
        cost_price: cost.toFixed(2),
        sale_price: sale.toFixed(2),
        vat_rate: vatRate,
        min_stock: min,
        max_stock: max,
        baseDailyDemand: demand,
        leadTimeDays: supplier.lead_time_days,
        seasonality: extra?.season ? { ...extra.season } : null,
        trendPerMonth: rng.chance(0.1) ? (rng.chance(0.5) ? 1 : -1) * Math.round(rng.float(0.01, 0.04) * 1000) / 1000 : 0,
      });
    });
  }
  return { suppliers, products };
}

function demoSuppliers(rng: Rng): DemoSupplier[] {
  const usedCuits = new Set<string>();
  return SUPPLIER_ROWS.map((row) => {
    const perishable = row.categories.some((c) => PERISHABLE.has(c));
    return {
      name: row.name,
      cuit: randomCompanyCuit(rng, usedCuits),
      email: row.mailbox,
      phone: randomPhone(rng, row),
      address: `${row.street}, ${row.city}, ${row.province}, Argentina`,
      vat_condition: 'Responsable Inscripto',
      lead_time_days: perishable ? rng.int(1, 2) : rng.int(2, 7),
      categories: [...row.categories],
    };
  });
}

/**
 * min covers the lead time plus a safety margin; max adds the category's shelf cover. Weighed
 * goods are stocked in half-kilo steps because that is how a counter clerk thinks about them.
 */
function stockBounds(demand: number, leadTime: number, coverDays: number, unit: 'unit' | 'kg'): { min: string; max: string } {
  const rawMin = new Decimal(demand).mul(leadTime + SAFETY_DAYS);
  const rawMax = rawMin.plus(new Decimal(demand).mul(coverDays));
  if (unit === 'unit') {
    const min = Decimal.max(1, rawMin.ceil());
    const max = Decimal.max(min.plus(2), rawMax.ceil());
    return { min: min.toFixed(0), max: max.toFixed(0) };
  }
  const min = Decimal.max('0.5', rawMin.toNearest('0.5', Decimal.ROUND_UP));
  const max = Decimal.max(min.plus('0.5'), rawMax.toNearest('0.5', Decimal.ROUND_UP));
  return { min: min.toFixed(3), max: max.toFixed(3) };
}

const CUIT_WEIGHTS = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2] as const;

/** AFIP check digit for the first 10 digits, or null when AFIP would never issue the number. */
export function cuitCheckDigit(first10: string): number | null {
  let sum = 0;
  for (let i = 0; i < 10; i++) sum += Number(first10[i]) * (CUIT_WEIGHTS[i] as number);
  const v = 11 - (sum % 11);
  if (v === 11) return 0;
  if (v === 10) return null;
  return v;
}

function randomCompanyCuit(rng: Rng, used: Set<string>): string {
  for (;;) {
    const prefix = rng.pick(['30', '33'] as const);
    // Company CUITs in use today mostly sit in the 50-71 million range of the body.
    const body = String(rng.int(50_000_000, 71_999_999));
    const check = cuitCheckDigit(prefix + body);
    if (check === null) continue;
    const cuit = `${prefix}-${body}-${check}`;
    if (used.has(cuit)) continue;
    used.add(cuit);
    return cuit;
  }
}

// Argentine numbers have 10 national digits: a short area code means a longer subscriber number.
function randomPhone(rng: Rng, row: SupplierRow): string {
  const subscriberLength = 10 - row.areaCode.length;
  let subscriber = '4';
  while (subscriber.length < subscriberLength) subscriber += String(rng.int(0, 9));
  return `+54 ${row.areaCode} ${subscriber.slice(0, -4)}-${subscriber.slice(-4)}`;
}

export function ean13CheckDigit(first12: string): number {
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(first12[i]) * (i % 2 === 0 ? 1 : 3);
  return (10 - (sum % 10)) % 10;
}

function uniqueEan(rng: Rng, companyCode: number, used: Set<string>): string {
  for (;;) {
    const first12 = `779${companyCode}${String(rng.int(0, 99999)).padStart(5, '0')}`;
    const ean = first12 + String(ean13CheckDigit(first12));
    if (!used.has(ean)) {
      used.add(ean);
      return ean;
    }
  }
}

function uniqueInts(rng: Rng, count: number, min: number, max: number): number[] {
  const seen = new Set<number>();
  while (seen.size < count) seen.add(rng.int(min, max));
  return [...seen];
}
