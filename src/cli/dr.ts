// `inventario dr drill --share FILE --share FILE ...` (docs/operations/disaster-recovery.md).
// Works on files alone (shares, backups, checkpoints): it never opens production's database
// except to record that the drill ran, and not at all while a server holds the embedded one.
import type { Command } from 'commander';
import { configOrExit } from './context.ts';
import { fail, printResult, wantsJson } from './output.ts';

const collect = (value: string, previous: string[]) => [...previous, value];

export function registerDrCommands(program: Command): void {
  const dr = program.command('dr').description('Disaster recovery');

  dr.command('drill')
    .description('Recover the master key from shares, restore the newest backup on a scratch target, verify it, measure RTO/RPO and write a report')
    .option('--share <file>', 'a key share file (repeat for each share; at least the threshold)', collect, [])
    .option('--backup <file>', 'restore this backup instead of the newest in the backups directory')
    .option('--backups-dir <dir>', 'where to look for the newest backup (default $INVENTARIO_DATA_DIR/backups)')
    .option('--target <kind>', 'scratch target: auto (a throwaway PostgreSQL cluster if initdb exists, else PGlite), cluster or pglite', 'auto')
    .option('--json', 'print the report as JSON')
    .action(async (opts: { share: string[]; backup?: string; backupsDir?: string; target: string; json?: boolean }) => {
      if (!['auto', 'cluster', 'pglite'].includes(opts.target)) fail('--target must be auto, cluster or pglite', 2);
      if (opts.share.length === 0) fail('give the key shares with --share FILE (once per share)', 2);
      const config = configOrExit();
      const human = !wantsJson(opts) && process.stderr.isTTY;
      // Loaded when a drill runs, so `--help` and argument errors answer at once.
      const { runDrill } = await import('../modules/ops/dr/drill.ts');
      const { report, files } = await runDrill({
        config,
        shareFiles: opts.share,
        target: opts.target as 'auto' | 'cluster' | 'pglite',
        ...(opts.backup ? { backupFile: opts.backup } : {}),
        ...(opts.backupsDir ? { backupsDir: opts.backupsDir } : {}),
        onStep: (step) => {
          if (human) process.stderr.write(`… ${step}\n`);
        },
      });
      printResult(
        opts,
        { ...report, report_files: files },
        [
          report.ok ? 'Simulacro de recuperación APROBADO.' : `Simulacro de recuperación FALLIDO en el paso ${report.failed_step}.`,
          ...report.steps.map((s) => `  ${s.ok ? 'ok     ' : 'FALLÓ  '} ${s.step}: ${s.detail}`),
          `RTO ${report.rto_seconds === null ? 'n/d' : `${report.rto_seconds.toFixed(1)} s`}, RPO ${report.rpo_seconds === null ? 'n/d' : `${Math.round(report.rpo_seconds)} s`}.`,
          `Informe: ${files.markdown}`,
        ].join('\n'),
      );
      if (!report.ok) {
        process.stderr.write(`error: the drill failed at step ${report.failed_step}: ${report.steps.find((s) => s.step === report.failed_step)?.detail ?? ''}\n`);
        process.exitCode = 1;
      }
    });
}
