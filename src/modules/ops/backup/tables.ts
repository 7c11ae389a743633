// Which tables a logical backup holds and in what order: every ordinary table of the public
// schema, parents before children (foreign keys), read from the catalog so a new module's table
// is included without anyone remembering to add it here.
import { sql } from 'drizzle-orm';
import { queryRows, type Queryable } from '../../../platform/db/types.ts';

export interface TableInfo {
  name: string;
  columns: string[];
}

export async function listTables(q: Queryable): Promise<TableInfo[]> {
  const tables = await queryRows<{ name: string; columns: string[] | string }>(
    q,
    sql`select c.relname as name,
          array(select a.attname::text from pg_attribute a
                where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped order by a.attnum) as columns
        from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'public' and c.relkind in ('r', 'p') order by c.relname`,
  );
  const deps = await queryRows<{ child: string; parent: string }>(
    q,
    sql`select c.relname as child, p.relname as parent
        from pg_constraint k join pg_class c on c.oid = k.conrelid join pg_class p on p.oid = k.confrelid
        join pg_namespace n on n.oid = c.relnamespace
        where k.contype = 'f' and n.nspname = 'public'`,
  );
  const parents = new Map<string, Set<string>>();
  for (const d of deps) if (d.child !== d.parent) (parents.get(d.child) ?? parents.set(d.child, new Set()).get(d.child)!).add(d.parent);
  // Depth-first topological order; names sorted first so the order is stable between runs.
  const ordered: TableInfo[] = [];
  const byName = new Map(tables.map((t) => [t.name, { name: t.name, columns: parseArray(t.columns) }]));
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string) => {
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'visiting') throw new Error(`foreign keys form a cycle through ${name}`);
    state.set(name, 'visiting');
    for (const p of [...(parents.get(name) ?? [])].sort()) if (byName.has(p)) visit(p);
    state.set(name, 'done');
    ordered.push(byName.get(name)!);
  };
  for (const name of [...byName.keys()].sort()) visit(name);
  return ordered;
}

// PGlite returns name[] arrays as JS arrays; node-postgres may hand back the text form.
function parseArray(value: string[] | string): string[] {
  if (Array.isArray(value)) return value;
  return value.replace(/^\{|\}$/g, '').split(',').filter(Boolean).map((s) => s.replace(/^"|"$/g, ''));
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
