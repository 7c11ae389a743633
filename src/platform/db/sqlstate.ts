// The one place where PostgreSQL error codes become HTTP-facing errors.
import { AppError } from '../http/errors.ts';

export interface PgErrorLike {
  code: string;
  constraint?: string;
  detail?: string;
}

/** Finds the PostgreSQL error inside drizzle's DrizzleQueryError (or any cause chain). */
export function findPgError(err: unknown): PgErrorLike | undefined {
  let current: unknown = err;
  for (let depth = 0; current && depth < 5; depth++) {
    const c = current as { code?: unknown; cause?: unknown };
    if (typeof c.code === 'string' && /^[0-9A-Z]{5}$/.test(c.code)) return c as PgErrorLike;
    current = c.cause;
  }
  return undefined;
}

export function isRetryableTransactionError(err: unknown): boolean {
  const code = findPgError(err)?.code;
  return code === '40001' || code === '40P01';
}

/**
 * Maps a database error to an AppError. Constraint-specific meanings (a duplicate SKU) are
 * registered by modules through `constraintErrors`; anything else gets a generic honest status.
 */
const constraintErrors = new Map<string, () => AppError>();

export function registerConstraintError(constraint: string, build: () => AppError): void {
  constraintErrors.set(constraint, build);
}

export function mapDatabaseError(err: unknown): AppError | undefined {
  const pg = findPgError(err);
  if (!pg) return undefined;
  const specific = pg.constraint ? constraintErrors.get(pg.constraint) : undefined;
  if (specific && ['23505', '23503', '23514', '23P01'].includes(pg.code)) return specific();
  switch (pg.code) {
    case '23505':
      return new AppError(409, 'conflict.duplicate', 'Ya existe un registro con esos datos.');
    case '23503':
      // A missing referenced row is the client's reference being wrong; a row still referenced
      // by others is a conflict with existing data.
      return pg.detail?.includes('is still referenced')
        ? new AppError(409, 'conflict.referenced', 'El registro está en uso y no puede modificarse así.')
        : new AppError(404, 'reference.not_found', 'Un registro referenciado no existe.');
    case '23514':
      return new AppError(409, 'conflict.check_failed', 'La operación viola una regla de los datos.');
    case '23502':
    case '22P05': // untranslatable character (NUL in text)
    case '22021': // character not in repertoire
    case '22001': // value too long for its column
    case '22P02':
    case '22003':
    case '22007':
    case '22008':
      return new AppError(400, 'validation.failed', 'Un valor enviado no es válido.');
    case '55P03':
    case '57014':
      return new AppError(503, 'db.busy', 'La base de datos está ocupada; reintente en unos segundos.', {
        headers: { 'retry-after': '2' },
      });
    case '40001':
    case '40P01':
      return new AppError(503, 'db.contention', 'Demasiadas operaciones simultáneas; reintente.', {
        headers: { 'retry-after': '1' },
      });
    case '57P01':
    case '08006':
    case '08001':
    case '08003':
      return new AppError(503, 'db.unavailable', 'La base de datos no está disponible.', {
        headers: { 'retry-after': '5' },
      });
    default:
      return undefined;
  }
}
