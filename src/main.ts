#!/usr/bin/env node
// The `inventario` CLI. Every command has --help; output is for people on a terminal and JSON
// (--json, or when stdout is not a terminal) for scripts.
import { Command } from 'commander';
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
  // Imported when it runs: the server's module graph is most of the CLI's start-up time.
  .action(async () => (await import('./cli/serve.ts')).serve());

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

// The other commands, by name, in the order `--help` lists them. Only the module of the command
// being run is loaded (all of them for the top-level help or an unknown command): each run is a
// fresh process, and a cashier's script calling `inventario users list` should not wait for
// the backup and restore code to load.
const COMMAND_MODULES: Array<[name: string, load: () => Promise<(program: Command) => void>]> = [
  ['api-keys', async () => (await import('./cli/api-keys.ts')).registerApiKeyCommands],
  ['seed', async () => (await import('./cli/seed.ts')).registerSeedCommand],
  ['audit', async () => (await import('./cli/audit.ts')).registerAuditCommands],
  ['keys', async () => (await import('./cli/keys.ts')).registerKeyCommands],
  ['users', async () => (await import('./cli/users.ts')).registerUserCommands],
  ['backup', async () => (await import('./cli/backup.ts')).registerBackupCommands],
  ['restore', async () => (await import('./cli/restore.ts')).registerRestoreCommand],
  ['dr', async () => (await import('./cli/dr.ts')).registerDrCommands],
  ['retention', async () => (await import('./cli/retention.ts')).registerRetentionCommands],
];

const requested = process.argv.slice(2).find((arg) => !arg.startsWith('-'));
const wanted = COMMAND_MODULES.filter(([name]) => name === requested);
for (const [, load] of wanted.length > 0 ? wanted : COMMAND_MODULES) (await load())(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`error: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}\n`);
  process.exit(1);
});
