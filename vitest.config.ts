import { existsSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

// Browser tests need Debian's Chromium. Without it, on a developer machine, they are left out of
// the run (with a line saying so, like the PostgreSQL suite without TEST_DATABASE_URL); in CI
// they stay in and fail, since a browser suite that does not run would hide that nothing was tested.
const browserTestsRun = existsSync('/usr/bin/chromium') || process.env.CI === 'true';
if (!browserTestsRun) {
  process.stderr.write('Browser tests (test/e2e) not run: /usr/bin/chromium not found (apt-get install chromium).\n');
}

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['**/node_modules/**', ...(browserTestsRun ? [] : ['test/e2e/**'])],
    globalSetup: ['test/helpers/global-setup.ts'],
    pool: 'forks',
    // One process per worker for all its files: a fresh process per file spent ~5 s importing the
    // app again each time (about a quarter of the run). Files still get fresh databases and apps.
    isolate: false,
    // Two cores: more workers only add PGlite instances competing for memory and CPU.
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // In CI a JSON report is kept too, so .ci/run can print a plain "N passed, N failed" line.
    reporters: process.env.CI === 'true' ? ['default', 'json'] : ['default'],
    outputFile: { json: 'test-artifacts/vitest.json' },
  },
});
