import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { trackInFlightHandlers } from './in-flight.ts';

describe('trackInFlightHandlers', () => {
  it('counts an async handler until it settles, and drained() waits for it or gives up at the timeout', async () => {
    const app = Fastify();
    const inFlight = trackInFlightHandlers(app);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let finished = false;
    app.get('/slow', async () => {
      await gate;
      finished = true;
      return { ok: true };
    });
    app.get('/callback', (_request, reply) => {
      void reply.send({ ok: 'callback' });
    });
    await app.ready();

    const slow = app.inject({ method: 'GET', url: '/slow' });
    await new Promise((resolve) => setImmediate(resolve));
    expect(inFlight.count()).toBe(1);
    expect(await inFlight.drained(30)).toBe(false);

    // A handler that answers through reply.send is served as before and never counted.
    const callback = await app.inject({ method: 'GET', url: '/callback' });
    expect(callback.json()).toEqual({ ok: 'callback' });
    expect(inFlight.count()).toBe(1);

    const drained = inFlight.drained(5_000);
    release();
    expect(await drained).toBe(true);
    expect(finished).toBe(true);
    expect(inFlight.count()).toBe(0);
    expect((await slow).json()).toEqual({ ok: true });
    await app.close();
  });

  it('counts a handler that fails until it has failed, and the error still reaches the client', async () => {
    const app = Fastify();
    const inFlight = trackInFlightHandlers(app);
    app.get('/boom', async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      throw Object.assign(new Error('nope'), { statusCode: 409 });
    });
    const res = app.inject({ method: 'GET', url: '/boom' });
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(inFlight.count()).toBe(1);
    expect(await inFlight.drained(2_000)).toBe(true);
    expect((await res).statusCode).toBe(409);
    await app.close();
  });
});
