// Statements of the hot path (a stock movement sends eight per request), rendered by drizzle once
// and run many times. drizzle's query builder renders the SQL text again on every call: about
// 0.2 ms of CPU per movement, 15–20 % of the server's CPU per request (docs/performance.md,
// "Server CPU profile of a movement"). A prepared statement here is rendered once, at import,
// with `sql.placeholder(name)` for each input; a run only fills in the values and hands the same
// text to the engine through drizzle's own session (same driver options, same row mapping, same
// DrizzleQueryError on failure). PostgreSQL receives exactly what the builder would have sent:
// the same text and values as an unnamed statement (bench/lib/sql-check.ts compares the texts).
import { is, Param, Placeholder, sql, type SQLWrapper } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import { PgDialect, type PgColumn, type SelectedFieldsOrdered } from 'drizzle-orm/pg-core';
import type { Queryable } from './types.ts';

const dialect = new PgDialect();

/** Builds statements without a connection: `prepareStatement(statementBuilder.insert(t).values(…))`. */
export const statementBuilder = drizzle.mock();

/** `{ a: sql.placeholder('a'), … }`, typed as the row an insert's values or an update's set expects. */
export function placeholders<T>(keys: readonly (keyof T & string)[]): T {
  return Object.fromEntries(keys.map((key) => [key, sql.placeholder(key)])) as T;
}

export interface PreparedStatement<V, R> {
  /** The rendered SQL text. */
  readonly text: string;
  /** Runs the statement on a pool or a transaction; rows mapped by the fields, else as the driver returns them. */
  run(q: Queryable, values: V): Promise<R[]>;
}

type Fill = (values: Record<string, unknown>) => unknown;

function fillOf(param: unknown): Fill {
  if (is(param, Param) && is(param.value, Placeholder)) {
    // A placeholder bound to a column (insert values, update set): encoded like a builder value.
    const { name } = param.value;
    const encoder = param.encoder;
    return (values) => {
      const value = valueOf(values, name);
      return value === null ? null : encoder.mapToDriverValue(value);
    };
  }
  if (is(param, Placeholder)) {
    const { name } = param;
    return (values) => valueOf(values, name);
  }
  return () => param; // a constant rendered into the statement's parameters
}

function valueOf(values: Record<string, unknown>, name: string): unknown {
  const value = values[name];
  if (value === undefined) throw new Error(`prepared statement: no value for placeholder "${name}"`);
  return value;
}

/**
 * Renders `query` (a builder or an `sql` template whose inputs are `sql.placeholder(name)`) once.
 * With `fields` (output name → column, in the order of the statement's columns) rows come back
 * mapped like the builder's (`returning()`, `select({…})`); without, as `db.execute` returns them.
 */
export function prepareStatement<V extends Record<string, unknown>, R = Record<string, unknown>>(
  query: SQLWrapper,
  fields?: Record<string, PgColumn>,
): PreparedStatement<V, R> {
  const rendered = dialect.sqlToQuery(query.getSQL());
  const fills = rendered.params.map(fillOf);
  const ordered: SelectedFieldsOrdered | undefined = fields
    ? Object.entries(fields).map(([name, column]) => ({ path: [name], field: column }))
    : undefined;
  return {
    text: rendered.sql,
    async run(q, values) {
      const params = fills.map((fill) => fill(values));
      const statement = q._.session.prepareQuery({ sql: rendered.sql, params }, ordered, undefined, ordered !== undefined);
      const result = (await statement.execute()) as unknown;
      return (ordered ? result : (result as { rows: unknown[] }).rows) as R[];
    },
  };
}
