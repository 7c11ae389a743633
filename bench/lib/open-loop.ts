// An evenly paced open-loop client for any route: request i is due at start + i/rate whatever
// happened before, and its latency counts from that due time (no coordinated omission). Unlike
// autocannon's overallRate, which lets its connections fire together in bursts, this measures
// what a steady stream of users sees. (load.ts's `paced` runs it on stock movements.)
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { sleep } from './server.ts';
import type { RawRun } from './load.ts';

export interface OpenLoopSpec {
  baseUrl: string;
  apiKey: string;
  method: 'GET' | 'POST';
  /** The path of each request (a fixed one, or a new random id every time). */
  nextPath: () => string;
  /** POST only: the body and Idempotency-Key of each request. */
  nextBody?: () => unknown;
  nextKey?: () => string;
  rate: number;
  durationS: number;
  /** Sockets at most; requests beyond wait for one (their latency keeps counting). */
  maxSockets: number;
}

export async function openLoop(spec: OpenLoopSpec): Promise<RawRun> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: spec.maxSockets });
  const base = new URL(spec.baseUrl);
  const times: number[] = [];
  const codes: Record<string, number> = {};
  let ok = 0;
  let failed = 0;
  const send = (due: number) =>
    new Promise<void>((resolve) => {
      const payload = spec.nextBody ? Buffer.from(JSON.stringify(spec.nextBody())) : undefined;
      const req = http.request(
        {
          host: base.hostname,
          port: base.port,
          path: spec.nextPath(),
          method: spec.method,
          agent,
          timeout: 30_000,
          headers: {
            authorization: `Bearer ${spec.apiKey}`,
            ...(payload
              ? { 'content-type': 'application/json', 'content-length': String(payload.length), 'idempotency-key': spec.nextKey!() }
              : {}),
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
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', () => {
        failed++;
        resolve();
      });
      req.end(payload);
    });
  const total = Math.max(1, Math.round(spec.rate * spec.durationS));
  const start = performance.now() + 20;
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / spec.rate;
    const wait = due - performance.now();
    if (wait > 0.5) await sleep(wait);
    inFlight.push(send(due));
  }
  await Promise.all(inFlight);
  agent.destroy();
  return { ok, failed, codes, times, durationS: (performance.now() - start) / 1000 };
}
