// Applies the retention policy: counts what is past its period per class and, unless it is a dry
// run, removes or anonymises it through the service that owns the data. Every run is stored (the
// report GET /privacy/retention shows) and audited; every applied class is its own audit event.
// One run at a time: an in-process flag, plus the scheduler's advisory lock across instances.
import fs from 'node:fs/promises';
import path from 'node:path';
import { uuidv7 } from 'uuidv7';
import type { Config } from '../../config.ts';
import type { Database } from '../../platform/db/types.ts';
import type { Logger } from '../../platform/observability/logger.ts';
import type { AuditContext, AuditWriter } from '../../platform/audit/writer.ts';
import { runWithSessionLock } from '../../platform/jobs/scheduler.ts';
import { AppError } from '../../platform/http/errors.ts';
import { PrivacyErrors } from './errors.ts';
import { retentionApplied, retentionLastApplied } from './metrics.ts';
import { createRetentionRepo, type RetentionRunRow } from './retention-repo.ts';
import type { BackupRetentionSource } from './backup-retention.ts';
import { cutoffOf, retentionPolicy, type RetentionAction, type RetentionClass, type RetentionPolicy } from './retention-policy.ts';

export const RETENTION_JOB = 'privacy.retention';
/** Customers anonymised per run at most: a first run on an old store must not hold the database for long. */
const CUSTOMER_BATCH = 500;

export type RetentionTrigger = 'api' | 'cli' | 'scheduled';

export interface ClassReport {
  class: RetentionClass;
  action: RetentionAction;
  cutoff: string | null;
  due: number;
  applied: number;
  retained: number;
  /** Items that could not be removed this time (an error, logged); the next run tries again. */
  failed: number;
  note: string | null;
}

export interface RetentionReport {
  id: string;
  trigger: RetentionTrigger;
  dry_run: boolean;
  actor: string;
  started_at: string;
  finished_at: string;
  classes: ClassReport[];
}

/** What an erasure of one customer did; `retained` when a legal hold kept some fields. */
export interface CustomerErasureOutcome {
  retained: boolean;
}

export interface RetentionDeps {
  database: Database;
  config: Config;
  audit: AuditWriter;
  purgeSessions: () => Promise<number>;
  purgeIdempotency: () => Promise<number>;
  /** The customers module's erasure (crypto-shredding), called for each inactive customer. */
  eraseCustomer?: (id: string, ctx: AuditContext) => Promise<CustomerErasureOutcome>;
  /** The backup module's rotation, applied as the backups class. */
  backups?: BackupRetentionSource;
  clock?: () => Date;
  logger?: Pick<Logger, 'warn'>;
}

export function toReport(row: RetentionRunRow): RetentionReport {
  return {
    id: row.id,
    trigger: row.trigger as RetentionTrigger,
    dry_run: row.dryRun,
    actor: row.actor,
    started_at: row.startedAt.toISOString(),
    finished_at: row.finishedAt.toISOString(),
    classes: row.classes as ClassReport[],
  };
}

export function createRetentionService(deps: RetentionDeps) {
  const { database, config, audit } = deps;
  const clock = deps.clock ?? (() => new Date());
  const invoiceFile = (sha: string) => path.join(config.dataDir, 'invoices', sha.slice(0, 2), sha);
  let running = false;

  const policy = (): RetentionPolicy => retentionPolicy(config, deps.backups?.rotation);

  async function existingFiles(shas: string[]): Promise<string[]> {
    const present: string[] = [];
    for (const sha of shas) {
      if (!/^[0-9a-f]{64}$/.test(sha)) continue;
      if (await fs.stat(invoiceFile(sha)).then((s) => s.isFile(), () => false)) present.push(sha);
    }
    return present;
  }

  async function sweep(dryRun: boolean, ctx: AuditContext, now: Date): Promise<ClassReport[]> {
    const repo = createRetentionRepo(database.db);
    const reports: ClassReport[] = [];
    for (const c of policy().classes) {
      const cutoff = c.period ? cutoffOf(c.period, now) : null;
      const base = { class: c.class, action: c.action, cutoff: cutoff?.toISOString() ?? null, due: 0, applied: 0, retained: 0, failed: 0, note: null as string | null };
      switch (c.class) {
        case 'customers_inactive': {
          const inactive = await repo.inactiveCustomers(cutoff!, CUSTOMER_BATCH);
          // Plus partial erasures whose legal retention has ended since (fiscal 10 years, dated holds).
          const expired = await repo.expiredRetentions(now.toISOString().slice(0, 10), CUSTOMER_BATCH);
          const ids = [...inactive, ...expired];
          base.due = ids.length;
          if (inactive.length === CUSTOMER_BATCH || expired.length === CUSTOMER_BATCH) base.note = `Se procesan como máximo ${CUSTOMER_BATCH} clientes por ejecución; el resto, en la próxima.`;
          if (!dryRun && ids.length > 0) {
            if (!deps.eraseCustomer) {
              base.retained = ids.length;
              base.note = 'La supresión de clientes no está disponible en esta instalación: no se anonimizó a nadie.';
            } else {
              for (const id of ids) {
                try {
                  const outcome = await deps.eraseCustomer(id, ctx);
                  base.applied += 1;
                  if (outcome.retained) base.retained += 1;
                } catch (err) {
                  // One unreadable or concurrently erased record must not stop the others.
                  base.failed += 1;
                  deps.logger?.warn({ err, customer_id: id }, 'retention: customer could not be anonymised');
                }
              }
              if (base.retained > 0) base.note = 'Algunos clientes conservan campos por una retención legal (deuda, fiscal o litigio).';
              if (base.failed > 0) base.note = `${base.failed} cliente(s) no se pudieron anonimizar; se reintentará en la próxima ejecución.`;
            }
          }
          break;
        }
        case 'sessions':
          base.due = await repo.expiredSessions(config.sessions.idleTimeoutSeconds);
          if (!dryRun) base.applied = await deps.purgeSessions();
          break;
        case 'idempotency_records':
          base.due = await repo.expiredIdempotencyRecords();
          if (!dryRun) base.applied = await deps.purgeIdempotency();
          break;
        case 'audit_events':
          base.due = await repo.auditEventsBefore(cutoff!);
          base.retained = base.due;
          if (base.due > 0) base.note = 'La cadena de auditoría no admite borrados: archivar a mano según docs/privacy/retention-policy.md.';
          break;
        case 'invoice_files': {
          const files = await existingFiles(await repo.invoiceFilesBefore(cutoff!));
          base.due = files.length;
          if (!dryRun) {
            for (const sha of files) {
              try {
                await fs.rm(invoiceFile(sha), { force: true });
                base.applied += 1;
              } catch (err) {
                base.failed += 1;
                deps.logger?.warn({ err, file_sha256: sha }, 'retention: invoice file could not be deleted');
              }
            }
          }
          break;
        }
        case 'backups':
          if (!deps.backups) {
            base.note = 'Lo aplica la rotación de copias de seguridad al crear cada copia.';
            break;
          }
          base.due = await deps.backups.due(now);
          if (!dryRun && base.due > 0) base.applied = await deps.backups.apply(now);
          break;
      }
      if (!dryRun && base.applied > 0) {
        await audit.record(database.db, ctx, {
          action: 'privacy.retention.apply',
          resource: `retention_class:${c.class}`,
          outcome: 'success',
          details: { class: c.class, action: c.action, applied: base.applied, retained: base.retained, failed: base.failed, cutoff: base.cutoff },
        });
      }
      reports.push(base);
    }
    return reports;
  }

  async function execute(dryRun: boolean, trigger: RetentionTrigger, ctx: AuditContext): Promise<RetentionReport> {
    const startedAt = clock();
    const classes = await sweep(dryRun, ctx, startedAt);
    const row = await database.transaction(async (tx) => {
      const created = await createRetentionRepo(tx).insertRun({ id: uuidv7(), trigger, dryRun, actor: ctx.actor, startedAt, finishedAt: new Date(), classes });
      await audit.record(tx, ctx, {
        action: 'privacy.retention.run',
        resource: `retention_run:${created.id}`,
        outcome: 'success',
        details: { dry_run: dryRun, trigger, due: Object.fromEntries(classes.map((c) => [c.class, c.due])), applied: Object.fromEntries(classes.map((c) => [c.class, c.applied])) },
      });
      return created;
    });
    if (!dryRun) {
      for (const c of classes) if (c.applied > 0) retentionApplied.inc({ class: c.class }, c.applied);
      retentionLastApplied.set(row.finishedAt.getTime() / 1000);
    }
    return toReport(row);
  }

  const service = {
    policy,

    /** Runs the sweep once; `409 privacy.retention_running` while another run holds the lock. */
    async run(options: { dryRun: boolean; trigger: RetentionTrigger }, ctx: AuditContext): Promise<RetentionReport> {
      if (running) throw PrivacyErrors.retentionRunning();
      running = true;
      try {
        // A session-level lock: anonymising a batch of customers can outlast the 60 s
        // idle_in_transaction_session_timeout a transaction-level lock would be held under.
        const report = await runWithSessionLock(database, RETENTION_JOB, () => execute(options.dryRun, options.trigger, ctx));
        if (!report) throw PrivacyErrors.retentionRunning();
        return report;
      } finally {
        running = false;
      }
    },

    /**
     * The scheduled round: applies the policy when no applied run (of any trigger) happened in the
     * last interval, so restarts and several instances neither skip nor repeat a day's sweep.
     */
    async runIfDue(ctx: AuditContext): Promise<RetentionReport | undefined> {
      const hours = config.privacy.retention.intervalHours;
      if (hours === 0) return undefined;
      const last = await createRetentionRepo(database.db).lastRun(true);
      if (last && clock().getTime() - last.startedAt.getTime() < hours * 3_600_000) return undefined;
      try {
        return await service.run({ dryRun: false, trigger: 'scheduled' }, ctx);
      } catch (err) {
        // An operator's run is in progress: it does the same work.
        if (err instanceof AppError && err.code === 'privacy.retention_running') return undefined;
        throw err;
      }
    },

    async status(): Promise<{ policy: RetentionPolicy; last_run: RetentionReport | null; last_applied_run: RetentionReport | null }> {
      const repo = createRetentionRepo(database.db);
      const [last, lastApplied] = [await repo.lastRun(false), await repo.lastRun(true)];
      return { policy: policy(), last_run: last ? toReport(last) : null, last_applied_run: lastApplied ? toReport(lastApplied) : null };
    },
  };
  return service;
}

export type RetentionService = ReturnType<typeof createRetentionService>;
