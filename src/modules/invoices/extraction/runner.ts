// Runs one extraction job in a fresh worker thread: bounded in time and memory, at most
// `concurrency` at once; up to `maxQueue` others wait their turn, and beyond that a job is refused
// at once with 503 invoice.busy (each waiting upload holds its file in memory). A fresh worker per job keeps one hostile
// file from leaving state behind for the next; the start-up cost (~0.1–0.5 s) is small next to
// an upload's review time.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { InvoiceErrors } from '../errors.ts';
import type { WorkerJob, WorkerReply } from './jobs.ts';

export interface ExtractionRunnerOptions {
  timeoutMs: number;
  concurrency: number;
  /** Old-generation heap limit of each worker. */
  maxHeapMb: number;
  /** Jobs allowed to wait for a free slot; one more is refused with 503 invoice.busy. Default 8. */
  maxQueue?: number;
}

export interface ExtractionRunner {
  run(job: WorkerJob): Promise<WorkerReply>;
}

/**
 * Built (dist/), the worker is plain .js. Under tsx (npm start, tests) it is .ts, and Node 20
 * loads a worker's entry before `--import tsx` hooks are active in it, so a tiny bootstrap
 * registers tsx first and then imports the worker.
 */
function workerEntry(): { entry: string | URL; eval: boolean } {
  if (!import.meta.url.endsWith('.ts')) return { entry: new URL('./worker.js', import.meta.url), eval: false };
  // tsx's ESM API entry, found through its package.json (require.resolve would give the CJS one).
  const pkgFile = createRequire(import.meta.url).resolve('tsx/package.json');
  const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as { exports: Record<string, { import: { default: string } }> };
  const tsxApi = pathToFileURL(path.join(path.dirname(pkgFile), pkg.exports['./esm/api']!.import.default)).href;
  const worker = new URL('./worker.ts', import.meta.url).href;
  return {
    entry: `import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(worker)}); });`,
    eval: true,
  };
}
const workerUrl = workerEntry();

export function createExtractionRunner(options: ExtractionRunnerOptions): ExtractionRunner {
  let active = 0;
  const waiting: (() => void)[] = [];
  const maxQueue = options.maxQueue ?? 8;

  async function acquire(): Promise<void> {
    if (active < options.concurrency) {
      active += 1;
      return;
    }
    if (waiting.length >= maxQueue) throw InvoiceErrors.busy();
    await new Promise<void>((resolve) => waiting.push(resolve));
  }
  function release(): void {
    const next = waiting.shift();
    if (next) next();
    else active -= 1;
  }

  function runOnce(job: WorkerJob): Promise<WorkerReply> {
    return new Promise<WorkerReply>((resolve) => {
      let settled = false;
      const finish = (reply: WorkerReply) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        void worker.terminate().catch(() => undefined);
        resolve(reply);
      };
      const worker = new Worker(workerUrl.entry, {
        eval: workerUrl.eval,
        execArgv: [],
        resourceLimits: { maxOldGenerationSizeMb: options.maxHeapMb, maxYoungGenerationSizeMb: 32, stackSizeMb: 4 },
        stdout: true,
        stderr: true,
      });
      // pdf.js warns on stdout about every oddity of a broken file; none of it is for the log.
      worker.stdout.resume();
      worker.stderr.resume();
      const timer = setTimeout(() => finish({ ok: false, problem: 'timeout' }), options.timeoutMs);
      worker.once('message', (reply: WorkerReply) => finish(reply));
      worker.once('error', (err: Error & { code?: string }) =>
        finish({ ok: false, problem: err.code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'too_complex' : 'unreadable' }),
      );
      worker.once('exit', () => finish({ ok: false, problem: 'unreadable' }));
      // The PDF is copied only now that its turn came (a waiting job holds no second copy); the
      // worker takes ownership of the copy (transferred, not cloned), never of the caller's bytes.
      const sent: WorkerJob = job.kind === 'pdf' ? { kind: 'pdf', bytes: new Uint8Array(job.bytes) } : job;
      const transfer = sent.kind === 'pdf' ? [sent.bytes.buffer] : sent.images.map((i) => i.data.buffer);
      worker.postMessage(sent, transfer as ArrayBuffer[]);
    });
  }

  return {
    async run(job) {
      await acquire();
      try {
        return await runOnce(job);
      } finally {
        release();
      }
    },
  };
}
