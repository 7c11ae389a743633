// Route handlers still running, so a shutdown can wait for them before closing the database.
// `app.close()` waits for open connections, but a request whose client has already gone has no
// connection left to wait for: its handler may still be between two statements (an idempotency
// claim committed, the movement's transaction not yet begun). Closing the pool under it turned a
// deploy into a 500 in the log and a claim left "in progress" that made the client's retry get
// 409 for a minute, with the movement never recorded.
import type { FastifyInstance, RouteHandlerMethod } from 'fastify';

export interface InFlightHandlers {
  /** Handlers started and not yet settled. */
  count(): number;
  /** Resolves true once none is running, or false after `timeoutMs` with some still running. */
  drained(timeoutMs: number): Promise<boolean>;
}

/** Must be called before any route is registered: it wraps each route's handler as it is added. */
export function trackInFlightHandlers(app: FastifyInstance): InFlightHandlers {
  const running = new Set<Promise<unknown>>();
  app.addHook('onRoute', (route) => {
    const handler = route.handler as (...args: Parameters<RouteHandlerMethod>) => unknown;
    route.handler = function (this: FastifyInstance, request, reply) {
      const out = handler.call(this, request, reply);
      // Only asynchronous handlers can outlive their request; the value is returned untouched.
      if (out instanceof Promise) {
        const settled = out.then(
          () => undefined,
          () => undefined,
        );
        running.add(settled);
        void settled.then(() => running.delete(settled));
      }
      return out;
    } as RouteHandlerMethod;
  });
  return {
    count: () => running.size,
    async drained(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (running.size > 0) {
        const left = deadline - Date.now();
        if (left <= 0) return false;
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<void>((resolve) => {
          timer = setTimeout(resolve, left);
        });
        await Promise.race([Promise.all(running), timeout]);
        clearTimeout(timer);
      }
      return true;
    },
  };
}
