// The API side: seeding through the API, and the movement and list scenarios driven with the
// load generators of load.ts (autocannon, or the evenly paced open-loop client).
import { cannon, paced, toResult, type ApiTarget, type CannonSpec } from './load.ts';
import type { Engine, ScenarioId, ScenarioResult, Source } from './report.ts';

export type { ApiTarget } from './load.ts';

export interface MovementInput {
  product_id: string;
  type: 'in' | 'out';
  quantity: string;
}

/** Alternates `in 2` and `out 1` on a random product of the list: stock only grows. */
export function movementPicker(productIds: string[]): () => MovementInput {
  let n = 0;
  return () => {
    const product_id = productIds[Math.floor(Math.random() * productIds.length)]!;
    return n++ % 2 === 0 ? { product_id, type: 'in', quantity: '2' } : { product_id, type: 'out', quantity: '1' };
  };
}

/** Runs fn(0..count-1) with at most `concurrency` in flight. */
async function inParallel(count: number, concurrency: number, fn: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) await fn(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}

async function post(target: ApiTarget, path: string, body: unknown, idempotencyKey?: string): Promise<{ id?: string }> {
  const res = await fetch(`${target.baseUrl}${path}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${target.apiKey}`,
      'content-type': 'application/json',
      ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
    },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  if (res.status !== 201) throw new Error(`POST ${path}: ${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text) as { id?: string };
}

export interface Catalog {
  productIds: string[];
  hotProductId: string;
}

/**
 * Creates `products` products plus one hot product through the API, and gives each a
 * generous opening stock (one `in` movement) so the `out` half of the mix never runs out.
 */
export async function seedCatalog(target: ApiTarget, products: number, openingStock: string): Promise<Catalog> {
  const ids: string[] = new Array<string>(products + 1);
  await inParallel(products + 1, 16, async (i) => {
    const sku = `B${target.runId}-${i}`.toUpperCase();
    const created = await post(target, '/api/v1/products', { sku, name: `Producto de prueba ${i}`, category: 'bench', cost_price: '100' });
    ids[i] = created.id!;
  });
  await inParallel(ids.length, 16, async (i) => {
    await post(target, '/api/v1/stock/movements', { product_id: ids[i], type: 'in', quantity: openingStock }, `${target.runId}-open-${i}`);
  });
  return { productIds: ids.slice(0, products), hotProductId: ids[products]! };
}

export interface ApiScenarioOptions {
  engine: Engine;
  connections: number;
  durationS: number;
  rate: number;
  /** What the result is labelled as: 'api-no-audit' for the audit-off server of (f). */
  source?: Source;
}

export type ApiScenarioId = Extract<ScenarioId, 'spread' | 'hot' | 'products' | 'levels' | 'rate' | 'paced' | 'audit'>;

/** One API scenario (the caller runs it once briefly first as a warm-up and discards that). */
export async function runApiScenario(target: ApiTarget, catalog: Catalog, scenario: ApiScenarioId, o: ApiScenarioOptions): Promise<ScenarioResult> {
  const spreadBodies = movementPicker(catalog.productIds);
  const post = (nextBody: () => unknown, extra: Partial<CannonSpec> = {}): CannonSpec => ({
    method: 'POST',
    path: '/api/v1/stock/movements',
    connections: o.connections,
    durationS: o.durationS,
    nextBody,
    ...extra,
  });
  const get = (path: string): CannonSpec => ({ method: 'GET', path, connections: o.connections, durationS: o.durationS });
  const specs: Partial<Record<ScenarioId, CannonSpec>> = {
    spread: post(spreadBodies),
    hot: post(movementPicker([catalog.hotProductId])),
    products: get('/api/v1/products'),
    levels: get('/api/v1/stock/levels'),
    rate: post(spreadBodies, { overallRate: o.rate }),
    // (f): (a)'s traffic, against the normal server or the one started with audit off.
    audit: post(spreadBodies),
  };
  const spec = specs[scenario];
  if (scenario === 'paced') {
    return toResult(o.engine, scenario, o.connections, await paced(target, o.rate, o.durationS, o.connections, spreadBodies), o.rate);
  }
  const raw = await cannon(target, spec!);
  return toResult(o.engine, scenario, o.connections, raw, spec!.overallRate, o.source);
}
