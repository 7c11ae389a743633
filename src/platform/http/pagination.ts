// Opaque cursors: the sort key of the last item, base64url-encoded JSON. Clients never build them.
import { AppError } from './errors.ts';

export function encodeCursor(values: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

export function decodeCursor(cursor: string | undefined, arity: number): string[] | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  try {
    const values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(values) && values.length === arity && values.every((v) => typeof v === 'string')) {
      return values as string[];
    }
  } catch {
    // fall through to the validation error
  }
  throw new AppError(400, 'validation.failed', 'El cursor no es válido.', {
    errors: [{ path: 'cursor', message: 'cursor inválido; use el next_cursor de la respuesta anterior' }],
  });
}

/**
 * Pages a list computed whole (the critical list, reorder suggestions): the cursor holds the
 * offset of the next item. A cursor that is not a whole, non-negative offset is refused like any
 * other bad cursor.
 */
export function pageOfList<T>(all: readonly T[], limit: number, cursor: string | undefined): { items: T[]; next_cursor: string | null } {
  const raw = decodeCursor(cursor, 1)?.[0] ?? '0';
  if (!/^\d{1,9}$/.test(raw)) {
    throw new AppError(400, 'validation.failed', 'El cursor no es válido.', {
      errors: [{ path: 'cursor', message: 'cursor inválido; use el next_cursor de la respuesta anterior' }],
    });
  }
  const start = Number(raw);
  const end = start + limit;
  return { items: all.slice(start, end), next_cursor: end < all.length ? encodeCursor([String(end)]) : null };
}

/** Takes limit+1 rows: the extra row tells whether a next page exists. */
export function pageOf<T>(rows: T[], limit: number, cursorOf: (row: T) => string[]): { items: T[]; next_cursor: string | null } {
  const hasMore = rows.length > limit;
  const items = hasMore ? rows.slice(0, limit) : rows;
  const last = items[items.length - 1];
  return { items, next_cursor: hasMore && last ? encodeCursor(cursorOf(last)) : null };
}
