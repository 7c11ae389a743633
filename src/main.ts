#!/usr/bin/env node
// The `inventario` CLI. Every command has --help; output is for people on a terminal and JSON
// (--json, or when stdout is not a terminal) for scripts.
import { Command } from 'commander';
import { serve } from './cli/serve.ts';
import { registerApiKeyCommands } from './cli/api-keys.ts';
import { registerSeedCommand } from './cli/seed.ts';
import { registerAuditCommands } from './cli/audit.ts';
import { registerKeyCommands } from './cli/keys.ts';
import { registerUserCommands } from './cli/users.ts';
import { registerBackupCommands } from './cli/backup.ts';
import { registerRestoreCommand } from './cli/restore.ts';
import { registerDrCommands } from './cli/dr.ts';
import { registerRetentionCommands } from './cli/retention.ts';
import { withDatabase } from './cli/context.ts';
import { printResult } from './cli/output.ts';

const program = new Command();
program
  .name('inventario')
  .description('inventario-retail: stock, invoices and pricing for Argentine retail shops')
  .showHelpAfterError();

program
  .command('serve')
  .description('Run the HTTP server (embedded database unless DATABASE_URL is set)')
  .action(serve);

program
  .command('migrate')
  .description('Apply pending database migrations and verify the applied ones were not edited')
  .option('--json', 'machine-readable output')
  .action(async (opts: { json?: boolean }) => {
    await withDatabase('migrate', async ({ database }) => {
      const { runMigrations } = await import('./platform/db/migrate.ts');
      const status = await runMigrations(database);
      printResult(
        opts,
        { engine: database.engine, ...status },
        `Migraciones al día (${status.applied} aplicadas, última: ${status.latest ?? 'ninguna'}) en ${database.engine}.`,
      );
    });
  });

registerApiKeyCommands(program);
registerSeedCommand(program);
registerAuditCommands(program);
registerKeyCommands(program);
registerUserCommands(program);
registerBackupCommands(program);
registerRestoreCommand(program);
registerDrCommands(program);
registerRetentionCommands(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`error: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}\n`);
  process.exit(1);
});
