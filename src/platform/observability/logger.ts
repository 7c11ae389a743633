// JSON logs through pino. Credentials, cookies and query strings never reach the log: the
// request serializer drops the query (it can hold an email or document number) and headers.
import pino, { type Logger, type LoggerOptions } from 'pino';

export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.key',
  '*.token',
  '*.secret',
];

export interface LoggerSettings {
  level: string;
  /** Where to write; defaults to stdout. Tests pass a stream to inspect what was logged. */
  destination?: NodeJS.WritableStream;
}

export function createLogger(settings: LoggerSettings): Logger {
  const options: LoggerOptions = {
    level: settings.level,
    base: { service: 'inventario' },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    serializers: {
      req: (req: { method?: string; url?: string; id?: string }) => ({
        method: req.method,
        path: req.url?.split('?')[0],
        id: req.id,
      }),
      // Error messages can embed SQL parameters (drizzle puts them in the message): log the
      // type, the code and the frames only.
      err: (err: Error & { code?: unknown }) => ({
        type: err?.name,
        code: typeof err?.code === 'string' ? err.code : undefined,
        stack: err?.stack?.split('\n').filter((l) => l.trimStart().startsWith('at ')).join('\n'),
      }),
    },
  };
  return settings.destination
    ? pino(options, settings.destination as pino.DestinationStream)
    : pino(options);
}

export type { Logger };
