// Keeps the direct-SQL baseline honest while src/ changes: builds the app in-process against the
// scratch PostgreSQL database, records the statements one `in` and one `out` movement (and the
// two list reads) send through `pg`, and compares them with what the baseline sends.
import pg from 'pg';
import { buildApp } from '../../src/app.ts';
import { configFrom } from '../../src/config.ts';
import { openPg } from '../../src/platform/db/engines.ts';

export interface Statement {
  text: string;
  values: unknown[];
  /** Set for a named (server-side prepared) statement: both sides must name the same ones. */
  name?: string;
}

const norm = (text: string) => text.replace(/\s+/g, ' ').trim();

/** Runs fn while recording every statement any pg.Client in this process sends. */
export async function recordStatements(fn: () => Promise<void>): Promise<Statement[]> {
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  const seen: Statement[] = [];
  proto.query = function (this: unknown, ...args: unknown[]) {
    const [first, second] = args;
    if (typeof first === 'string') seen.push({ text: first, values: Array.isArray(second) ? second : [] });
    else if (first && typeof first === 'object' && 'text' in first) {
      const q = first as { text: string; values?: unknown[]; name?: string };
      seen.push({ text: q.text, values: q.values ?? (Array.isArray(second) ? second : []), ...(q.name ? { name: q.name } : {}) });
    }
    return original.apply(this, args);
  };
  try {
    await fn();
  } finally {
    proto.query = original;
  }
  return seen;
}

export interface ApiStatements {
  in: Statement[];
  out: Statement[];
  products: Statement[];
  levels: Statement[];
}

/** What the app sends for each operation, captured through app.inject (no HTTP server). */
export async function captureApiStatements(url: string, apiKey: string, productId: string, dataDir: string): Promise<ApiStatements> {
  // The server's data dir: the in-process app must use the keyring the server created there.
  const config = configFrom({ DATABASE_URL: url, INVENTARIO_DATA_DIR: dataDir, LOG_LEVEL: 'silent', INVENTARIO_BOOTSTRAP_API_KEY: apiKey });
  const database = openPg({ url, poolSize: 2 });
  const { app } = await buildApp({ config, database });
  try {
    const auth = { authorization: `Bearer ${apiKey}` };
    const inject = async (method: 'GET' | 'POST', path: string, body?: unknown, key?: string) => {
      const res = await app.inject({ method, url: path, headers: { ...auth, ...(key ? { 'idempotency-key': key } : {}) }, ...(body ? { payload: body as object } : {}) });
      if (res.statusCode >= 300) throw new Error(`${method} ${path}: ${res.statusCode} ${res.body.slice(0, 200)}`);
    };
    // One of each first, so one-off lookups the app caches (API key, MAIN location) are not captured.
    const stamp = Date.now().toString(36);
    await inject('GET', '/api/v1/stock/levels?limit=1');
    await inject('POST', '/api/v1/stock/movements', { product_id: productId, type: 'in', quantity: '2' }, `check-warm-${stamp}`);
    return {
      in: await recordStatements(() => inject('POST', '/api/v1/stock/movements', { product_id: productId, type: 'in', quantity: '2' }, `check-in-${stamp}`)),
      out: await recordStatements(() => inject('POST', '/api/v1/stock/movements', { product_id: productId, type: 'out', quantity: '1' }, `check-out-${stamp}`)),
      products: await recordStatements(() => inject('GET', '/api/v1/products')),
      levels: await recordStatements(() => inject('GET', '/api/v1/stock/levels')),
    };
  } finally {
    await app.close();
    await database.close();
  }
}

export interface SqlCheck {
  ok: boolean;
  problems: string[];
}

/** Captures both sides and compares them; never throws (a failed check is reported as such). */
export async function checkBaseline(
  url: string,
  apiKey: string,
  productId: string,
  baseline: Record<keyof ApiStatements, () => Promise<void>>,
  dataDir: string,
): Promise<SqlCheck> {
  try {
    const api = await captureApiStatements(url, apiKey, productId, dataDir);
    const problems: string[] = [];
    for (const op of ['in', 'out', 'products', 'levels'] as const) {
      problems.push(...diffStatements(op, api[op], await recordStatements(baseline[op])));
    }
    return { ok: problems.length === 0, problems };
  } catch (err) {
    return { ok: false, problems: [`could not compare: ${err instanceof Error ? err.message : String(err)}`] };
  }
}

/** Differences between the two statement sequences (texts compared with whitespace collapsed). */
export function diffStatements(label: string, api: Statement[], direct: Statement[]): string[] {
  const problems: string[] = [];
  // A named statement is parsed once per connection, an unnamed one every time: compared too.
  const shown = (s: Statement) => (s.name ? `[named ${s.name}] ${norm(s.text)}` : norm(s.text));
  const a = api.map(shown);
  const d = direct.map(shown);
  if (a.length !== d.length) problems.push(`${label}: API sends ${a.length} statements, the baseline ${d.length}`);
  for (let i = 0; i < Math.max(a.length, d.length); i++) {
    if (a[i] !== d[i]) problems.push(`${label} #${i + 1}:\n    API:      ${a[i] ?? '(none)'}\n    baseline: ${d[i] ?? '(none)'}`);
  }
  return problems;
}
