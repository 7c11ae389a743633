// The single renderer of errors as RFC 9457 problem+json. Every error path ends here: domain
// errors, validation failures, malformed bodies, unknown routes, database errors and bugs.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError, statusTitles, type FieldError } from './errors.ts';
import { mapDatabaseError } from '../db/sqlstate.ts';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  errors?: FieldError[];
  [extra: string]: unknown;
}

export function problemType(code: string): string {
  return `https://inventario-retail.local/problems/${code}`;
}

export function toProblem(error: AppError): ProblemBody {
  return {
    ...(error.extra ?? {}),
    type: problemType(error.code),
    title: statusTitles[error.status] ?? 'Error',
    status: error.status,
    detail: error.detail,
    code: error.code,
    ...(error.errors ? { errors: error.errors } : {}),
  };
}

function pathFromInstancePath(instancePath: string | undefined, fallback: string): string {
  const p = (instancePath ?? '').replace(/^\//, '').split('/').filter(Boolean).join('.');
  return p || fallback;
}

/** Translates framework errors (validation, parsing, limits) into AppErrors. */
export function normalizeError(error: unknown): AppError | undefined {
  if (error instanceof AppError) return error;
  if (hasZodFastifySchemaValidationErrors(error)) {
    const context = (error as { validationContext?: string }).validationContext ?? 'body';
    const fallback = context === 'body' ? '(body)' : context;
    // One entry per bad field: zod may report several problems with one value (the first is
    // kept), and one issue for several unknown fields (each gets its own entry).
    const errors = new Map<string, FieldError>();
    for (const v of error.validation) {
      const keys = v.keyword === 'unrecognized_keys' ? (v.params as { keys?: unknown }).keys : undefined;
      const entries = Array.isArray(keys) && keys.length > 0
        ? keys.map((k) => ({ path: pathFromInstancePath(`${v.instancePath ?? ''}/${String(k)}`, fallback), message: 'campo desconocido' }))
        : [{ path: pathFromInstancePath(v.instancePath, fallback), message: v.message ?? 'valor inválido' }];
      for (const entry of entries) if (!errors.has(entry.path)) errors.set(entry.path, entry);
    }
    return new AppError(400, 'validation.failed', 'Hay datos inválidos en la solicitud.', { errors: [...errors.values()] });
  }
  const dbError = mapDatabaseError(error);
  if (dbError) return dbError;
  const fe = error as FastifyError;
  switch (fe.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError(400, 'request.malformed_json', 'El cuerpo de la solicitud no es JSON válido.');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError(413, 'request.too_large', 'El cuerpo de la solicitud supera el tamaño permitido.');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError(415, 'request.unsupported_media_type', 'Tipo de contenido no soportado; use application/json.');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new AppError(400, 'request.invalid_content_length', 'La longitud declarada del cuerpo no coincide.');
    case 'FST_ERR_BAD_URL':
    case 'FST_ERR_ASYNC_CONSTRAINT':
      return new AppError(400, 'request.bad_url', 'La dirección solicitada no es válida.');
    default:
      break;
  }
  // Other 4xx errors raised by plugins (rate limit builds its own AppError) keep their status.
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return new AppError(fe.statusCode, 'request.invalid', 'La solicitud no es válida.');
  }
  return undefined;
}

export function sendProblem(reply: FastifyReply, error: AppError): FastifyReply {
  if (error.headers) reply.headers(error.headers);
  // Remembered for the access log and the audit hook, which run after the body is gone.
  reply.request.problemCode = error.code;
  return reply.code(error.status).type(PROBLEM_CONTENT_TYPE).send(toProblem(error));
}

/** Only the `at ...` frames: error messages may embed query parameters or personal data. */
function stackFrames(err: Error | undefined): string | undefined {
  return err?.stack
    ?.split('\n')
    .filter((line) => line.trimStart().startsWith('at '))
    .join('\n');
}

export interface ProblemHandlerOptions {
  /**
   * Answers a browser's GET for an unknown page (the dashboard's client-side routes). Returns
   * false when the request is not one it serves; the problem-details 404 follows then.
   */
  pageFallback?: (request: FastifyRequest, reply: FastifyReply) => boolean;
}

export function registerProblemHandlers(app: FastifyInstance, options: ProblemHandlerOptions = {}): void {
  app.setErrorHandler((error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const known = normalizeError(error);
    if (known && known.status < 500) return sendProblem(reply, known);
    if (known) {
      // Expected operational 5xx (database busy or down): no stack, but a clear log line.
      request.log.warn({ code: known.code }, 'request failed with an operational error');
      return sendProblem(reply, known);
    }
    // A bug. Log the type and stack (never the message of a query error: it embeds parameters).
    const err = error as Error;
    request.log.error({ errType: err?.name, stack: stackFrames(err) }, 'unhandled error');
    return sendProblem(
      reply,
      new AppError(500, 'internal', `Ocurrió un error inesperado. Informe el código de solicitud ${request.id}.`),
    );
  });

  app.setNotFoundHandler((request, reply) => {
    if (options.pageFallback?.(request, reply)) return reply;
    return sendProblem(reply, new AppError(404, 'route.not_found', `No existe ${request.method} ${request.url.split('?')[0]}.`));
  });
}
