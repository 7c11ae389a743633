// The API side: seeding through the API, and the scenarios driven with autocannon (closed loop
// at N connections, and autocannon's overallRate) or an evenly paced open-loop client.
import http from 'node:http';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { sleep } from './server.ts';
import { summarize, type Engine, type ScenarioId, type ScenarioResult } from './report.ts';

export interface ApiTarget {
  baseUrl: string;
  apiKey: string;
  /** Prefix for Idempotency-Keys and SKUs, unique per run. */
  runId: string;
}

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

interface CannonSpec {
  method: 'GET' | 'POST';
  path: string;
  connections: number;
  durationS: number;
  overallRate?: number;
  /** For POSTs: the next body; each request also gets a fresh Idempotency-Key. */
  nextBody?: () => unknown;
}

interface RawRun {
  ok: number;
  failed: number;
  codes: Record<string, number>;
  times: number[];
  durationS: number;
}

// Idempotency-Keys must never repeat within a run (warm-ups included), or the server replays.
let keySeq = 0;

function cannon(target: ApiTarget, spec: CannonSpec): Promise<RawRun> {
  const baseHeaders = { authorization: `Bearer ${target.apiKey}`, 'content-type': 'application/json' };
  const request: autocannon.Request = { method: spec.method, path: spec.path };
  if (spec.nextBody) {
    const nextBody = spec.nextBody;
    request.setupRequest = (req) => ({
      ...req,
      headers: { ...baseHeaders, 'idempotency-key': `${target.runId}-ac-${keySeq++}` },
      body: JSON.stringify(nextBody()),
    });
  }
  const times: number[] = [];
  const codes: Record<string, number> = {};
  let ok = 0;
  let failed = 0;
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: target.baseUrl,
        connections: spec.connections,
        duration: spec.durationS,
        headers: baseHeaders,
        requests: [request],
        ...(spec.overallRate ? { overallRate: spec.overallRate } : {}),
        timeout: 30,
      },
      (err: unknown, result: autocannon.Result) => {
        if (err) return reject(err instanceof Error ? err : new Error(String(err)));
        failed += result.errors + result.timeouts;
        resolve({ ok, failed, codes, times, durationS: result.duration });
      },
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      codes[statusCode] = (codes[statusCode] ?? 0) + 1;
      if (statusCode >= 200 && statusCode < 300) {
        ok++;
        times.push(responseTime);
      } else {
        failed++;
      }
    });
  });
}

/**
 * Open loop at an even pace: request i is due at start + i/rate whatever happened before, and its
 * latency counts from that due time (no coordinated omission). At most `connections` sockets.
 */
async function paced(target: ApiTarget, rate: number, durationS: number, connections: number, nextBody: () => unknown): Promise<RawRun> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const url = new URL('/api/v1/stock/movements', target.baseUrl);
  const times: number[] = [];
  const codes: Record<string, number> = {};
  let ok = 0;
  let failed = 0;
  const send = (due: number, key: string) =>
    new Promise<void>((resolve) => {
      const payload = Buffer.from(JSON.stringify(nextBody()));
      const req = http.request(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: 'POST',
          agent,
          timeout: 30_000,
          headers: {
            authorization: `Bearer ${target.apiKey}`,
            'content-type': 'application/json',
            'content-length': String(payload.length),
            'idempotency-key': key,
          },
        },
        (res) => {
          res.resume();
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            codes[status] = (codes[status] ?? 0) + 1;
            if (status >= 200 && status < 300) {
              ok++;
              times.push(performance.now() - due);
            } else failed++;
            resolve();
          });
        },
      );
      req.on('error', () => {
        failed++;
        resolve();
      });
      req.end(payload);
    });
  const total = Math.round(rate * durationS);
  const start = performance.now() + 20;
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0.5) await sleep(wait);
    inFlight.push(send(due, `${target.runId}-paced-${keySeq++}`));
  }
  await Promise.all(inFlight);
  agent.destroy();
  return { ok, failed, codes, times, durationS: (performance.now() - start) / 1000 };
}

function toResult(engine: Engine, scenario: ScenarioId, connections: number, raw: RawRun, targetRate?: number): ScenarioResult {
  return {
    engine,
    scenario,
    source: 'api',
    connections,
    ...(targetRate ? { targetRate } : {}),
    durationS: raw.durationS,
    ok: raw.ok,
    failed: raw.failed,
    statusCodes: raw.codes,
    rps: raw.ok / raw.durationS,
    latencyMs: summarize(raw.times),
    samples: raw.times,
    load1: os.loadavg()[0]!,
  };
}

export interface ApiScenarioOptions {
  engine: Engine;
  connections: number;
  durationS: number;
  rate: number;
}

/** One API scenario (the caller runs it once briefly first as a warm-up and discards that). */
export async function runApiScenario(target: ApiTarget, catalog: Catalog, scenario: ScenarioId, o: ApiScenarioOptions): Promise<ScenarioResult> {
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
  };
  const spec = specs[scenario];
  if (scenario === 'paced') {
    return toResult(o.engine, scenario, o.connections, await paced(target, o.rate, o.durationS, o.connections, spreadBodies), o.rate);
  }
  const raw = await cannon(target, spec!);
  return toResult(o.engine, scenario, o.connections, raw, spec!.overallRate);
}
