// buildApp(deps): the Fastify instance with every module's routes. No side effects at import;
// the caller owns the database and closes it.
import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import cookie from '@fastify/cookie';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Config } from './config.ts';
import type { Database } from './platform/db/types.ts';
import { createLogger, type Logger } from './platform/observability/logger.ts';
import { registerProblemHandlers } from './platform/http/problem.ts';
import { registerDashboard, type DashboardHandle } from './platform/http/dashboard.ts';
import { registerInputGuards } from './platform/http/input-guards.ts';
import { registerSecurity } from './platform/http/security.ts';
import { registerAuthHook } from './platform/http/auth-hook.ts';
import { registerAuditHooks } from './platform/audit/http-hooks.ts';
import { requestIdFrom } from './platform/http/request-id.ts';
import { registerOpenApi } from './platform/http/openapi.ts';
import type { App } from './platform/http/types.ts';
import { createServices, type Services } from './services.ts';
import { systemRoutes } from './modules/ops/system-routes.ts';
import { metricsRoutes } from './modules/ops/metrics-routes.ts';
import { createMetricsSampler } from './modules/ops/metrics-sampler.ts';
import { registerMetricsHooks } from './platform/http/metrics-hooks.ts';
import { identityRoutes } from './modules/identity/routes.ts';
import { usersRoutes } from './modules/identity/users-routes.ts';
import { sessionsRoutes } from './modules/identity/sessions-routes.ts';
import { catalogRoutes } from './modules/catalog/routes.ts';
import { stockRoutes } from './modules/stock/routes.ts';
import { customerRoutes } from './modules/customers/routes.ts';
import { auditRoutes } from './modules/audit/routes.ts';
import { reportsRoutes } from './modules/reports/routes.ts';
import { invoicesRoutes } from './modules/invoices/routes.ts';
import { forecastRoutes } from './modules/forecast/routes.ts';
import { pricingRoutes } from './modules/pricing/routes.ts';
import { opsBackupRoutes } from './modules/ops/backup-routes.ts';
import { privacyRoutes } from './modules/privacy/routes.ts';
import { configureValidationLocale } from './platform/http/validation-locale.ts';
import { trackInFlightHandlers, type InFlightHandlers } from './platform/http/in-flight.ts';

export interface AppDeps {
  config: Config;
  database: Database;
  logger?: Logger;
  /** TLS material when serving HTTPS directly. */
  https?: { key: Buffer; cert: Buffer };
  /** Already-built services (the CLI shares them); built from the database otherwise. */
  services?: Services;
}

export interface BuiltApp {
  app: FastifyInstance;
  services: Services;
  /** Handlers still running: a shutdown waits for them before closing the database. */
  inFlight: InFlightHandlers;
}

export async function buildApp(deps: AppDeps): Promise<BuiltApp> {
  const { config, database } = deps;
  configureValidationLocale();
  const logger = deps.logger ?? createLogger({ level: config.logLevel });
  const services = deps.services ?? createServices({ config, database, auditEnabled: !config.benchDisableAudit });
  // A wrong or missing master key stops the start here, before anything listens.
  await services.crypto.ready();
  // A database restored from a backup older than some erasures must not serve those people: the
  // erasure journal kept outside the database is replayed before anything listens.
  const replayed = await services.customers.replayJournalFile({ actor: 'system:start', ip: null, requestId: null });
  if (replayed.applied.length > 0) logger.warn({ customers: replayed.applied.length }, 'erasures replayed from the erasure journal');

  const serverOptions = {
    loggerInstance: logger,
    // One access line per request is written in onResponse below, with the operation and actor.
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'request_id' }),
    genReqId: requestIdFrom,
    // A hop count is valid for Fastify (proxy-addr) even though its types only list the others.
    trustProxy: config.trustProxy as boolean | string[],
    bodyLimit: config.bodyLimitBytes,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    ...(deps.https ? { https: deps.https } : {}),
  };
  // The HTTPS variant changes only the raw server type; routes are written against App.
  const app = (Fastify(serverOptions as FastifyServerOptions) as unknown as FastifyInstance).withTypeProvider<ZodTypeProvider>() as unknown as App;

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  // Before any route exists: it wraps every handler as routes are added.
  const inFlight = trackInFlightHandlers(app as unknown as FastifyInstance);
  // The dashboard's page fallback is known only once its files are registered (further down).
  let pageFallback: DashboardHandle['pageFallback'] = () => false;
  registerProblemHandlers(app, { pageFallback: (request, reply) => pageFallback(request, reply) });
  registerInputGuards(app);

  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
    reply.header('cache-control', reply.getHeader('cache-control') ?? 'no-store');
  });
  registerMetricsHooks(app as unknown as FastifyInstance);
  app.addHook('onResponse', async (request, reply) => {
    request.log.info(
      {
        op: request.routeOptions.config.operation,
        method: request.method,
        path: request.routeOptions.url ?? 'unmatched',
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 10) / 10,
        actor: request.identity?.actor,
      },
      'request',
    );
  });

  const redis = await registerSecurity(app, {
    tls: Boolean(deps.https),
    rateLimitPerMinute: config.rateLimitPerMinute,
    rateLimitAnonPerMinute: config.rateLimitAnonPerMinute,
    redisUrl: config.redisUrl,
  });
  if (redis) app.addHook('onClose', async () => void redis.disconnect());

  // Parses cookies in onRequest, before the auth hook reads the dashboard session cookie.
  await app.register(cookie);
  registerAuthHook(app, services.identity.authenticate);
  registerAuditHooks(app, { database, audit: services.audit });
  await registerOpenApi(app);

  await app.register(async (scope) => systemRoutes(scope as App, { database }));
  const sampler = createMetricsSampler({ database, catalog: services.catalog, critical: services.critical, crypto: services.crypto, logger });
  await app.register(async (scope) => metricsRoutes(scope as App, { sampler, metricsToken: config.metricsToken }));
  // After the security and auth hooks, so the dashboard's files get the same headers and CSP.
  const dashboard = await registerDashboard(app, config.dashboardDir);
  pageFallback = dashboard.pageFallback;
  await app.register(
    async (scope) => {
      const api = scope as App;
      identityRoutes(api, services);
      usersRoutes(api, services);
      sessionsRoutes(api, { sessions: services.sessions, timezone: config.timezone });
      catalogRoutes(api, services);
      stockRoutes(api, services);
      customerRoutes(api, services);
      auditRoutes(api, services);
      reportsRoutes(api, services);
      invoicesRoutes(api, services);
      forecastRoutes(api, services);
      pricingRoutes(api, services);
      opsBackupRoutes(api, { backups: services.backups, dataDir: config.dataDir });
      privacyRoutes(api, services);
    },
    { prefix: '/api/v1' },
  );
  return { app: app as unknown as FastifyInstance, services, inFlight };
}
