// One error type for everything a client may see. Rendered as RFC 9457 problem+json by the
// single error handler in problem.ts.

export interface FieldError {
  path: string;
  message: string;
}

export interface AppErrorOptions {
  errors?: FieldError[];
  /** Extra members added to the problem body (e.g. `on_hand` for stock.insufficient). */
  extra?: Record<string, unknown>;
  headers?: Record<string, string>;
  cause?: unknown;
}

export class AppError extends Error {
  override name = 'AppError';
  readonly errors: FieldError[] | undefined;
  readonly extra: Record<string, unknown> | undefined;
  readonly headers: Record<string, string> | undefined;

  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    options: AppErrorOptions = {},
  ) {
    super(`${code}: ${detail}`, { cause: options.cause });
    this.errors = options.errors;
    this.extra = options.extra;
    this.headers = options.headers;
  }
}

/** A 400 validation.failed naming one or more fields. */
export function validationError(errors: FieldError[], detail = 'Hay datos inválidos en la solicitud.'): AppError {
  return new AppError(400, 'validation.failed', detail, { errors });
}

export function notFound(code: string, detail: string): AppError {
  return new AppError(404, code, detail);
}

export function conflict(code: string, detail: string, extra?: Record<string, unknown>): AppError {
  return new AppError(409, code, detail, extra ? { extra } : {});
}

/** Titles per status, in Spanish because problem details reach shop staff. */
export const statusTitles: Record<number, string> = {
  400: 'Solicitud inválida',
  401: 'No autenticado',
  403: 'Acceso denegado',
  404: 'No encontrado',
  405: 'Método no permitido',
  406: 'Formato no aceptable',
  409: 'Conflicto',
  410: 'Ya no existe',
  413: 'Solicitud demasiado grande',
  415: 'Tipo de contenido no soportado',
  422: 'No se puede procesar',
  429: 'Demasiadas solicitudes',
  500: 'Error interno',
  503: 'Servicio no disponible',
  504: 'Tiempo de espera agotado',
};
