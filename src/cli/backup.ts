// `inventario backup create|verify|list` (docs/operations/backup-and-restore.md). create needs
// the database: with the embedded engine that means the server stopped, or asking the running
// server (--url, admin key in INVENTARIO_API_KEY). verify and list work on files alone.
import path from 'node:path';
import type { Command } from 'commander';
import type { Config } from '../config.ts';
import { DataDirLockedError } from '../platform/db/data-dir-lock.ts';
import { BackupError } from '../modules/ops/backup/format.ts';
import { backupKeysFromConfig } from '../modules/ops/backup/keys.ts';
import { scanBackup } from '../modules/ops/backup/reader.ts';
import { configOrExit } from './context.ts';
import { fail, printResult } from './output.ts';
import { progressFor } from './progress.ts';

const CLI_CONTEXT = { actor: 'cli', ip: null, requestId: null };

export function failOnBackupError(err: unknown): never {
  if (err instanceof BackupError) fail(err.message);
  throw err;
}

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

// The database engines and the backup writer load only when a command needs them, so `--help`,
// `verify` and argument errors do not wait for PGlite, pg and the whole schema to load.
const backupService = () => import('../modules/ops/backup/service.ts');
const backupsDirOf = async (dataDir: string) => (await import('../modules/ops/backup/writer.ts')).backupsDir(dataDir);

async function createViaServer(config: Config, url: string): Promise<Record<string, unknown>> {
  if (!/^https?:\/\/[^\s]+$/.test(url)) fail('--url must be an http:// or https:// URL, e.g. http://127.0.0.1:8080', 2);
  if (!config.cliApiKey) fail('--url needs an admin API key in INVENTARIO_API_KEY', 2);
  let res: Response;
  try {
    res = await fetch(`${url.replace(/\/+$/, '')}/api/v1/backups`, {
      method: 'POST',
      headers: { authorization: `Bearer ${config.cliApiKey}`, accept: 'application/json' },
      signal: AbortSignal.timeout(60 * 60_000),
    });
  } catch (err) {
    fail(`could not reach ${url}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const text = await res.text();
  if (res.status !== 201) {
    let detail = text.slice(0, 200);
    try {
      detail = (JSON.parse(text) as { detail?: string }).detail ?? detail;
    } catch {
      // not a problem document
    }
    fail(`${url} answered ${res.status}: ${detail}`);
  }
  const body = JSON.parse(text) as Record<string, unknown>;
  return { ...body, file: path.join(await backupsDirOf(config.dataDir), String(body.file)) };
}

export function registerBackupCommands(program: Command): void {
  const backup = program.command('backup').description('Encrypted logical backups: create, verify, list');

  backup
    .command('create')
    .description('Make a consistent, compressed, encrypted backup of the database and the invoice files')
    .option('--out <file>', 'write the backup here instead of $INVENTARIO_DATA_DIR/backups/')
    .option('--url <url>', 'ask this running server to make it (admin key in INVENTARIO_API_KEY)')
    .option('--json', 'machine-readable output')
    .action(async (opts: { out?: string; url?: string; json?: boolean }) => {
      const config = configOrExit();
      let summary: Record<string, unknown>;
      if (opts.url) {
        if (opts.out) fail('--out cannot be used with --url: the server writes into its own backups directory', 2);
        summary = await createViaServer(config, opts.url);
      } else {
        const [{ openDatabase }, { createAuditWriter }, { createBackupService }] = await Promise.all([
          import('../platform/db/open.ts'),
          import('../platform/audit/writer.ts'),
          backupService(),
        ]);
        let database;
        try {
          database = await openDatabase(config, 'backup create');
        } catch (err) {
          if (err instanceof DataDirLockedError) {
            fail(`the server holds the embedded database; stop it, or ask it with \`inventario backup create --url http://${config.host}:${config.port}\` and an admin key in INVENTARIO_API_KEY`);
          }
          throw err;
        }
        const progress = progressFor(opts);
        try {
          const service = createBackupService({ database, config, audit: createAuditWriter() });
          const made = await service.create(CLI_CONTEXT, { ...(opts.out ? { out: opts.out } : {}), onProgress: (stage, done, total) => progress.update(stage, done, total) });
          summary = { file: made.file, size: made.size, duration_ms: made.duration_ms, manifest: made.manifest, copy: made.copy };
        } catch (err) {
          progress.stop();
          await database.close();
          return failOnBackupError(err);
        }
        progress.stop();
        await database.close();
      }
      const m = summary.manifest as { row_counts: Record<string, number>; files: { count: number }; content_bytes: number; schema_version: string | null };
      const copy = summary.copy as { path?: string; verified: boolean; error: string | null } | null;
      const rows = Object.values(m.row_counts).reduce((s, n) => s + n, 0);
      printResult(
        opts,
        summary,
        [
          `Copia de seguridad cifrada: ${String(summary.file)} (${mb(Number(summary.size))}, ${rows} filas en ${Object.keys(m.row_counts).length} tablas, ${m.files.count} archivos de facturas, esquema ${m.schema_version ?? '-'}).`,
          ...(copy ? [copy.verified ? `Copia verificada en ${copy.path ?? 'BACKUP_COPY_DIR'}.` : `ATENCIÓN: la copia en BACKUP_COPY_DIR falló: ${copy.error}`] : []),
        ].join('\n'),
      );
      if (copy && !copy.verified) process.exitCode = 1;
    });

  backup
    .command('verify')
    .description('Decrypt and check a backup completely (every frame, hashes, row counts, files) without restoring it')
    .argument('<file>', 'the backup file')
    .option('--json', 'machine-readable output')
    .action(async (file: string, opts: { json?: boolean }) => {
      const config = configOrExit();
      const progress = progressFor(opts);
      let result;
      try {
        result = await scanBackup(file, backupKeysFromConfig(config), undefined, (done, total) => progress.update('verify', done, total));
      } catch (err) {
        progress.stop();
        return failOnBackupError(err);
      }
      progress.stop();
      const m = result.manifest;
      const rows = Object.values(m.row_counts).reduce((s, n) => s + n, 0);
      printResult(
        opts,
        { ok: true, file, manifest: m },
        `Copia íntegra: ${file} — ${rows} filas en ${Object.keys(m.row_counts).length} tablas, ${m.files.count} archivos, ${mb(m.content_bytes)} de datos; hecha ${m.created_at} en ${m.engine}, esquema ${m.schema_version ?? '-'}, clave KCV ${m.kek_kcv}.`,
      );
    });

  backup
    .command('list')
    .description('List the backups in $INVENTARIO_DATA_DIR/backups (or --dir), newest first')
    .option('--dir <dir>', 'another backups directory (e.g. BACKUP_COPY_DIR)')
    .option('--json', 'machine-readable output')
    .action(async (opts: { dir?: string; json?: boolean }) => {
      const config = configOrExit();
      const dir = opts.dir ?? (await backupsDirOf(config.dataDir));
      const items = await (await backupService()).listBackups(dir);
      printResult(
        opts,
        { dir, items },
        items.length === 0
          ? `No hay copias de seguridad en ${dir}.`
          : [`Copias en ${dir}:`, ...items.map((e) => `  ${e.created_at}  ${e.engine.padEnd(6)}  ${mb(e.size).padStart(10)}  ${e.complete ? 'completa ' : 'INCOMPLETA'}  ${e.file}`)].join('\n'),
      );
    });
}
