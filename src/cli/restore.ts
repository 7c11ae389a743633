// `inventario restore FILE [--force]`: into the configured database (the embedded one in
// $INVENTARIO_DATA_DIR, or DATABASE_URL: set it to move an embedded shop onto a PostgreSQL
// server). The backup is verified completely before anything is written; afterwards the
// migrations, row counts, ledger and audit chain are checked, and any failure exits 1.
import type { Command } from 'commander';
import { DataDirLockedError } from '../platform/db/data-dir-lock.ts';
import { MasterKeyError } from '../platform/crypto/errors.ts';
import { backupKeysFromConfig } from '../modules/ops/backup/keys.ts';
import { failOnBackupError } from './backup.ts';
import { configOrExit } from './context.ts';
import { fail, printResult } from './output.ts';
import { progressFor } from './progress.ts';

export function registerRestoreCommand(program: Command): void {
  program
    .command('restore')
    .description('Restore a backup into an empty database (embedded, or DATABASE_URL), then check it')
    .argument('<file>', 'the backup file')
    .option('--force', 'replace a database that already holds data (everything in it is dropped)')
    .option('--json', 'machine-readable output')
    .action(async (file: string, opts: { force?: boolean; json?: boolean }) => {
      const config = configOrExit();
      let keys;
      try {
        keys = backupKeysFromConfig(config);
      } catch (err) {
        return failOnBackupError(err);
      }
      // Loaded when a restore runs, so `--help` and argument errors answer at once.
      const [{ openDatabase }, { adoptShreddedKeysBeside, checkRestored, loadCrypto, replayErasures }, { restoreBackup }, { peekManifest }, { unwrapBackupKey }] = await Promise.all([
        import('../platform/db/open.ts'),
        import('../modules/ops/backup/checks.ts'),
        import('../modules/ops/backup/restore.ts'),
        import('../modules/ops/backup/reader.ts'),
        import('../modules/ops/backup/format.ts'),
      ]);
      // A missing file, one that is not a backup, or one these keys cannot open is refused before
      // the target is opened: opening an embedded target creates its database on disk.
      try {
        unwrapBackupKey((await peekManifest(file)).header, keys).fill(0);
      } catch (err) {
        return failOnBackupError(err);
      }
      let database;
      try {
        database = await openDatabase(config, 'restore');
      } catch (err) {
        if (err instanceof DataDirLockedError) fail('the server holds the embedded database; stop it before restoring into it');
        throw err;
      }
      const progress = progressFor(opts);
      let summary;
      let ok: boolean;
      try {
        const result = await restoreBackup({ file, keys, target: database, dataDir: config.dataDir, force: Boolean(opts.force), onProgress: (stage, done, total) => progress.update(stage, done, total) });
        progress.stop();
        adoptShreddedKeysBeside(file, config.dataDir);
        const crypto = await loadCrypto(database, config);
        const erasures = await replayErasures(database, crypto, config.dataDir);
        const checks = await checkRestored({ database, config, manifest: result.manifest, restoredCounts: result.row_counts, schemaVersion: result.schema_version }, crypto);
        ok = checks.every((c) => c.ok);
        summary = { ok, engine: database.engine, file, backup_id: result.manifest.backup_id, schema_version: result.schema_version, row_counts: result.row_counts, files_restored: result.files_restored, erasures_replayed: erasures.applied.length, verify_ms: result.verify_ms, load_ms: result.load_ms, checks };
      } catch (err) {
        progress.stop();
        await database.close();
        if (err instanceof MasterKeyError) fail(err.message);
        return failOnBackupError(err);
      }
      await database.close();
      const rows = Object.values(summary.row_counts).reduce((s, n) => s + n, 0);
      printResult(
        opts,
        summary,
        [
          `${ok ? 'Restauración completa' : 'RESTAURACIÓN CON PROBLEMAS'}: ${rows} filas y ${summary.files_restored} archivos de ${file} en ${database.engine} (esquema ${summary.schema_version ?? '-'}).`,
          ...summary.checks.map((c) => `  ${c.ok ? 'ok     ' : 'FALLÓ  '} ${c.step}: ${c.detail}`),
        ].join('\n'),
      );
      process.exitCode = ok ? 0 : 1;
    });
}
