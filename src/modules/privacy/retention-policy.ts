// Retention as code: the one typed policy, built from the configuration. The retention job
// (retention-service.ts), GET /privacy/retention, docs/privacy/retention-policy.md and the
// privacy policy all read this, so what the documents promise is what the job does.
import type { Config } from '../../config.ts';
import type { RetentionRule } from './personal-data.ts';

export const RETENTION_CLASSES = ['customers_inactive', 'sessions', 'idempotency_records', 'audit_events', 'invoice_files', 'backups'] as const;
export type RetentionClass = (typeof RETENTION_CLASSES)[number];
export type RetentionAction = 'anonymise' | 'delete' | 'report_only' | 'backup_rotation';

export interface RetentionPeriod {
  years?: number;
  hours?: number;
  seconds?: number;
}

export interface RetentionClassPolicy {
  class: RetentionClass;
  /** Spanish, for people. */
  label: string;
  period: RetentionPeriod | null;
  action: RetentionAction;
  /** Why this period (Spanish): the law or the reason behind it. */
  basis: string;
  /** The variables that set it. */
  config: string[];
}

export interface RetentionPolicy {
  intervalHours: number;
  classes: RetentionClassPolicy[];
}

/** Optional: the backup module's rotation, when it exists (keep N daily, weekly, monthly backups). */
export interface BackupRotation {
  daily: number;
  weekly: number;
  monthly: number;
}

export function retentionPolicy(config: Config, backups?: BackupRotation): RetentionPolicy {
  const r = config.privacy.retention;
  return {
    intervalHours: r.intervalHours,
    classes: [
      {
        class: 'customers_inactive',
        label: `Clientes sin actividad (altas, cambios, consentimientos, movimientos) durante ${r.customersInactiveYears} años: se anonimizan`,
        period: { years: r.customersInactiveYears },
        action: 'anonymise',
        basis:
          'Ley 25.326 art. 4.7: los datos se destruyen cuando dejan de ser necesarios. El plazo por defecto (5 años) es el de prescripción general de las acciones (CCyC art. 2560). Se conservan con seudónimo los registros fiscales que los mencionan.',
        config: ['RETENTION_CUSTOMERS_INACTIVE_YEARS'],
      },
      {
        class: 'sessions',
        label: `Sesiones del panel vencidas (inactividad de ${config.sessions.idleTimeoutSeconds} s o ${config.sessions.absoluteTimeoutSeconds} s desde el ingreso) y contadores de intentos fallidos viejos: se borran`,
        period: { seconds: config.sessions.idleTimeoutSeconds },
        action: 'delete',
        basis: 'Solo sirven mientras la sesión puede usarse (minimización, Ley 25.326 art. 4; GDPR art. 5.1.e).',
        config: ['SESSION_IDLE_TIMEOUT_SECONDS', 'SESSION_ABSOLUTE_TIMEOUT_SECONDS'],
      },
      {
        class: 'idempotency_records',
        label: `Respuestas guardadas para reintentos (Idempotency-Key), ${config.idempotencyTtlHours} h: se borran`,
        period: { hours: config.idempotencyTtlHours },
        action: 'delete',
        basis: 'Solo sirven para reconocer un reintento del mismo cliente; pasado el plazo no tienen uso.',
        config: ['IDEMPOTENCY_TTL_HOURS'],
      },
      {
        class: 'audit_events',
        label: `Eventos de auditoría de más de ${r.auditEventsYears} años: se informan, no se borran`,
        period: { years: r.auditEventsYears },
        action: 'report_only',
        basis:
          'Respaldan registros fiscales (10 años, CCyC art. 328). La cadena de hashes con puntos de control firmados no admite quitar eventos sin romper la verificación: pasado el plazo se archivan a mano (docs/privacy/retention-policy.md).',
        config: ['RETENTION_AUDIT_EVENTS_YEARS'],
      },
      {
        class: 'invoice_files',
        label: `Archivos de facturas de compra de más de ${r.invoiceFilesYears} años (por fecha de emisión): se borran; el registro contable queda`,
        period: { years: r.invoiceFilesYears },
        action: 'delete',
        basis: 'Documentación respaldatoria: 10 años (CCyC art. 328; Ley 11.683 y RG AFIP sobre conservación de comprobantes).',
        config: ['RETENTION_INVOICE_FILES_YEARS'],
      },
      {
        class: 'backups',
        label: backups
          ? `Copias de seguridad cifradas: se conservan ${backups.daily} diarias, ${backups.weekly} semanales y ${backups.monthly} mensuales; las demás se borran`
          : 'Copias de seguridad cifradas: las administra la rotación de copias de seguridad',
        period: null,
        action: 'backup_rotation',
        basis:
          'Las copias contienen los datos personales cifrados; un cliente borrado por destrucción de su clave no puede leerse tampoco en copias anteriores.',
        config: backups ? ['BACKUP_KEEP_DAILY', 'BACKUP_KEEP_WEEKLY', 'BACKUP_KEEP_MONTHLY'] : [],
      },
    ],
  };
}

/** How long a declared field lives, in Spanish, for the records of processing and the policy. */
export function retentionRuleText(rule: RetentionRule, config: Config): string {
  const r = config.privacy.retention;
  switch (rule) {
    case 'customers_inactive':
      return `Mientras haya actividad; se anonimiza tras ${r.customersInactiveYears} años sin actividad o ante un pedido de supresión`;
    case 'sessions':
      return 'Hasta que vence la sesión o el bloqueo (minutos u horas)';
    case 'idempotency_records':
      return `${config.idempotencyTtlHours} horas`;
    case 'audit_events':
      return `${r.auditEventsYears} años (se archivan a mano; la cadena de auditoría no admite borrados parciales)`;
    case 'invoice_files':
      return `${r.invoiceFilesYears} años desde la emisión del comprobante`;
    case 'fiscal_records':
      return '10 años (registros contables y su respaldo, CCyC art. 328); seudonimizados si el titular pide la supresión';
    case 'account_lifetime':
      return 'Mientras exista la cuenta o la clave; luego, como registro de auditoría';
    case 'supplier_relationship':
      return 'Mientras dure la relación comercial y 10 años más por los comprobantes asociados';
    case 'accountability_records':
      return 'Permanente: prueba de cumplimiento (responsabilidad proactiva, GDPR art. 5.2)';
  }
}

/** The cutoff instant: now minus a period, in calendar years where years are given. */
export function cutoffOf(period: RetentionPeriod, now: Date): Date {
  const d = new Date(now);
  if (period.years) d.setUTCFullYear(d.getUTCFullYear() - period.years);
  if (period.hours) d.setTime(d.getTime() - period.hours * 3_600_000);
  if (period.seconds) d.setTime(d.getTime() - period.seconds * 1000);
  return d;
}
