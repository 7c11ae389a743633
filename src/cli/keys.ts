// `inventario keys status|split|recover|rotate`: the master key's life cycle (docs/keys.md).
// split, recover and status work on files alone, so they also work while the server runs;
// rotate needs the database, and with the embedded engine that means the server stopped.
import fs from 'node:fs';
import type { Command } from 'commander';
import { DataDirLockedError } from '../platform/db/data-dir-lock.ts';
import { MasterKeyError, ShareError } from '../platform/crypto/errors.ts';
import { readKeyringSource, resolveKeySource, type KeySource } from '../platform/crypto/key-source.ts';
import { keyCheckValue } from '../platform/crypto/primitives.ts';
import { readShareFile, recoverKey, splitKey, writeShareFiles } from '../platform/crypto/shamir.ts';
import { configOrExit } from './context.ts';
import { fail, printResult } from './output.ts';

function failOnKeyError(err: unknown): never {
  if (err instanceof MasterKeyError || err instanceof ShareError) fail(err.message);
  throw err;
}

/** Runs fn, turning the key platform's expected failures into one `error:` line and exit 1. */
async function oneLineErrors<T>(fn: () => Promise<T> | T): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    return failOnKeyError(err);
  }
}

function sourceOrExit(): KeySource {
  try {
    return resolveKeySource(configOrExit());
  } catch (err) {
    return failOnKeyError(err);
  }
}

/** The key to split: the keyring's active (or chosen) version, or the single configured key. */
function keyToSplit(source: KeySource, version: number | undefined): { key: Buffer; version: number | null } {
  if (source.kind === 'single') {
    if (version !== undefined) fail(`--key-version does not apply: ${source.origin} holds a single key`, 2);
    return { key: source.key, version: null };
  }
  const keyring = readKeyringSource(source);
  if (!keyring) fail(`no master key yet: ${source.file} does not exist (the first \`inventario serve\` creates it) and INVENTARIO_MASTER_KEY is not set`);
  const wanted = version ?? keyring.active;
  const entry = keyring.versions.find((v) => v.version === wanted);
  if (!entry) fail(`${source.origin} has no version ${wanted} (it has ${keyring.versions.map((v) => v.version).join(', ')})`);
  return { key: entry.key, version: entry.version };
}

function positiveInt(value: string, name: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isInteger(n) || n < 1) fail(`${name} must be a whole number`, 2);
  return n;
}

export function registerKeyCommands(program: Command): void {
  const keys = program.command('keys').description('Master key: status, Shamir split and recovery, rotation');

  keys
    .command('status')
    .description('Show where the master key comes from, its versions and key check values (never the key)')
    .option('--json', 'machine-readable output')
    .action(async (opts: { json?: boolean }) => {
      const source = sourceOrExit();
      if (source.kind === 'single') {
        const kcv = keyCheckValue(source.key);
        printResult(opts, { source: source.origin, kind: 'single', kcv }, `Clave maestra de ${source.origin}: KCV ${kcv}.`);
        return;
      }
      const keyring = await oneLineErrors(() => readKeyringSource(source));
      if (!keyring) fail(`no master key yet: ${source.file} does not exist (the first \`inventario serve\` creates it)`);
      const versions = keyring.versions.map((v) => ({ version: v.version, kcv: keyCheckValue(v.key), created_at: v.createdAt, retired_at: v.retiredAt }));
      printResult(
        opts,
        { source: source.file, kind: 'keyring', active: keyring.active, versions },
        [
          `Llavero ${source.file} (versión activa ${keyring.active}):`,
          ...versions.map((v) => `  versión ${v.version}  KCV ${v.kcv}  ${v.retired_at ? `retirada ${v.retired_at}` : 'vigente'}`),
        ].join('\n'),
      );
    });

  keys
    .command('split')
    .description('Split the master key into Shamir shares: any --threshold of the --shares files recover it')
    .requiredOption('--shares <n>', 'how many share files to write (2–255)')
    .requiredOption('--threshold <k>', 'how many shares recover the key (2–n)')
    .requiredOption('--out <dir>', 'directory for the share files (existing files are never overwritten)')
    .option('--key-version <v>', 'split this keyring version instead of the active one')
    .option('--json', 'machine-readable output')
    .action(async (opts: { shares: string; threshold: string; out: string; keyVersion?: string; json?: boolean }) => {
      const shares = positiveInt(opts.shares, '--shares');
      const threshold = positiveInt(opts.threshold, '--threshold');
      if (threshold < 2 || threshold > shares || shares > 255) fail('need 2 <= --threshold <= --shares <= 255', 2);
      const source = sourceOrExit();
      const chosen = keyToSplit(source, opts.keyVersion === undefined ? undefined : positiveInt(opts.keyVersion, '--key-version'));
      const parts = await oneLineErrors(() => splitKey(chosen.key, { shares, threshold, keyVersion: chosen.version }));
      const files = await oneLineErrors(() => writeShareFiles(opts.out, parts));
      const kcv = parts[0]!.kcv;
      printResult(
        opts,
        { kcv, key_version: chosen.version, threshold, shares, files },
        [
          `Clave maestra${chosen.version ? ` versión ${chosen.version}` : ''} (KCV ${kcv}) repartida en ${shares} partes; ${threshold} cualesquiera la recuperan:`,
          ...files.map((f) => `  ${f}`),
          'Entregue cada archivo a una persona distinta y bórrelo de esta máquina.',
        ].join('\n'),
      );
    });

  keys
    .command('recover')
    .description('Combine share files into the master key, verified against the key check value they carry')
    .argument('<share-files...>', 'at least the threshold number of share files of one split')
    .option('--out <file>', 'write the recovered key (base64) to this new file, mode 0600')
    .option('--print', 'print the recovered key (base64) alone on stdout')
    .option('--json', 'machine-readable output')
    .action(async (files: string[], opts: { out?: string; print?: boolean; json?: boolean }) => {
      if (Boolean(opts.out) === Boolean(opts.print)) fail('use exactly one of --out FILE or --print', 2);
      if (opts.out && fs.existsSync(opts.out)) fail(`refusing to overwrite ${opts.out}`);
      const shares = await oneLineErrors(() => files.map((f) => readShareFile(f)));
      const recovered = await oneLineErrors(() => recoverKey(shares));
      const summary = { kcv: recovered.kcv, key_version: recovered.keyVersion, shares_used: recovered.sharesUsed, threshold: recovered.threshold, total: recovered.total };
      const b64 = recovered.key.toString('base64');
      recovered.key.fill(0);
      if (opts.print) {
        // The key alone on stdout (`KEY=$(inventario keys recover ... --print)`); the KCV on stderr.
        process.stderr.write(`Clave verificada: KCV ${recovered.kcv}.\n`);
        process.stdout.write(opts.json ? `${JSON.stringify({ ...summary, key: b64 })}\n` : `${b64}\n`);
        return;
      }
      try {
        fs.writeFileSync(opts.out!, `${b64}\n`, { flag: 'wx', mode: 0o600 });
      } catch (err) {
        fail(`cannot write ${opts.out}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
      }
      printResult(
        opts,
        { ...summary, out: opts.out },
        `Clave verificada: KCV ${recovered.kcv}${recovered.keyVersion ? ` (versión ${recovered.keyVersion})` : ''}. Escrita en ${opts.out} (modo 0600); úsela con INVENTARIO_MASTER_KEY_FILE.`,
      );
    });

  keys
    .command('rotate')
    .description('Add a new master key version, re-wrap every data key with it, then retire the old versions')
    .option('--batch-size <n>', 'data keys re-wrapped per transaction', '200')
    .option('--json', 'machine-readable output')
    .action(async (opts: { batchSize: string; json?: boolean }) => {
      const batchSize = positiveInt(opts.batchSize, '--batch-size');
      const config = configOrExit();
      // Loaded only when rotating, so the other key commands and `--help` start at once.
      const [{ openDatabase }, { runMigrations }, { rotateMasterKey }] = await Promise.all([
        import('../platform/db/open.ts'),
        import('../platform/db/migrate.ts'),
        import('../platform/crypto/rotation.ts'),
      ]);
      let database;
      try {
        database = await openDatabase(config, 'keys-rotate');
      } catch (err) {
        if (err instanceof DataDirLockedError) {
          fail(`the server holds the embedded database (${err.message.replace(/^The data directory /, '')}); stop it, then run \`inventario keys rotate\` again`);
        }
        throw err;
      }
      let summary;
      try {
        await runMigrations(database);
        summary = await rotateMasterKey({ config, database, batchSize });
      } catch (err) {
        // Close the database first: fail() exits the process at once.
        await database.close();
        return failOnKeyError(err);
      }
      await database.close();
      printResult(
        opts,
        { engine: database.engine, ...summary },
        [
          `Clave maestra rotada: versión ${summary.previous_version} → ${summary.new_version} (KCV ${summary.kcv}).`,
          `  ${summary.data_keys_rewrapped} claves de datos re-envueltas en ${summary.batches} lotes; versiones retiradas: ${summary.retired_versions.join(', ') || 'ninguna'}.`,
          `  Llavero: ${summary.keyring_file}. Las versiones retiradas se conservan para leer copias de seguridad anteriores.`,
          '  Reparta la nueva clave con `inventario keys split` y destruya las partes anteriores.',
        ].join('\n'),
      );
    });
}
