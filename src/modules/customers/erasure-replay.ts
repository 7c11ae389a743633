// Replaying the erasure journal on a restored database, for the restore and DR tooling: it needs
// only the database and the key service (no HTTP app). See erasure-journal.ts for why.
import { createAuditWriter, SYSTEM_CONTEXT } from '../../platform/audit/writer.ts';
import type { CryptoService } from '../../platform/crypto/service.ts';
import type { Database } from '../../platform/db/types.ts';
import { erasureJournalPath, readErasureJournal, readErasureJournalFile, type ErasureJournalEntry } from './erasure-journal.ts';
import { createCustomerService } from './service.ts';

export interface ReplayOptions {
  /** The restored database. */
  database: Database;
  /** A key service over that database (same master key). */
  crypto: CryptoService;
  /** Journal entries; by default the data dir's journal file. */
  entries?: ErasureJournalEntry[];
  dataDir?: string;
  /** Who the audit events name. */
  actor?: string;
}

/** Merges journals from several sources: one entry per receipt, oldest first. */
export function mergeErasureJournals(...journals: ErasureJournalEntry[][]): ErasureJournalEntry[] {
  const byReceipt = new Map<string, ErasureJournalEntry>();
  for (const entry of journals.flat()) byReceipt.set(entry.receipt_id, entry);
  return [...byReceipt.values()].sort((a, b) => a.at.localeCompare(b.at) || a.receipt_id.localeCompare(b.receipt_id));
}

/**
 * Re-applies every journalled erasure the restored copy predates. Returns the customers erased
 * again; entries already applied (or for customers the copy never had) are skipped.
 */
export async function replayErasureJournal(options: ReplayOptions): Promise<{ applied: string[]; skipped: number }> {
  const entries = options.entries ?? (options.dataDir ? readErasureJournalFile(erasureJournalPath(options.dataDir)) : []);
  const customers = createCustomerService(options.database, { crypto: options.crypto, audit: createAuditWriter() });
  return customers.replayErasures(mergeErasureJournals(entries), { ...SYSTEM_CONTEXT, actor: options.actor ?? 'system:restore' });
}

export { readErasureJournal, readErasureJournalFile, erasureJournalPath };
