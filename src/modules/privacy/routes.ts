import type { App } from '../../platform/http/types.ts';
import { idParam, page } from '../../platform/http/schemas.ts';
import { auditContextOf } from '../../platform/audit/writer.ts';
import type { BreachesService } from './breaches-service.ts';
import type { RetentionService } from './retention-service.ts';
import { recordsOfProcessing } from './records.ts';
import type { Config } from '../../config.ts';
import {
  breachCreateBody,
  breachDto,
  breachExportDto,
  breachListQuery,
  breachPatchBody,
  recordsDto,
  retentionReportDto,
  retentionRunBody,
  retentionStatusDto,
} from './schemas.ts';

export interface PrivacyRouteDeps {
  privacy: { retention: RetentionService; breaches: BreachesService; config: Config };
}

export function privacyRoutes(app: App, { privacy }: PrivacyRouteDeps): void {
  const tags = ['privacy'];
  const { retention, breaches } = privacy;

  app.get(
    '/privacy/retention',
    {
      config: { access: 'customers:privacy', operation: 'privacy.retention.get' },
      schema: {
        tags,
        description: 'Política de retención vigente por clase de datos (desde la configuración) y el informe de la última ejecución.',
        response: { 200: retentionStatusDto },
      },
    },
    async () => {
      const status = await retention.status();
      return { ...status, policy: { interval_hours: status.policy.intervalHours, classes: status.policy.classes } };
    },
  );

  app.post(
    '/privacy/retention/run',
    {
      config: { access: 'customers:privacy', operation: 'privacy.retention.run' },
      schema: {
        tags,
        description:
          'Aplica la política de retención ahora. Con `dry_run` (por defecto true) solo informa qué se borraría o anonimizaría; con `dry_run: false` lo hace. Cada ejecución y cada clase aplicada quedan auditadas.',
        body: retentionRunBody,
        response: { 200: retentionReportDto },
      },
    },
    async (request) => retention.run({ dryRun: request.body.dry_run, trigger: 'api' }, auditContextOf(request)),
  );

  app.post(
    '/privacy/breaches',
    {
      config: { access: 'customers:privacy', operation: 'privacy.breach.create' },
      schema: {
        tags,
        description: 'Registra un incidente de seguridad (sospechado o confirmado) con sus datos afectados; empieza a correr el plazo de 72 h para notificar.',
        body: breachCreateBody,
        response: { 201: breachDto },
      },
    },
    async (request, reply) => {
      const breach = await breaches.create(request.body, auditContextOf(request));
      return reply.code(201).send(breach);
    },
  );

  app.get(
    '/privacy/breaches',
    {
      config: { access: 'customers:privacy', operation: 'privacy.breach.list' },
      schema: {
        tags,
        description: 'Registro de incidentes, del detectado más recientemente al más antiguo. Filtro `status` (open, notified, closed).',
        querystring: breachListQuery,
        response: { 200: page(breachDto) },
      },
    },
    async (request) => breaches.list(request.query),
  );

  app.get(
    '/privacy/breaches/:id',
    {
      config: { access: 'customers:privacy', operation: 'privacy.breach.get' },
      schema: { tags, description: 'Un incidente, con el plazo de notificación calculado.', params: idParam, response: { 200: breachDto } },
    },
    async (request) => breaches.get(request.params.id),
  );

  app.patch(
    '/privacy/breaches/:id',
    {
      config: { access: 'customers:privacy', operation: 'privacy.breach.update' },
      schema: {
        tags,
        description:
          'Actualiza un incidente. `status`: open → notified | closed, notified → closed (al notificar, `notified_at` es ahora si no se indica). Un incidente cerrado no cambia más.',
        params: idParam,
        body: breachPatchBody,
        response: { 200: breachDto },
      },
    },
    async (request) => breaches.update(request.params.id, request.body, auditContextOf(request)),
  );

  app.get(
    '/privacy/breaches/:id/export',
    {
      config: { access: 'customers:privacy', operation: 'privacy.breach.export' },
      schema: {
        tags,
        description: 'La notificación para la autoridad (AAIP; GDPR art. 33.3) en JSON: responsable, naturaleza, datos y personas afectadas, consecuencias, medidas, alertas vinculadas.',
        params: idParam,
        response: { 200: breachExportDto },
      },
    },
    async (request) => breaches.export(request.params.id, auditContextOf(request)),
  );

  app.get(
    '/privacy/records-of-processing',
    {
      config: { access: 'customers:privacy', operation: 'privacy.records.get' },
      schema: {
        tags,
        description: 'El registro de actividades de tratamiento (GDPR art. 30): cada columna con datos personales, su finalidad, base legal, plazo y destinatarios.',
        response: { 200: recordsDto },
      },
    },
    async () => recordsOfProcessing(privacy.config),
  );
}
