// The extraction worker runner: a job that takes too long is cut off, queued jobs all run, a full
// queue refuses the next job with 503 invoice.busy, and the caller's bytes are never taken.
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../platform/http/errors.ts';
import { createExtractionRunner } from './runner.ts';

describe('the extraction runner', () => {
  it('terminates a job that outlives its time limit and answers timeout', async () => {
    const runner = createExtractionRunner({ timeoutMs: 5, concurrency: 1, maxHeapMb: 64 });
    expect(await runner.run({ kind: 'pdf', bytes: new Uint8Array(Buffer.from('%PDF-1.4\n')) })).toEqual({ ok: false, problem: 'timeout' });
  });

  it('runs queued jobs one after another within the concurrency limit', async () => {
    const runner = createExtractionRunner({ timeoutMs: 30_000, concurrency: 1, maxHeapMb: 128 });
    const replies = await Promise.all(
      Array.from({ length: 3 }, () => runner.run({ kind: 'pdf', bytes: new Uint8Array(Buffer.from('%PDF-1.4\nnot really a pdf')) })),
    );
    expect(replies).toEqual(Array.from({ length: 3 }, () => ({ ok: false, problem: 'unreadable' })));
  }, 60_000);

  it('refuses a job with 503 invoice.busy and Retry-After once the waiting queue is full', async () => {
    const runner = createExtractionRunner({ timeoutMs: 30_000, concurrency: 1, maxHeapMb: 128, maxQueue: 1 });
    const job = () => runner.run({ kind: 'pdf', bytes: new Uint8Array(Buffer.from('%PDF-1.4\nnot really a pdf')) });
    const running = job();
    const waiting = job();
    const refused = await job().then(
      () => null,
      (err: unknown) => err,
    );
    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({ status: 503, code: 'invoice.busy', headers: { 'retry-after': '10' } });
    // The admitted ones still run, and the queue takes jobs again afterwards.
    expect(await Promise.all([running, waiting])).toEqual([
      { ok: false, problem: 'unreadable' },
      { ok: false, problem: 'unreadable' },
    ]);
    expect(await job()).toEqual({ ok: false, problem: 'unreadable' });
  }, 60_000);

  it("sends the worker its own copy of the PDF: the caller's bytes stay usable", async () => {
    const runner = createExtractionRunner({ timeoutMs: 30_000, concurrency: 1, maxHeapMb: 128 });
    const text = '%PDF-1.4\nnot really a pdf';
    const bytes = new Uint8Array(Buffer.from(text));
    await runner.run({ kind: 'pdf', bytes });
    expect(bytes.byteLength).toBe(text.length);
    expect(Buffer.from(bytes).toString('latin1')).toBe(text);
  }, 60_000);
});
