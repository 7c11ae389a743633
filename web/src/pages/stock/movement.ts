// The movement form's rules, apart from its markup: checking what was typed, building the
// request body, sending it under one Idempotency-Key, and the confirmation sentence.
import { api, ApiError } from '../../api/client.ts';
import type { Location, Movement, MovementType, Product } from '../../api/types.ts';
import { t } from '../../i18n/index.ts';
import { isNegative, isWhole, isZero, parseDecimalInput } from '../../lib/decimal.ts';
import { locationName, qtyWithUnit, signedQuantity } from './reference.ts';

const m = t.stock.move;

export interface MovementDraft {
  product: Product | undefined;
  type: MovementType;
  quantity: string;
  locationId: string | undefined;
  toLocationId: string;
  unitCost: string;
  reason: string;
  reference: string;
}

export interface MovementResult {
  movement: Movement;
  counterpart?: Movement;
}

export type DraftErrors = Partial<Record<'product' | 'quantity' | 'to_location_id' | 'unit_cost', string>>;

export function checkQuantity(text: string, type: MovementType, unit: Product['unit'] | undefined): { value: string } | { error: string } {
  if (!text.trim()) return { error: m.quantityRequired };
  const value = parseDecimalInput(text, { maxDecimals: 3, signed: true });
  if (value === null) return { error: m.quantityInvalid };
  if (type === 'adjust') {
    if (isZero(value)) return { error: m.adjustZero };
  } else if (isNegative(value) || isZero(value)) {
    return { error: m.quantityPositive };
  }
  if (unit === 'unit' && !isWhole(value)) return { error: m.quantityWhole };
  return { value };
}

/** The request body, or the reasons it cannot be sent yet (shown inline under each field). */
export function buildMovementBody(d: MovementDraft): { body: Record<string, string>; errors?: undefined } | { body?: undefined; errors: DraftErrors } {
  const errors: DraftErrors = {};
  if (!d.product) errors.product = m.needProduct;
  const qty = checkQuantity(d.quantity, d.type, d.product?.unit);
  if ('error' in qty) errors.quantity = qty.error;
  let unitCost: string | null = null;
  if (d.type === 'in' && d.unitCost.trim()) {
    unitCost = parseDecimalInput(d.unitCost, { maxDecimals: 2 });
    if (unitCost === null) errors.unit_cost = m.costInvalid;
  }
  if (d.type === 'transfer') {
    if (!d.toLocationId) errors.to_location_id = m.destinationRequired;
    else if (d.toLocationId === d.locationId) errors.to_location_id = m.destinationSame;
  }
  if (Object.keys(errors).length > 0 || !d.product || 'error' in qty) return { errors };

  const body: Record<string, string> = { product_id: d.product.id, type: d.type, quantity: qty.value };
  if (d.locationId) body.location_id = d.locationId;
  if (d.type === 'transfer') body.to_location_id = d.toLocationId;
  if (unitCost !== null) body.unit_cost = unitCost;
  if (d.reason.trim()) body.reason = d.reason.trim();
  if (d.reference.trim()) body.reference = d.reference.trim();
  return { body };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Sends one submission. The key is the caller's: the same submission retried (after a network
 * error, or a second click) carries the same key, so the server records it once and replays the
 * answer. While the first request is still running the server says `in_progress`; wait for it.
 */
export async function postWithKey<T>(path: string, body: unknown, idempotencyKey: string): Promise<T> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await api.post<T>(path, body, { idempotencyKey });
    } catch (error) {
      if (error instanceof ApiError && error.code === 'idempotency.in_progress' && attempt < 6) {
        await sleep(500);
        continue;
      }
      throw error;
    }
  }
}

export function sendMovement(body: Record<string, string>, idempotencyKey: string): Promise<MovementResult> {
  return postWithKey<MovementResult>('/stock/movements', body, idempotencyKey);
}

/** "Salida registrada: 3 u. de Yerba (YER-1) en Principal (MAIN). Stock: 10 u. → 7 u." */
export function confirmation(result: MovementResult, product: Product | undefined, locations: Location[] | undefined): string {
  const mv = result.movement;
  const unit = product?.unit;
  const name = product ? `${product.name} (${product.sku})` : mv.product_id;
  const from = locationName(locations, mv.location_id);
  const abs = mv.quantity.replace(/^-/, '');
  if (mv.type === 'transfer' && result.counterpart) {
    const cp = result.counterpart;
    return [
      m.doneTransfer(qtyWithUnit(abs, unit), name, from, locationName(locations, cp.location_id)),
      m.beforeAfterOrigin(qtyWithUnit(mv.on_hand_before, unit), qtyWithUnit(mv.on_hand_after, unit)),
      m.beforeAfterDest(qtyWithUnit(cp.on_hand_before, unit), qtyWithUnit(cp.on_hand_after, unit)),
    ].join(' ');
  }
  const shown = mv.type === 'adjust' ? `${signedQuantity(mv.quantity)} ${unit ? (t.stock.unitsShort[unit] ?? '') : ''}`.trim() : qtyWithUnit(abs, unit);
  return [
    m.done(m.doneTitle[mv.type] ?? mv.type, shown, name, from),
    m.beforeAfter(qtyWithUnit(mv.on_hand_before, unit), qtyWithUnit(mv.on_hand_after, unit)),
  ].join(' ');
}
