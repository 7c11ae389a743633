// Load generators for the API side: autocannon (closed loop at N connections, optionally with
// its overallRate) and an evenly paced open-loop client; both count 2xx answers only and keep
// every 2xx response time so the bench computes its own percentiles.
import http from 'node:http';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { sleep } from './server.ts';
import { summarize, type Engine, type ScenarioId, type ScenarioResult, type Source } from './report.ts';

export interface ApiTarget {
  baseUrl: string;
  apiKey: string;
  /** Prefix for Idempotency-Keys and SKUs, unique per run. */
  runId: string;
}

export interface CannonSpec {
  method: 'GET' | 'POST';
  path: string;
  connections: number;
  durationS: number;
  overallRate?: number;
  /** For POSTs: the next body. */
  nextBody?: () => unknown;
  /** With nextBody: give every request a fresh Idempotency-Key (default true). */
  idempotent?: boolean;
  /** A path per request (e.g. a random id), instead of `path` for all. */
  nextPath?: () => string;
  /** Sees every response body (e.g. to collect the ids of created records). */
  onBody?: (status: number, body: string) => void;
}

export interface RawRun {
  ok: number;
  failed: number;
  codes: Record<string, number>;
  times: number[];
  durationS: number;
}

// Idempotency-Keys must never repeat within a run (warm-ups and every server included), or the
// server replays.
let keySeq = 0;

export function cannon(target: ApiTarget, spec: CannonSpec): Promise<RawRun> {
  const baseHeaders = { authorization: `Bearer ${target.apiKey}`, 'content-type': 'application/json' };
  const request: autocannon.Request = { method: spec.method, path: spec.path };
  const { nextBody, nextPath, onBody } = spec;
  const idempotent = spec.idempotent ?? true;
  if (nextBody || nextPath) {
    request.setupRequest = (req) => ({
      ...req,
      ...(nextPath ? { path: nextPath() } : {}),
      ...(nextBody
        ? {
            headers: idempotent ? { ...baseHeaders, 'idempotency-key': `${target.runId}-ac-${keySeq++}` } : baseHeaders,
            body: JSON.stringify(nextBody()),
          }
        : {}),
    });
  }
  if (onBody) request.onResponse = (status, body) => onBody(status, body);
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
export async function paced(target: ApiTarget, rate: number, durationS: number, connections: number, nextBody: () => unknown): Promise<RawRun> {
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

export function toResult(engine: Engine, scenario: ScenarioId, connections: number, raw: RawRun, targetRate?: number, source: Source = 'api'): ScenarioResult {
  return {
    engine,
    scenario,
    source,
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
