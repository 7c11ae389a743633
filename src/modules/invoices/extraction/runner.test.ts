// The extraction worker runner: a job that takes too long is cut off, and queued jobs all run.
import { describe, expect, it } from 'vitest';
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
});
