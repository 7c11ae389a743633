// The direct-SQL baseline: the statements the API issues for one movement (and for the two list
// reads), sent straight from this process with `pg` (16 clients, one per worker, each in a
// loop) or with an in-process PGlite. The statement texts are copied from what the app sends
// (src/platform/idempotency/store.ts, src/modules/catalog/repo.ts, src/modules/stock/repo.ts and
// src/platform/audit/writer.ts, through drizzle); sql-check.ts compares both at every pg run and
// the report says so when they drift apart.
import { createHash, randomUUID } from 'node:crypto';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { PGlite } from '@electric-sql/pglite';
import { Decimal } from 'decimal.js';
import pg from 'pg';
import { uuidv7 } from 'uuidv7';
import { summarize, type Engine, type ScenarioId, type ScenarioResult } from './report.ts';
import { movementPicker, type Catalog, type MovementInput } from './scenarios.ts';

export const SQL = {
  claim: `insert into idempotency_keys (scope, key, request_hash, status, claim_token, locked_until, expires_at)
            values ($1, $2, $3, 'in_progress', $4,
                    now() + make_interval(secs => $5),
                    now() + make_interval(hours => $6))
            on conflict (scope, key) do update
              set request_hash = excluded.request_hash, status = 'in_progress', claim_token = excluded.claim_token,
                  response_status = null, response_body = null, locked_until = excluded.locked_until,
                  created_at = now(), expires_at = excluded.expires_at
              where idempotency_keys.expires_at < now()
                 or (idempotency_keys.status = 'in_progress' and idempotency_keys.locked_until < now()
                     and idempotency_keys.request_hash = excluded.request_hash)
            returning claim_token::text as token`,
  lockProduct: `select "id", "unit", "archived_at", "cost_price" from "products" where "products"."id" = $1 for key share`,
  levelUpsert: `insert into stock_levels (product_id, location_id, on_hand) values ($1, $2, $3)
                on conflict (product_id, location_id)
                do update set on_hand = stock_levels.on_hand + excluded.on_hand, updated_at = now()
                returning on_hand::text as after`,
  levelDecrease: `update stock_levels set on_hand = on_hand + $1::numeric, updated_at = now()
                where product_id = $2 and location_id = $3 and on_hand + $4::numeric >= 0
                returning on_hand::text as after`,
  insertMovement: `insert into "stock_movements" ("id", "product_id", "location_id", "type", "quantity", "on_hand_before", "on_hand_after", "unit_cost", "reason", "reference", "to_location_id", "transfer_id", "actor", "created_at", "customer_id") values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, default, default, $11, default, $12) returning "id", "product_id", "location_id", "type", "quantity", "on_hand_before", "on_hand_after", "unit_cost", "reason", "reference", "to_location_id", "transfer_id", "actor", "created_at", "customer_id"`,
  insertAudit: `insert into "audit_events" ("seq", "id", "at", "actor", "action", "resource", "outcome", "ip", "request_id", "details") values (default, $1, default, $2, $3, $4, $5, $6, $7, $8)`,
  complete: `update "idempotency_keys" set "status" = $1, "response_status" = $2, "response_body" = $3 where ("idempotency_keys"."scope" = $4 and "idempotency_keys"."key" = $5 and "idempotency_keys"."claim_token" = $6 and "idempotency_keys"."status" = $7) returning "key"`,
  listProducts: `select "id", "sku", "name", "category", "unit", "barcode", "supplier_id", "cost_price", "sale_price", "vat_rate", "min_stock", "max_stock", "cost_updated_at", "archived_at", "created_at", "updated_at", coalesce((select t.on_hand from product_stock_totals t where t.product_id = "products"."id"), 0)::text from "products" where "products"."archived_at" is null order by "products"."id" asc limit $1`,
  listLevels: `select "product_id", "location_id", "on_hand", "updated_at" from "stock_levels" order by "stock_levels"."product_id" asc, "stock_levels"."location_id" asc limit $1`,
};

// Same session settings as the app's pool (src/platform/db/engines.ts).
const SESSION_OPTIONS = '-c lock_timeout=5000 -c statement_timeout=60000 -c idle_in_transaction_session_timeout=60000';

type Row = unknown[] | Record<string, unknown>;
/** Runs one statement; `array` asks for rows as arrays (what drizzle does for its builders). */
type Query = (text: string, values?: unknown[], array?: boolean) => Promise<Row[]>;

interface Conn {
  query: Query;
  transaction<T>(fn: (q: Query) => Promise<T>): Promise<T>;
}

export interface DirectDriver {
  engine: Engine;
  /** One connection per worker (PGlite: the same single connection for all). */
  conns: Conn[];
  one: Conn;
  close(): Promise<void>;
}

export async function pgDriver(url: string, workers: number): Promise<DirectDriver> {
  const pool = new pg.Pool({ connectionString: url, max: workers, options: SESSION_OPTIONS, application_name: 'inventario-bench' });
  const clients = await Promise.all(Array.from({ length: workers }, () => pool.connect()));
  const conns = clients.map((client): Conn => {
    const query: Query = async (text, values = [], array = false) =>
      (await client.query<Row>({ text, values, ...(array ? { rowMode: 'array' as const } : {}) })).rows;
    return {
      query,
      async transaction(fn) {
        await query('begin');
        try {
          const result = await fn(query);
          await query('commit');
          return result;
        } catch (err) {
          await query('rollback').catch(() => undefined);
          throw err;
        }
      },
    };
  });
  return {
    engine: 'pg',
    conns,
    one: conns[0]!,
    async close() {
      for (const c of clients) c.release();
      await pool.end();
    },
  };
}

/** Opens the data dir the server used (after it stopped: PGlite is single-process). */
export async function pgliteDriver(pgDataDir: string, workers: number): Promise<DirectDriver> {
  const db = await PGlite.create({ dataDir: pgDataDir });
  const run = (q: Pick<PGlite, 'query'>): Query => async (text, values = [], array = false) =>
    (await q.query<Row>(text, values, array ? { rowMode: 'array' } : undefined)).rows;
  // PGlite serializes: query() waits for any open transaction, transaction() is exclusive.
  const conn: Conn = { query: run(db), transaction: (fn) => db.transaction((tx) => fn(run(tx))) };
  return { engine: 'pglite', conns: Array.from({ length: workers }, () => conn), one: conn, close: () => db.close() };
}

export interface DirectContext {
  catalog: Catalog;
  locationId: string;
  /** The API's actor for the bootstrap key (`api_key:<id>`), so rows look the same. */
  actor: string;
  runId: string;
}

export async function directContext(conn: Conn, catalog: Catalog, runId: string): Promise<DirectContext> {
  const [loc] = (await conn.query(`select id::text as id from locations where code = 'MAIN'`)) as { id: string }[];
  const [key] = (await conn.query(`select id::text as id from api_keys where name = 'bootstrap'`)) as { id: string }[];
  if (!loc || !key) throw new Error('baseline: MAIN location or bootstrap API key not found');
  return { catalog, locationId: loc.id, actor: `api_key:${key.id}`, runId };
}

let keySeq = 0;

/** One movement as the API does it: claim, then the ledger transaction (+ audit event, completion). */
async function movement(conn: Conn, ctx: DirectContext, input: MovementInput): Promise<void> {
  const scope = `${ctx.actor}|stock.movement.create`;
  const key = `${ctx.runId}-direct-${keySeq++}`;
  const token = randomUUID();
  const hash = createHash('sha256').update(JSON.stringify(input)).digest('hex');
  const [claimed] = (await conn.query(SQL.claim, [scope, key, hash, token, 60, 48])) as { token: string }[];
  if (claimed?.token !== token) throw new Error('claim not taken');
  await conn.transaction(async (q) => {
    const [product] = await q(SQL.lockProduct, [input.product_id], true);
    if (!product) throw new Error('product not found');
    const delta = input.type === 'out' ? `-${input.quantity}` : input.quantity;
    const levels = (input.type === 'out'
      ? await q(SQL.levelDecrease, [delta, input.product_id, ctx.locationId, delta])
      : await q(SQL.levelUpsert, [input.product_id, ctx.locationId, delta])) as { after: string }[];
    const after = levels[0]?.after;
    if (after === undefined) throw new Error('insufficient stock');
    const before = new Decimal(after).minus(delta).toFixed();
    const [m] = (await q(
      SQL.insertMovement,
      [uuidv7(), input.product_id, ctx.locationId, input.type, delta, before, after, null, null, null, ctx.actor, null],
      true,
    )) as unknown[][];
    const r = m!;
    const details = { type: input.type, quantity: input.quantity, movements: [r[0]], location_id: ctx.locationId };
    await q(SQL.insertAudit, [
      uuidv7(), ctx.actor, 'stock.movement.create', `product:${input.product_id}`, 'success', '127.0.0.1', randomUUID(), JSON.stringify(details),
    ]);
    const body = JSON.stringify({
      movement: {
        id: r[0], product_id: r[1], location_id: r[2], type: r[3], quantity: r[4], on_hand_before: r[5], on_hand_after: r[6],
        unit_cost: r[7], reason: r[8], reference: r[9], to_location_id: r[10], customer_id: r[14], actor: r[12], created_at: new Date(r[13] as string).toISOString(),
      },
    });
    const done = await q(SQL.complete, ['done', 201, body, scope, key, token, 'in_progress'], true);
    if (done.length === 0) throw new Error('claim lost');
  });
}

/** The statements the baseline sends for one `in`, one `out` and the two reads (for sql-check). */
export function baselineOperations(driver: DirectDriver, ctx: DirectContext): Record<'in' | 'out' | 'products' | 'levels', () => Promise<void>> {
  const product_id = ctx.catalog.hotProductId;
  return {
    in: () => movement(driver.one, ctx, { product_id, type: 'in', quantity: '2' }),
    out: () => movement(driver.one, ctx, { product_id, type: 'out', quantity: '1' }),
    products: async () => void (await driver.one.query(SQL.listProducts, [51], true)),
    levels: async () => void (await driver.one.query(SQL.listLevels, [51], true)),
  };
}

interface LoopRun {
  ok: number;
  failed: number;
  times: number[];
  durationS: number;
  firstError?: string;
}

/** Every worker runs op on its own connection, back to back, until the deadline. */
async function loop(conns: Conn[], durationS: number, op: (conn: Conn) => Promise<void>): Promise<LoopRun> {
  const times: number[] = [];
  let ok = 0;
  let failed = 0;
  let firstError: string | undefined;
  const start = performance.now();
  const deadline = start + durationS * 1000;
  await Promise.all(
    conns.map(async (conn) => {
      while (performance.now() < deadline) {
        const t0 = performance.now();
        try {
          await op(conn);
          times.push(performance.now() - t0);
          ok++;
        } catch (err) {
          failed++;
          firstError ??= err instanceof Error ? err.message : String(err);
        }
      }
    }),
  );
  return { ok, failed, times, durationS: (performance.now() - start) / 1000, ...(firstError ? { firstError } : {}) };
}

export interface DirectOptions {
  durationS: number;
}

export async function runDirectScenario(driver: DirectDriver, ctx: DirectContext, scenario: ScenarioId, o: DirectOptions): Promise<ScenarioResult> {
  const ops: Partial<Record<ScenarioId, (conn: Conn) => Promise<void>>> = {};
  const spread = movementPicker(ctx.catalog.productIds);
  const hot = movementPicker([ctx.catalog.hotProductId]);
  ops.spread = (conn) => movement(conn, ctx, spread());
  ops.hot = (conn) => movement(conn, ctx, hot());
  ops.products = async (conn) => void (await conn.query(SQL.listProducts, [51], true));
  ops.levels = async (conn) => void (await conn.query(SQL.listLevels, [51], true));
  const op = ops[scenario];
  if (!op) throw new Error(`no direct baseline for ${scenario}`);
  const run = await loop(driver.conns, o.durationS, op);
  if (run.firstError) process.stderr.write(`  direct ${scenario}: ${run.failed} failed, first: ${run.firstError}\n`);
  return {
    engine: driver.engine,
    scenario,
    source: 'direct',
    connections: driver.conns.length,
    durationS: run.durationS,
    ok: run.ok,
    failed: run.failed,
    rps: run.ok / run.durationS,
    latencyMs: summarize(run.times),
    samples: run.times,
    load1: os.loadavg()[0]!,
  };
}
