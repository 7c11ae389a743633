import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { createIdentityRepo } from '../../src/modules/identity/repo.ts';

// Several instances behind a load balancer must share one budget per API key: with REDIS_URL the
// counters live in Redis. In CI Redis is required; locally the suite runs when TEST_REDIS_URL is set.
function redisUrl(): string | undefined {
  const url = process.env.TEST_REDIS_URL;
  if (!url && process.env.CI === 'true') throw new Error('CI=true but TEST_REDIS_URL is not set');
  return url || undefined;
}

describe.runIf(redisUrl())('rate limiting shared through Redis', () => {
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    // A unique limit per run keeps counters from earlier runs (same key prefix) irrelevant.
    const env = { REDIS_URL: redisUrl()!, RATE_LIMIT_PER_MINUTE: String(20 + (randomBytes(1)[0]! % 10)) };
    a = await createTestApp('pglite', env);
    b = await createTestApp('pglite', env);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  it('counts one API key across two instances and answers 429 with Retry-After past the limit', async () => {
    const limit = a.config.rateLimitPerMinute;
    // The same key row is copied into the second database, as if both instances shared one.
    const { row, key } = await a.services.identity.createApiKey({ name: 'shared', role: 'clerk', createdBy: 'test' });
    await createIdentityRepo(b.db.database.db).insertApiKey(row);
    const statuses: number[] = [];
    for (let i = 0; i < limit + 4; i++) {
      const t = i % 2 === 0 ? a : b;
      statuses.push((await t.call('GET', '/api/v1/locations', { key })).statusCode);
    }
    expect(statuses.filter((s) => s === 200)).toHaveLength(limit);
    expect(statuses.slice(limit).every((s) => s === 429)).toBe(true);
    const limited = await b.call('GET', '/api/v1/locations', { key });
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toMatch(/^\d+$/);
    expect(limited.json()).toMatchObject({ status: 429, code: 'rate_limit.exceeded' });
  });
});
