// Small builders over the public API, so suites read as scenarios rather than request plumbing.
import { expect } from 'vitest';
import { idemKey, type TestApp } from './test-app.ts';

let seq = 0;

/** A unique suffix per call within this test process. */
export function unique(label = 'X'): string {
  seq += 1;
  return `${label}${process.pid % 10_000}${seq}`.toUpperCase();
}

const WEIGHTS = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2];

/** The n-th valid company CUIT (prefix 30), dashed; numbers AFIP never issues are skipped. */
export function validCuit(n: number): string {
  for (let body = 70_000_000 + n * 7; ; body++) {
    const first10 = `30${body}`;
    const sum = WEIGHTS.reduce((acc, w, i) => acc + w * Number(first10[i]), 0);
    const v = 11 - (sum % 11);
    if (v === 10) continue;
    return `30-${body}-${v === 11 ? 0 : v}`;
  }
}

export interface ProductJson {
  id: string;
  sku: string;
  name: string;
  category: string;
  unit: string;
  on_hand: string;
  archived: boolean;
  [field: string]: unknown;
}

export async function createProduct(t: TestApp, fields: Record<string, unknown> = {}): Promise<ProductJson> {
  const res = await t.call('POST', '/api/v1/products', {
    body: { sku: unique('P'), name: 'Producto de prueba', category: 'almacen', cost_price: '100', ...fields },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

export async function createLocation(t: TestApp, code = unique('L')): Promise<{ id: string; code: string; name: string }> {
  const res = await t.call('POST', '/api/v1/locations', { body: { code, name: `Depósito ${code}` } });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

export async function mainLocationId(t: TestApp): Promise<string> {
  const res = await t.call('GET', '/api/v1/locations?limit=500');
  const main = (res.json().items as { id: string; code: string }[]).find((l) => l.code === 'MAIN');
  if (!main) throw new Error('no MAIN location');
  return main.id;
}

/** Posts a movement with a fresh Idempotency-Key. */
export function move(t: TestApp, body: Record<string, unknown>, key?: string | null) {
  return t.call('POST', '/api/v1/stock/movements', { body, idempotencyKey: idemKey(), ...(key !== undefined ? { key } : {}) });
}

/** Receives stock and asserts it worked; returns the movement. */
export async function receive(t: TestApp, productId: string, quantity: string | number, extra: Record<string, unknown> = {}) {
  const res = await move(t, { product_id: productId, type: 'in', quantity, ...extra });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().movement as Record<string, unknown>;
}

export async function onHand(t: TestApp, productId: string): Promise<string> {
  const res = await t.call('GET', `/api/v1/products/${productId}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json().on_hand as string;
}

export async function movementsOf(t: TestApp, productId: string): Promise<Record<string, unknown>[]> {
  const res = await t.call('GET', `/api/v1/stock/movements?product_id=${productId}&limit=500`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json().items;
}

export async function integrity(t: TestApp): Promise<{ ok: boolean; products_checked: number; mismatches: unknown[] }> {
  const res = await t.call('GET', '/api/v1/stock/integrity');
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}
