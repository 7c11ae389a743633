// Browser tests of the dashboard: the real server as a child process (test/process/helpers.ts)
// on a fresh embedded database, serving the built web/dist, driven by Debian's Chromium through
// playwright-core. One dashboard and one browser per test file (beforeAll/afterAll).
//
//   describeE2E('productos', () => {
//     let dash: Dashboard; let browser: Browser;
//     beforeAll(async () => { dash = await startDashboard(); browser = await openBrowser(); });
//     afterAll(async () => { await browser?.close(); await dash?.stop(); });
//     it('…', async () => {
//       const { page, context, cspViolations, consoleErrors } = await newPage(browser, dash, { role: 'clerk', width: 390 });
//       …; expect(await checkAxe(page)).toEqual([]); expect(cspViolations).toEqual([]);
//       await context.close();
//     });
//   });
//
// The pages are tested under the server's real CSP: axe is injected with page.evaluate (CDP
// evaluation is not subject to the page's CSP), never addScriptTag, and bypassCSP stays off so a
// violation the app causes is seen.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterAll, describe } from 'vitest';
import type { EngineName } from '../../src/platform/db/types.ts';
import { testEngines } from '../helpers/engines.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-db.ts';
import { httpRequest, killAllChildren, migratedDataDir, newBootstrapKey, REPO_ROOT, startServer, type EnvOverrides, type ServerProcess } from '../process/helpers.ts';

export const CHROMIUM_PATH = '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];
export const DIST_DIR = path.join(REPO_ROOT, 'web', 'dist');
export const SCREENSHOT_DIR = path.join(REPO_ROOT, 'test-artifacts', 'screenshots');

export const ROLES = ['admin', 'manager', 'clerk', 'auditor'] as const;
export type Role = (typeof ROLES)[number];
export type Width = 390 | 1280;
export const VIEWPORTS: Record<Width, { width: number; height: number }> = {
  390: { width: 390, height: 844 },
  1280: { width: 1280, height: 800 },
};

/** What the sign-in form and the shell say (web/src/i18n/es-AR/common.ts). */
export const UI = {
  username: 'Usuario',
  password: 'Contraseña',
  submit: 'Ingresar',
  logout: 'Salir',
  nav: 'nav[aria-label="Principal"]',
  expiredTitle: 'Su sesión venció',
  badCredentials: 'Usuario o contraseña incorrectos.',
  forbidden: 'Sin permiso',
  notFound: 'Página no encontrada',
} as const;

// ---------------------------------------------------------------------------------------------
// describeE2E

export function chromiumAvailable(): boolean {
  return fs.existsSync(CHROMIUM_PATH);
}

const openBrowsers = new Set<Browser>();

/**
 * A describe block for browser tests. Without /usr/bin/chromium, vitest.config.ts leaves these
 * files out of a developer's run; in CI (CI=true) they stay in and fail here, the way a missing
 * PostgreSQL does (test/helpers/engines.ts): in CI a missing browser must not pass unnoticed.
 */
export function describeE2E(name: string, fn: () => void): void {
  if (!chromiumAvailable()) {
    throw new Error(`${CHROMIUM_PATH} is missing: the browser tests need it (apt-get install chromium; see .ci/run)`);
  }
  describe(name, () => {
    // Registered first, so it runs after the file's own afterAll hooks: whatever a failed test
    // left open (a browser, a server) is gone before the next file starts.
    afterAll(async () => {
      for (const browser of openBrowsers) await browser.close().catch(() => undefined);
      openBrowsers.clear();
      await killAllChildren();
    });
    fn();
  });
}

/**
 * The same browser tests once per engine the suite runs on (test/helpers/engines.ts): the server
 * on embedded PGlite, and on server PostgreSQL when TEST_DATABASE_URL is set (always in CI).
 */
export function describeE2EEach(name: string, fn: (engine: EngineName) => void): void {
  for (const engine of testEngines()) describeE2E(`${name} (${engine})`, () => fn(engine));
}

// ---------------------------------------------------------------------------------------------
// The server

export interface DashUser {
  username: string;
  password: string;
}

export interface ApiResult {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read whatever shape each endpoint answers
  body: any;
  headers: Headers;
}

export interface Dashboard {
  baseUrl: string;
  /** One dashboard account per role, created through POST /api/v1/users. */
  users: Record<Role, DashUser>;
  /** The admin API key (INVENTARIO_BOOTSTRAP_API_KEY) dash.api uses. */
  apiKey: string;
  server: ServerProcess;
  /** The copy of web/dist this server serves (taken at start, so a rebuild cannot disturb it). */
  distDir: string;
  /**
   * A request with the admin API key. `path` is taken as is when it starts with /api/ (or is
   * /health, /ready, /metrics, /openapi.json); otherwise /api/v1 is put in front
   * ('/products' → '/api/v1/products'). A POST to /stock/movements or /stock/counts gets a fresh
   * Idempotency-Key unless `headers` has one. `body` is parsed JSON, or the text if not JSON.
   */
  api(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<ApiResult>;
  /** Stops the server (bounded) and removes its data dir. */
  stop(): Promise<void>;
}

export interface StartDashboardOptions {
  /** Extra server environment (e.g. { SESSION_IDLE_TIMEOUT_SECONDS: '60' }). */
  env?: EnvOverrides;
  /** 'pg': the server runs on a fresh PostgreSQL database (dropped by stop()). Default 'pglite'. */
  engine?: EngineName;
}

const OUTSIDE_API_V1 = /^\/(api|health|ready|metrics|openapi\.json|docs)(\/|$|\?)/;
const NEEDS_IDEMPOTENCY_KEY = /^\/api\/v1\/stock\/(movements|counts)(\?|$)/;

/** The newest modification time under a directory (0 if it does not exist). */
function newestMtime(dir: string): number {
  if (!fs.existsSync(dir)) return 0;
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    newest = Math.max(newest, fs.statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/**
 * Copies web/dist into `target` and checks the copy is whole: every /assets/ file that the HTML,
 * JS or CSS names is there. A build running at the same moment (another terminal, `npm test`'s
 * pretest) empties web/dist and refills it, so a half copy is retried. The server then serves the
 * copy (INVENTARIO_DASHBOARD_DIR): a rebuild during the run cannot delete the lazily loaded page
 * chunks from under the browser.
 */
async function snapshotDist(target: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    fs.rmSync(target, { recursive: true, force: true });
    let missing: string[] = [];
    try {
      fs.cpSync(DIST_DIR, target, { recursive: true });
      const files = fs.readdirSync(target, { recursive: true, withFileTypes: true }).filter((e) => e.isFile() && /\.(html|js|css)$/.test(e.name));
      for (const file of files) {
        const text = fs.readFileSync(path.join(file.parentPath, file.name), 'utf8');
        for (const [, name] of text.matchAll(/(?:\/?assets\/|["'`]\.\/)([\w.-]+\.(?:js|css|svg|png|woff2?))/g)) {
          if (!fs.existsSync(path.join(target, 'assets', name!))) missing.push(name!);
        }
      }
    } catch (err) {
      missing = [`copy failed: ${(err as Error).message}`];
    }
    if (missing.length === 0 && fs.existsSync(path.join(target, 'index.html'))) return;
    if (attempt >= 20) throw new Error(`web/dist stays incomplete (a build running?): ${missing.slice(0, 5).join(', ')}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Throws when web/dist is missing; warns when web/src changed after the last build. */
function checkBuilt(): void {
  const index = path.join(DIST_DIR, 'index.html');
  if (!fs.existsSync(index)) {
    throw new Error(`${index} is missing: build the dashboard first (npm run build:web; npm test does it in pretest)`);
  }
  const built = fs.statSync(index).mtimeMs;
  if (newestMtime(path.join(REPO_ROOT, 'web', 'src')) > built) {
    console.warn('[e2e] web/src changed after the last build: these tests run the OLD web/dist (npm run build:web)');
  }
}

/** A password the policy accepts (≥ 12 characters, not common, unrelated to the username). */
function strongPassword(): string {
  return `Mate-${randomBytes(6).toString('hex')}-Cebado`;
}

/**
 * Starts the real server on a fresh database (embedded unless `engine: 'pg'`) with a bootstrap admin API key, and creates
 * one dashboard user per role (e2e-admin, e2e-manager, e2e-clerk, e2e-auditor).
 */
export async function startDashboard(options: StartDashboardOptions = {}): Promise<Dashboard> {
  checkBuilt();
  const apiKey = newBootstrapKey();
  const dataDir = migratedDataDir('e2e');
  const distDir = `${dataDir}-web`;
  await snapshotDist(distDir);
  const pg: TestDatabase | undefined = options.engine === 'pg' ? await createTestDatabase('pg', 1) : undefined;
  const server = await startServer({
    dataDir,
    ...(pg ? { databaseUrl: pg.url! } : {}),
    bootstrapKey: apiKey,
    // Warnings only: a file's worth of request logs would just fill memory.
    env: { LOG_LEVEL: 'warn', INVENTARIO_DASHBOARD_DIR: distDir, ...(options.env ?? {}) },
  }).catch(async (err: unknown) => {
    fs.rmSync(distDir, { recursive: true, force: true });
    await pg?.drop();
    throw err;
  });

  const api: Dashboard['api'] = async (method, urlPath, body, headers = {}) => {
    const fullPath = OUTSIDE_API_V1.test(urlPath) ? urlPath : `/api/v1${urlPath}`;
    const extra: Record<string, string> = { ...headers };
    const hasKey = Object.keys(extra).some((h) => h.toLowerCase() === 'idempotency-key');
    if (method.toUpperCase() === 'POST' && NEEDS_IDEMPOTENCY_KEY.test(fullPath) && !hasKey) {
      extra['idempotency-key'] = `e2e-${randomBytes(12).toString('hex')}`;
    }
    const res = await httpRequest(server.baseUrl, method.toUpperCase(), fullPath, { key: apiKey, body, headers: extra });
    let parsed: unknown = res.text;
    try {
      parsed = res.text ? JSON.parse(res.text) : null;
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, body: parsed, headers: res.headers };
  };

  const users = {} as Record<Role, DashUser>;
  try {
    for (const role of ROLES) {
      const user = { username: `e2e-${role}`, password: strongPassword() };
      const res = await api('POST', '/users', { ...user, role });
      if (res.status !== 201) throw new Error(`creating the ${role} user: ${res.status} ${JSON.stringify(res.body)}`);
      users[role] = user;
    }
  } catch (err) {
    await server.stop('SIGKILL').catch(() => undefined);
    fs.rmSync(distDir, { recursive: true, force: true });
    await pg?.drop();
    throw err;
  }

  let stopped = false;
  return {
    baseUrl: server.baseUrl,
    users,
    apiKey,
    server,
    distDir,
    api,
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.stop().catch(() => server.stop('SIGKILL'));
      fs.rmSync(dataDir, { recursive: true, force: true });
      fs.rmSync(distDir, { recursive: true, force: true });
      await pg?.drop();
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The browser

export async function openBrowser(): Promise<Browser> {
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  openBrowsers.add(browser);
  browser.once('disconnected', () => openBrowsers.delete(browser));
  return browser;
}

export interface NewPageOptions {
  role: Role;
  width?: Width;
  /** Where to go after signing in (client-side routes load through the server fallback). */
  path?: string;
  /** Stay on the sign-in form instead of signing in. */
  signedOut?: boolean;
}

export interface E2EPage {
  page: Page;
  context: BrowserContext;
  /** Console messages and securitypolicyviolation events about the CSP. */
  cspViolations: string[];
  /** console.error messages and uncaught page errors. */
  consoleErrors: string[];
}

const CSP_MESSAGE = /Content Security Policy|Refused/i;
// Before signing in the session probe (GET /auth/session) answers 401, which Chromium logs as a
// failed resource load; that one is expected.
const EXPECTED_WHILE_SIGNED_OUT = /Failed to load resource: the server responded with a status of 401/;

/**
 * A new browser context (own cookies) at the given width (default 1280), signed in as `role`
 * through the login form, on `/` (or `path`) with the navigation rendered.
 */
export async function newPage(browser: Browser, dash: Dashboard, options: NewPageOptions): Promise<E2EPage> {
  const width = options.width ?? 1280;
  const context = await browser.newContext({
    viewport: VIEWPORTS[width],
    baseURL: dash.baseUrl,
    locale: 'es-AR',
    timezoneId: 'America/Argentina/Buenos_Aires',
  });
  const cspViolations: string[] = [];
  const consoleErrors: string[] = [];
  let signedIn = false;

  await context.exposeBinding('__e2eReportCspViolation', (_source, text: string) => {
    cspViolations.push(text);
  });
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      const report = (window as unknown as { __e2eReportCspViolation?: (t: string) => void }).__e2eReportCspViolation;
      report?.(`securitypolicyviolation: ${e.violatedDirective} blocked ${e.blockedURI || '(inline)'} at ${e.sourceFile}:${e.lineNumber}`);
    });
  });

  const page = await context.newPage();
  page.on('console', (msg) => {
    const text = msg.text();
    if (CSP_MESSAGE.test(text)) cspViolations.push(text);
    if (msg.type() !== 'error') return;
    if (!signedIn && EXPECTED_WHILE_SIGNED_OUT.test(text)) return;
    const where = msg.location().url;
    consoleErrors.push(where ? `${text} (${where})` : text);
  });
  page.on('pageerror', (err) => consoleErrors.push(`uncaught: ${err.message}`));

  await page.goto('/');
  if (!options.signedOut) {
    await signIn(page, dash.users[options.role]);
    signedIn = true;
    if (options.path && options.path !== '/') await page.goto(options.path);
    await page.locator(UI.nav).waitFor({ state: 'attached' });
  }
  return { page, context, cspViolations, consoleErrors };
}

/** Fills the sign-in form (page or dialog) and submits it; does not wait for the result. */
export async function submitLogin(scope: Page | Locator, user: DashUser): Promise<void> {
  await scope.getByLabel(UI.username, { exact: true }).fill(user.username);
  await scope.getByLabel(UI.password, { exact: true }).fill(user.password);
  await scope.getByRole('button', { name: UI.submit, exact: true }).click();
}

/** Signs in through the login form and waits for the navigation. */
export async function signIn(page: Page, user: DashUser): Promise<void> {
  await submitLogin(page, user);
  await page.locator(UI.nav).waitFor({ state: 'attached' });
}

/** Waits for two animation frames: layout and paint after a resize or a render. */
export async function settle(page: Page): Promise<void> {
  await page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))));
}

// ---------------------------------------------------------------------------------------------
// axe-core

let axeSource: string | undefined;

export interface AxeViolation {
  id: string;
  impact: string;
  help: string;
  /** CSS selectors of the offending elements (first 10). */
  targets: string[];
  /** axe's explanation for the first offending element. */
  summary: string;
}

/**
 * Runs axe-core on the page and returns the serious and critical violations (expect []).
 * Injected with page.evaluate: addScriptTag is an inline script, which the CSP blocks.
 */
export async function checkAxe(page: Page): Promise<AxeViolation[]> {
  axeSource ??= fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  const loaded = await page.evaluate(() => typeof (window as unknown as { axe?: unknown }).axe === 'object');
  if (!loaded) await page.evaluate(axeSource);
  return page.evaluate(async () => {
    interface AxeNode {
      target: unknown[];
      failureSummary?: string;
    }
    interface AxeResult {
      id: string;
      impact?: string | null;
      help: string;
      nodes: AxeNode[];
    }
    const axe = (window as unknown as { axe: { run(ctx: Document, opts: object): Promise<{ violations: AxeResult[] }> } }).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({
        id: v.id,
        impact: v.impact ?? '',
        help: v.help,
        targets: v.nodes.slice(0, 10).map((n) => n.target.map(String).join(' ')),
        summary: (v.nodes[0]?.failureSummary ?? '').slice(0, 500),
      }));
  });
}

// ---------------------------------------------------------------------------------------------
// Screenshots

function screenshotPath(name: string, width: number): string {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const safe = name.replace(/[^A-Za-z0-9._-]+/g, '-');
  return path.join(SCREENSHOT_DIR, `${safe}-${width}.png`);
}

/** A full-page PNG at the page's current width: test-artifacts/screenshots/<name>-<width>.png. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  const width = page.viewportSize()?.width ?? 1280;
  const file = screenshotPath(name, width);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/**
 * Full-page PNGs at 390×844 and 1280×800: test-artifacts/screenshots/<name>-390.png and
 * <name>-1280.png. The page's viewport is restored afterwards.
 */
export async function saveScreenshots(page: Page, name: string): Promise<string[]> {
  const before = page.viewportSize();
  const files: string[] = [];
  try {
    for (const width of [390, 1280] as const) {
      await page.setViewportSize(VIEWPORTS[width]);
      await settle(page);
      files.push(await saveScreenshot(page, name));
    }
  } finally {
    if (before) await page.setViewportSize(before);
  }
  return files;
}

// ---------------------------------------------------------------------------------------------
// Small checks several files need

/** True when the page scrolls sideways (the document is wider than the viewport). */
export async function horizontalOverflow(page: Page): Promise<{ scrollWidth: number; viewport: number } | null> {
  const sizes = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, viewport: window.innerWidth }));
  return sizes.scrollWidth > sizes.viewport ? sizes : null;
}

/** The session cookie of a context as a Cookie header, for requests made outside the browser. */
export async function cookieHeader(context: BrowserContext, baseUrl: string): Promise<string> {
  const cookies = await context.cookies(baseUrl);
  return cookies.map((c) => `${c.name}=${c.value}`).join('; ');
}

/**
 * Ends the context's session on the server (POST /auth/logout with its cookie and CSRF token,
 * sent from outside the browser), leaving the now useless cookie in the browser: what the
 * browser sees when a session expires.
 */
export async function endSessionBehindTheBrowser(context: BrowserContext, baseUrl: string): Promise<void> {
  const cookie = await cookieHeader(context, baseUrl);
  const session = await httpRequest(baseUrl, 'GET', '/api/v1/auth/session', { headers: { cookie } });
  if (session.status !== 200) throw new Error(`GET /auth/session with the browser's cookie: ${session.status} ${session.text}`);
  const csrf = (session.json() as { csrf_token: string }).csrf_token;
  const out = await httpRequest(baseUrl, 'POST', '/api/v1/auth/logout', { headers: { cookie, 'x-csrf-token': csrf } });
  if (out.status !== 204) throw new Error(`POST /auth/logout: ${out.status} ${out.text}`);
  const after = await httpRequest(baseUrl, 'GET', '/api/v1/auth/session', { headers: { cookie } });
  if (after.status !== 401) throw new Error(`the session still answers after logout: ${after.status}`);
}
