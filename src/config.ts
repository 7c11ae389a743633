// The one place that reads the environment. Everything else receives a typed Config.
import path from 'node:path';
import { z } from 'zod';
import { CronError, parseCron } from './platform/jobs/cron.ts';

const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();
const httpUrl = z.string().regex(/^https?:\/\/[^\s]+$/, 'must be an http:// or https:// URL');
const WEEKDAY_NAMES = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** `mon-sat`, `mon,wed,fri`, `mon-fri,sun` → ISO weekday numbers (1 = Monday); undefined if bad. */
function parseWeekdays(text: string): number[] | undefined {
  const days = new Set<number>();
  for (const part of text.toLowerCase().split(',').map((p) => p.trim())) {
    const [from, to = from] = part.split('-') as [string, string?];
    const a = WEEKDAY_NAMES.indexOf(from);
    const b = WEEKDAY_NAMES.indexOf(to);
    if (a < 0 || b < 0 || b < a) return undefined;
    for (let d = a; d <= b; d++) days.add(d + 1);
  }
  return [...days].sort();
}

function cronProblem(expression: string): string | undefined {
  try {
    parseCron(expression);
    return undefined;
  } catch (err) {
    if (err instanceof CronError) return err.message;
    throw err;
  }
}

const envSchema = z.object({
  PORT: port.default(8080),
  HOST: z.string().min(1).default('127.0.0.1'),
  INVENTARIO_DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
    .optional(),
  DB_POOL_SIZE: positiveInt.max(200).default(10),
  INVENTARIO_BOOTSTRAP_API_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
  INVENTARIO_MASTER_KEY: z.string().optional(),
  INVENTARIO_MASTER_KEY_FILE: z.string().optional(),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must start with redis:// or rediss://').optional(),
  TLS_CERT_FILE: z.string().optional(),
  TLS_KEY_FILE: z.string().optional(),
  INVENTARIO_TIMEZONE: z
    .string()
    .default('America/Argentina/Buenos_Aires')
    .refine(isValidTimeZone, 'is not a known IANA time zone'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  TRUST_PROXY: z.string().default('false'),
  RATE_LIMIT_PER_MINUTE: positiveInt.default(1200),
  RATE_LIMIT_ANON_PER_MINUTE: positiveInt.default(120),
  BODY_LIMIT_BYTES: positiveInt.default(1024 * 1024),
  IDEMPOTENCY_TTL_HOURS: positiveInt.min(24).default(48),
  SHUTDOWN_TIMEOUT_SECONDS: positiveInt.default(20),
  // Benchmarks only: measures what writing audit events costs. Never set it in a shop.
  INVENTARIO_BENCH_DISABLE_AUDIT: z.enum(['true', 'false']).default('false'),
  // Dashboard accounts: session lifetime, password policy and login lockout.
  SESSION_IDLE_TIMEOUT_SECONDS: positiveInt.default(30 * 60),
  SESSION_ABSOLUTE_TIMEOUT_SECONDS: positiveInt.default(12 * 60 * 60),
  PASSWORD_MIN_LENGTH: positiveInt.min(8).max(128).default(12),
  LOGIN_MAX_FAILURES: positiveInt.max(1000).default(5),
  LOGIN_IP_MAX_FAILURES: positiveInt.max(100_000).default(20),
  LOGIN_FAILURE_WINDOW_SECONDS: positiveInt.default(15 * 60),
  LOGIN_LOCK_SECONDS: positiveInt.default(60),
  LOGIN_LOCK_MAX_SECONDS: positiveInt.default(60 * 60),
  // Audit trail: where signed checkpoints and alerts are sent, and the store hours the anomaly
  // rules call "outside store hours".
  AUDIT_CHECKPOINT_WEBHOOK_URL: httpUrl.optional(),
  AUDIT_CHECKPOINT_INTERVAL_SECONDS: positiveInt.max(86_400).default(60),
  ALERT_WEBHOOK_URL: httpUrl.optional(),
  ALERT_WEBHOOK_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  INVENTARIO_STORE_HOURS: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-4]):[0-5]\d$/, 'must look like 08:00-21:00')
    .refine((v) => v.slice(0, 5) < v.slice(6), 'must open before it closes')
    .default('08:00-21:00'),
  INVENTARIO_STORE_DAYS: z.string().default('mon-sat').refine((v) => parseWeekdays(v) !== undefined, 'must list days like mon-sat or mon,wed,fri'),
  // Where the built dashboard lives (web/dist of this checkout unless set).
  INVENTARIO_DASHBOARD_DIR: z.string().min(1).optional(),
  // CLI only: the API key `inventario audit verify --url` uses to ask a running server.
  INVENTARIO_API_KEY: z.string().min(1).optional(),
  // Scheduled reprice (off unless days are given): on these weekdays, once the store-local time
  // reaches PRICING_AUTO_REPRICE_AT, every active product is repriced once for that day.
  PRICING_AUTO_REPRICE_DAYS: z.string().optional().refine((v) => v === undefined || parseWeekdays(v) !== undefined, 'must list days like mon, mon-sat or mon,thu'),
  PRICING_AUTO_REPRICE_AT: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time like 07:00').default('07:00'),
  // Demand forecasting: worker threads, history window, refresh period, reorder policy.
  FORECAST_WORKERS: z.coerce.number().int().min(0).max(8).default(2),
  FORECAST_HISTORY_DAYS: z.coerce.number().int().min(28).max(730).default(365),
  FORECAST_REFRESH_SECONDS: positiveInt.max(86_400).default(300),
  FORECAST_SERVICE_LEVEL: z.coerce.number().gt(0.5).lt(1).default(0.95),
  FORECAST_REVIEW_DAYS: z.coerce.number().int().min(0).max(90).default(7),
  // OCR of invoice photos (tesseract.js): engines at once (each a worker thread of ~150 MB) and
  // the time an upload waits for a page's text before 504 invoice.ocr_timeout.
  OCR_CONCURRENCY: z.coerce.number().int().min(1).max(8).default(1),
  OCR_TIMEOUT_SECONDS: z.coerce.number().positive().max(600).default(30),
  // Encrypted backups (docs/operations/backup-and-restore.md): when the scheduled backup runs
  // (cron, store time zone; unset = no scheduled backups), a second directory each backup is
  // copied to and verified in, and how many daily/weekly/monthly backups retention keeps.
  BACKUP_SCHEDULE: z.string().optional().refine((v) => v === undefined || cronProblem(v) === undefined, 'must be a cron expression like "30 2 * * *" (minute hour day-of-month month day-of-week)'),
  BACKUP_COPY_DIR: z.string().min(1).optional(),
  BACKUP_KEEP_DAILY: z.coerce.number().int().min(0).max(366).default(7),
  BACKUP_KEEP_WEEKLY: z.coerce.number().int().min(0).max(520).default(4),
  BACKUP_KEEP_MONTHLY: z.coerce.number().int().min(0).max(1200).default(12),
  // Retention as code (docs/privacy/retention-policy.md): customers without activity for N years
  // are anonymised (5: the general prescription of claims, CCyC art. 2560); uploaded invoice files
  // are fiscal documents kept at least 10 years (CCyC art. 328); audit events are kept (and only
  // reported) for N years; the job runs every N hours on one instance (0 = only by hand).
  RETENTION_CUSTOMERS_INACTIVE_YEARS: z.coerce.number().int().min(1).max(30).default(5),
  RETENTION_INVOICE_FILES_YEARS: z.coerce.number().int().min(10, 'must be at least 10 (fiscal documents, Código Civil y Comercial art. 328)').max(50).default(10),
  RETENTION_AUDIT_EVENTS_YEARS: z.coerce.number().int().min(10, 'must be at least 10 (the audit trail backs fiscal records)').max(50).default(10),
  RETENTION_INTERVAL_HOURS: z.coerce.number().int().min(0).max(720).default(24),
  // Who is responsible for the data (Ley 25.326 art. 2, GDPR art. 4.7): fills the privacy policy
  // and the breach export. Unset values appear as placeholders to complete by hand.
  PRIVACY_CONTROLLER_NAME: z.string().trim().min(1).max(200).optional(),
  PRIVACY_CONTROLLER_CUIT: z.string().regex(/^\d{2}-?\d{8}-?\d$/, 'must be a CUIT like 30-71234567-1').optional(),
  PRIVACY_CONTROLLER_ADDRESS: z.string().trim().min(1).max(300).optional(),
  PRIVACY_CONTACT_EMAIL: z.string().regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, 'must be an email address').optional(),
});

type Env = z.infer<typeof envSchema>;

const SECRET_VARIABLES = new Set([
  'DATABASE_URL',
  'INVENTARIO_BOOTSTRAP_API_KEY',
  'INVENTARIO_MASTER_KEY',
  'REDIS_URL',
  'METRICS_TOKEN',
  'ALERT_WEBHOOK_SECRET',
  'INVENTARIO_API_KEY',
  // Webhook URLs often carry a token in the path or query.
  'ALERT_WEBHOOK_URL',
  'AUDIT_CHECKPOINT_WEBHOOK_URL',
]);

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  dbPoolSize: number;
  bootstrapApiKey: string | undefined;
  masterKey: string | undefined;
  masterKeyFile: string | undefined;
  redisUrl: string | undefined;
  tls: { certFile: string; keyFile: string } | undefined;
  timezone: string;
  logLevel: Env['LOG_LEVEL'];
  metricsToken: string | undefined;
  /** Passed to Fastify's trustProxy: false, true, a hop count or a list of addresses/CIDRs. */
  trustProxy: boolean | number | string[];
  rateLimitPerMinute: number;
  rateLimitAnonPerMinute: number;
  bodyLimitBytes: number;
  idempotencyTtlHours: number;
  shutdownTimeoutSeconds: number;
  /** The built dashboard's directory; undefined means this checkout's web/dist. */
  dashboardDir: string | undefined;
  /** Benchmarks only (INVENTARIO_BENCH_DISABLE_AUDIT): no audit events are written. */
  benchDisableAudit: boolean;
  sessions: { idleTimeoutSeconds: number; absoluteTimeoutSeconds: number };
  passwordMinLength: number;
  /**
   * Failed logins (and failed API keys, per address) within windowSeconds lock the account or
   * the address for lockSeconds, doubling with each further lock up to maxLockSeconds.
   */
  loginLockout: { maxFailures: number; ipMaxFailures: number; windowSeconds: number; lockSeconds: number; maxLockSeconds: number };
  audit: {
    checkpointWebhookUrl: string | undefined;
    /** At most one checkpoint per interval while the chain grows. */
    checkpointIntervalSeconds: number;
    alertWebhookUrl: string | undefined;
    /** HMAC key for alert webhooks; without it one is derived from the master key. */
    alertWebhookSecret: string | undefined;
    storeHours: { open: string; close: string; days: number[] };
  };
  /** CLI only: API key for commands that ask a running server (`--url`). */
  cliApiKey: string | undefined;
  /** The scheduled reprice: ISO weekdays (1 = Monday) and store-local time; undefined = off. */
  pricing: { autoReprice: { days: number[]; at: string } | undefined };
  /**
   * Demand forecasting: worker threads (0 = inline), days of history, how often the scheduler
   * refreshes stale forecasts, the reorder service level and review period (days).
   */
  forecast: { workers: number; historyDays: number; refreshSeconds: number; serviceLevel: number; reviewDays: number };
  /** OCR of invoice photos: engines (worker threads) at once, and the per-page time limit. */
  ocr: { concurrency: number; timeoutSeconds: number };
  /** Backups: cron schedule (store time zone), verified copy directory, retention counts. */
  backup: { schedule: string | undefined; copyDir: string | undefined; retention: { daily: number; weekly: number; monthly: number } };
  /** Retention as code and the data controller's identity (src/modules/privacy). */
  privacy: {
    retention: { customersInactiveYears: number; invoiceFilesYears: number; auditEventsYears: number; intervalHours: number };
    controller: { name: string | undefined; cuit: string | undefined; address: string | undefined; email: string | undefined };
  };
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

function parseTrustProxy(raw: string): boolean | number | string[] {
  const value = raw.trim();
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0' || value === '') return false;
  if (/^\d+$/.test(value)) return Number(value);
  return value.split(',').map((s) => s.trim()).filter(Boolean);
}

/** Parses the environment once; throws ConfigError with one line naming the bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Treat empty strings as unset so `FOO= npm start` behaves like not setting FOO.
  const cleaned = Object.fromEntries(
    Object.keys(envSchema.shape).map((k) => [k, env[k] === '' ? undefined : env[k]]),
  );
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0] ?? 'environment');
    // Secrets (and URLs that may embed a password) are never echoed, even when rejected.
    const shown = SECRET_VARIABLES.has(name) ? '' : ` (got ${JSON.stringify(cleaned[name])})`;
    throw new ConfigError(`Invalid ${name}: ${issue.message}${shown}`);
  }
  const e = parsed.data;
  if (Boolean(e.TLS_CERT_FILE) !== Boolean(e.TLS_KEY_FILE)) {
    const missing = e.TLS_CERT_FILE ? 'TLS_KEY_FILE' : 'TLS_CERT_FILE';
    throw new ConfigError(`Invalid ${missing}: TLS_CERT_FILE and TLS_KEY_FILE must be set together`);
  }
  if (e.INVENTARIO_MASTER_KEY && e.INVENTARIO_MASTER_KEY_FILE) {
    throw new ConfigError(
      'Invalid INVENTARIO_MASTER_KEY_FILE: set either INVENTARIO_MASTER_KEY or INVENTARIO_MASTER_KEY_FILE, not both',
    );
  }
  if (e.INVENTARIO_MASTER_KEY && Buffer.from(e.INVENTARIO_MASTER_KEY, 'base64').length !== 32) {
    throw new ConfigError('Invalid INVENTARIO_MASTER_KEY: must be 32 bytes encoded in base64');
  }
  if (e.SESSION_ABSOLUTE_TIMEOUT_SECONDS < e.SESSION_IDLE_TIMEOUT_SECONDS) {
    throw new ConfigError('Invalid SESSION_ABSOLUTE_TIMEOUT_SECONDS: must not be shorter than SESSION_IDLE_TIMEOUT_SECONDS');
  }
  if (e.LOGIN_LOCK_MAX_SECONDS < e.LOGIN_LOCK_SECONDS) {
    throw new ConfigError('Invalid LOGIN_LOCK_MAX_SECONDS: must not be shorter than LOGIN_LOCK_SECONDS');
  }
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: path.resolve(e.INVENTARIO_DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    dbPoolSize: e.DB_POOL_SIZE,
    bootstrapApiKey: e.INVENTARIO_BOOTSTRAP_API_KEY,
    masterKey: e.INVENTARIO_MASTER_KEY,
    masterKeyFile: e.INVENTARIO_MASTER_KEY_FILE,
    redisUrl: e.REDIS_URL,
    tls: e.TLS_CERT_FILE && e.TLS_KEY_FILE ? { certFile: e.TLS_CERT_FILE, keyFile: e.TLS_KEY_FILE } : undefined,
    timezone: e.INVENTARIO_TIMEZONE,
    logLevel: e.LOG_LEVEL,
    metricsToken: e.METRICS_TOKEN,
    trustProxy: parseTrustProxy(e.TRUST_PROXY),
    rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
    rateLimitAnonPerMinute: e.RATE_LIMIT_ANON_PER_MINUTE,
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    idempotencyTtlHours: e.IDEMPOTENCY_TTL_HOURS,
    shutdownTimeoutSeconds: e.SHUTDOWN_TIMEOUT_SECONDS,
    dashboardDir: e.INVENTARIO_DASHBOARD_DIR ? path.resolve(e.INVENTARIO_DASHBOARD_DIR) : undefined,
    benchDisableAudit: e.INVENTARIO_BENCH_DISABLE_AUDIT === 'true',
    sessions: { idleTimeoutSeconds: e.SESSION_IDLE_TIMEOUT_SECONDS, absoluteTimeoutSeconds: e.SESSION_ABSOLUTE_TIMEOUT_SECONDS },
    passwordMinLength: e.PASSWORD_MIN_LENGTH,
    loginLockout: {
      maxFailures: e.LOGIN_MAX_FAILURES,
      ipMaxFailures: e.LOGIN_IP_MAX_FAILURES,
      windowSeconds: e.LOGIN_FAILURE_WINDOW_SECONDS,
      lockSeconds: e.LOGIN_LOCK_SECONDS,
      maxLockSeconds: e.LOGIN_LOCK_MAX_SECONDS,
    },
    audit: {
      checkpointWebhookUrl: e.AUDIT_CHECKPOINT_WEBHOOK_URL,
      checkpointIntervalSeconds: e.AUDIT_CHECKPOINT_INTERVAL_SECONDS,
      alertWebhookUrl: e.ALERT_WEBHOOK_URL,
      alertWebhookSecret: e.ALERT_WEBHOOK_SECRET,
      storeHours: { open: e.INVENTARIO_STORE_HOURS.slice(0, 5), close: e.INVENTARIO_STORE_HOURS.slice(6), days: parseWeekdays(e.INVENTARIO_STORE_DAYS)! },
    },
    cliApiKey: e.INVENTARIO_API_KEY,
    pricing: {
      autoReprice: e.PRICING_AUTO_REPRICE_DAYS ? { days: parseWeekdays(e.PRICING_AUTO_REPRICE_DAYS)!, at: e.PRICING_AUTO_REPRICE_AT } : undefined,
    },
    forecast: {
      workers: e.FORECAST_WORKERS,
      historyDays: e.FORECAST_HISTORY_DAYS,
      refreshSeconds: e.FORECAST_REFRESH_SECONDS,
      serviceLevel: e.FORECAST_SERVICE_LEVEL,
      reviewDays: e.FORECAST_REVIEW_DAYS,
    },
    ocr: {
      concurrency: e.OCR_CONCURRENCY,
      timeoutSeconds: e.OCR_TIMEOUT_SECONDS,
    },
    backup: {
      schedule: e.BACKUP_SCHEDULE,
      copyDir: e.BACKUP_COPY_DIR ? path.resolve(e.BACKUP_COPY_DIR) : undefined,
      retention: { daily: e.BACKUP_KEEP_DAILY, weekly: e.BACKUP_KEEP_WEEKLY, monthly: e.BACKUP_KEEP_MONTHLY },
    },
    privacy: {
      retention: {
        customersInactiveYears: e.RETENTION_CUSTOMERS_INACTIVE_YEARS,
        invoiceFilesYears: e.RETENTION_INVOICE_FILES_YEARS,
        auditEventsYears: e.RETENTION_AUDIT_EVENTS_YEARS,
        intervalHours: e.RETENTION_INTERVAL_HOURS,
      },
      controller: {
        name: e.PRIVACY_CONTROLLER_NAME,
        cuit: e.PRIVACY_CONTROLLER_CUIT,
        address: e.PRIVACY_CONTROLLER_ADDRESS,
        email: e.PRIVACY_CONTACT_EMAIL,
      },
    },
  };
}

/** A config for tests and tools: defaults plus overrides, never reading process.env. */
export function configFrom(overrides: Record<string, string | undefined> = {}): Config {
  return loadConfig(overrides as NodeJS.ProcessEnv);
}
