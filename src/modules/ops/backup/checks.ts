// What "restored correctly" means, checked on the restored database: migrations current, row
// counts as in the manifest, the stock ledger agrees with the levels, the audit chain verifies
// against the signed checkpoints up to the backup's head, and (for drills) a sample of customers'
// personal fields decrypts with the master key at hand.
import path from 'node:path';
import { sql } from 'drizzle-orm';
import type { Config } from '../../../config.ts';
import { readJournal } from '../../../platform/db/migrate.ts';
import { queryRows, type Database } from '../../../platform/db/types.ts';
import { CHECKPOINT_DIR_NAME, createCheckpointStore, type CheckpointStore } from '../../../platform/audit/checkpoints.ts';
import { sealPending } from '../../../platform/audit/sealer.ts';
import { verifyChain } from '../../../platform/audit/verifier.ts';
import { createCryptoService, type CryptoService } from '../../../platform/crypto/service.ts';
import { dataDirShreddedKeysPath, mergeShreddedKeys, SHREDDED_KEYS_FILE_NAME } from '../../../platform/crypto/shredded-keys.ts';
import type { KeySource } from '../../../platform/crypto/key-source.ts';
import { createServices } from '../../../services.ts';
import { replayErasureJournal } from '../../customers/erasure-replay.ts';
import type { BackupManifest } from './format.ts';

export interface CheckStep {
  step: string;
  ok: boolean;
  detail: string;
  ms: number;
}

export interface RestoreCheckOptions {
  database: Database;
  /** The configuration the restored installation would run with (data dir: checkpoints). */
  config: Config;
  manifest: BackupManifest;
  restoredCounts: Record<string, number>;
  schemaVersion: string | null;
  /** The master key to check with; the configured one by default. */
  keySource?: KeySource;
  /** Where the production installation keeps its signed audit checkpoints. */
  checkpointsDir?: string;
  /** Customers to decrypt (0 = skip the step). */
  decryptSample?: number;
}

/** Checkpoints beyond the backup's head describe events the backup cannot have. */
function checkpointsUpTo(store: CheckpointStore, position: number): CheckpointStore {
  return { ...store, list: () => store.list().filter((s) => !s.checkpoint || s.checkpoint.seal_position <= position) };
}

async function timed(steps: CheckStep[], step: string, fn: () => Promise<{ ok: boolean; detail: string }>): Promise<boolean> {
  const t = Date.now();
  try {
    const r = await fn();
    steps.push({ step, ...r, ms: Date.now() - t });
    return r.ok;
  } catch (err) {
    steps.push({ step, ok: false, detail: err instanceof Error ? err.message.split('\n')[0]! : String(err), ms: Date.now() - t });
    return false;
  }
}

export async function loadCrypto(database: Database, config: Config, keySource?: KeySource): Promise<CryptoService> {
  const crypto = createCryptoService({ config, database, ...(keySource ? { source: keySource } : {}) });
  await crypto.ready();
  return crypto;
}

/**
 * Takes in the register of shredded keys found beside a backup file (the backup copy directory
 * keeps one): after losing the data directory, an older backup restored on a new one must still
 * not open the keys of people erased since it was taken. Returns how many ids were new here.
 */
export function adoptShreddedKeysBeside(backupFile: string, dataDir: string): number {
  return mergeShreddedKeys(path.join(path.dirname(path.resolve(backupFile)), SHREDDED_KEYS_FILE_NAME), dataDirShreddedKeysPath(dataDir));
}

/**
 * Re-applies the erasures journalled outside the database (`<dataDir>/privacy/erasure-journal.jsonl`)
 * that the restored copy predates: a person erased after the backup was taken stays erased.
 * Must run before the restored database serves anything.
 */
export async function replayErasures(database: Database, crypto: CryptoService, dataDir: string): Promise<{ applied: string[]; skipped: number }> {
  return replayErasureJournal({ database, crypto, dataDir, actor: 'system:restore' });
}

export async function checkRestored(options: RestoreCheckOptions, crypto: CryptoService): Promise<CheckStep[]> {
  const { database, manifest, config } = options;
  const steps: CheckStep[] = [];
  await timed(steps, 'migrations', async () => {
    const latest = readJournal().at(-1)?.tag ?? null;
    return { ok: options.schemaVersion === latest, detail: `schema ${options.schemaVersion ?? 'none'} (this version: ${latest ?? 'none'})` };
  });
  await timed(steps, 'row_counts', async () => {
    const wrong = Object.entries(manifest.row_counts).filter(([t, n]) => options.restoredCounts[t] !== n);
    const total = Object.values(manifest.row_counts).reduce((s, n) => s + n, 0);
    return { ok: wrong.length === 0, detail: wrong.length ? `differ: ${wrong.map(([t]) => t).join(', ')}` : `${total} rows in ${Object.keys(manifest.row_counts).length} tables as in the manifest` };
  });
  const services = createServices({ config, database, crypto });
  await timed(steps, 'ledger_integrity', async () => {
    const r = await services.stock.integrity();
    return { ok: r.ok, detail: r.ok ? `${r.products_checked} products: levels equal the ledger` : `${r.mismatches.length} level(s) differ from the ledger` };
  });
  await timed(steps, 'audit_chain', async () => {
    await sealPending(database);
    const store = createCheckpointStore({
      dir: options.checkpointsDir ?? path.join(config.dataDir, CHECKPOINT_DIR_NAME),
      seed: () => crypto.deriveKey('audit.checkpoint.ed25519', 32),
    });
    const head = manifest.audit_chain_head?.position ?? 0;
    const report = await verifyChain(database, { checkpoints: checkpointsUpTo(store, head) });
    const cp = report.last_checkpoint;
    const cpText = cp ? `; checkpoint at position ${cp.seal_position} ${cp.matches ? 'matches' : 'does NOT match'}` : '; no checkpoint up to the backup head';
    return {
      ok: report.ok,
      detail: report.ok ? `${report.events_checked} events verified${cpText}` : `${report.problems.length} problem(s): ${report.problems[0]?.kind ?? ''}${cpText}`,
    };
  });
  const sample = options.decryptSample ?? 0;
  if (sample > 0) {
    await timed(steps, 'decrypt_sample', async () => {
      const rows = await queryRows<{ id: string; data_key_id: string; name_sealed: unknown }>(
        database.db,
        sql`select id::text, data_key_id::text, name_sealed from customers where erased_at is null order by random() limit ${sample}`,
      );
      for (const row of rows) {
        const dek = await crypto.openDataKey(database.db, row.data_key_id);
        try {
          crypto.openField(dek, { table: 'customers', recordId: row.id, field: 'name' }, row.name_sealed);
        } finally {
          dek.key.fill(0);
        }
      }
      return { ok: true, detail: `${rows.length} customer name(s) decrypted` };
    });
  }
  return steps;
}
