// Load generators for the API side: autocannon (closed loop at N connections, optionally with
// its overallRate) and an evenly paced open-loop client; both count 2xx answers only and keep
// every 2xx response time so the bench computes its own percentiles.
import os from 'node:os';
import autocannon from 'autocannon';
import { openLoop } from './open-loop.ts';
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

/** The evenly paced open loop (open-loop.ts) on stock movements, each with a fresh Idempotency-Key. */
export function paced(target: ApiTarget, rate: number, durationS: number, connections: number, nextBody: () => unknown): Promise<RawRun> {
  return openLoop({
    baseUrl: target.baseUrl,
    apiKey: target.apiKey,
    method: 'POST',
    nextPath: () => '/api/v1/stock/movements',
    nextBody,
    nextKey: () => `${target.runId}-paced-${keySeq++}`,
    rate,
    durationS,
    maxSockets: connections,
  });
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
