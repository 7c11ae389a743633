// `inventario retention run [--dry-run] [--json] [--url URL]`: applies the retention policy (or
// only reports it). Works on the database directly when the server is stopped (or on PostgreSQL),
// or asks a running server with --url and an admin key in INVENTARIO_API_KEY: the embedded
// database belongs to one process and is never opened behind the server's back.
import type { Command } from 'commander';
import type { Config } from '../config.ts';
import { DataDirLockedError } from '../platform/db/data-dir-lock.ts';
import { AppError } from '../platform/http/errors.ts';
import type { RetentionReport } from '../modules/privacy/retention-service.ts';
import { configOrExit } from './context.ts';
import { fail, printResult } from './output.ts';
import { callServer, serverBaseUrl } from './server-api.ts';

const CLI_CONTEXT = { actor: 'cli', ip: null, requestId: null };

const CLASS_ES: Record<string, string> = {
  customers_inactive: 'clientes inactivos',
  sessions: 'sesiones vencidas',
  idempotency_records: 'registros de idempotencia',
  audit_events: 'eventos de auditoría',
  invoice_files: 'archivos de facturas',
  backups: 'copias de seguridad',
};

function human(r: RetentionReport): string {
  const lines = [r.dry_run ? 'Retención (simulación: no se borró nada):' : 'Retención aplicada:'];
  for (const c of r.classes) {
    const parts = [`vencidos ${c.due}`];
    if (!r.dry_run) parts.push(`${c.action === 'anonymise' ? 'anonimizados' : 'borrados'} ${c.applied}`);
    if (c.retained > 0) parts.push(`conservados ${c.retained}`);
    lines.push(`  - ${CLASS_ES[c.class] ?? c.class}: ${parts.join(', ')}${c.note ? ` — ${c.note}` : ''}`);
  }
  lines.push(`Ejecución ${r.id} (${r.finished_at}).`);
  return lines.join('\n');
}

async function runLocal(config: Config, dryRun: boolean): Promise<RetentionReport> {
  // The engines and the service graph load only when the policy runs here (`--help` stays instant).
  const [{ openDatabase }, { runMigrations }, { createServices }] = await Promise.all([
    import('../platform/db/open.ts'),
    import('../platform/db/migrate.ts'),
    import('../services.ts'),
  ]);
  let database;
  try {
    database = await openDatabase(config, 'retention run');
  } catch (err) {
    if (err instanceof DataDirLockedError) {
      fail(
        `the server is running on ${config.dataDir} and holds its database: stop it first, or ask it with ` +
          `\`inventario retention run --url http://${config.host}:${config.port}\` and an admin key in INVENTARIO_API_KEY`,
      );
    }
    throw err;
  }
  try {
    await runMigrations(database);
    const services = createServices({ config, database });
    // Customer erasure opens data keys: load the master key before any transaction.
    await services.crypto.ready();
    return await services.privacy.retention.run({ dryRun, trigger: 'cli' }, CLI_CONTEXT);
  } finally {
    await database.close();
  }
}

async function runRemote(config: Config, url: string, dryRun: boolean): Promise<RetentionReport> {
  const base = serverBaseUrl(url);
  const body = { dry_run: dryRun };
  return (await callServer(config, base, '/api/v1/privacy/retention/run', { method: 'POST', body, keyRoles: 'an admin', timeoutMs: 30 * 60_000 })) as RetentionReport;
}

export function registerRetentionCommands(program: Command): void {
  const retention = program.command('retention').description('Apply the data retention policy (docs/privacy/retention-policy.md)');
  retention
    .command('run')
    .description('Remove or anonymise what is past its retention period, audited, and print the report (counts per data class)')
    .option('--dry-run', 'only report what would be removed')
    .option('--url <url>', 'ask this running server instead of opening the database (admin API key in INVENTARIO_API_KEY)')
    .option('--json', 'print the report as JSON')
    .action(async (opts: { dryRun?: boolean; url?: string; json?: boolean }) => {
      const config = configOrExit();
      const dryRun = Boolean(opts.dryRun);
      try {
        const report = opts.url ? await runRemote(config, opts.url, dryRun) : await runLocal(config, dryRun);
        printResult(opts, report as unknown as Record<string, unknown>, human(report));
      } catch (err) {
        if (err instanceof AppError) fail(err.detail);
        throw err;
      }
    });
}
