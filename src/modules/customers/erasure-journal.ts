// The erasure journal. Crypto-shredding destroys a customer's data key in the live database, but
// a backup taken before the erasure still holds that key, wrapped by the same master key: no
// cryptography can make an older copy forget it. So every erasure is journalled — in the
// customer_erasures table (which newer backups carry) and, after commit, as one JSON line in a
// file outside the database — and a restore replays the journal
// (`services.customers.replayErasures(entries, ctx)`) before the restored database serves
// anything. Entries hold ids and field names only, never personal data.
import fs from 'node:fs';
import path from 'node:path';
import type { Queryable } from '../../platform/db/types.ts';
import { appendDurably } from '../../platform/fs/durable.ts';
import { createPrivacyRepo } from './privacy-repo.ts';
import type { HoldReason } from './privacy-schemas.ts';
import type { PersonalField } from './sealing.ts';

export const ERASURE_JOURNAL_FILE = path.join('privacy', 'erasure-journal.jsonl');

export interface ErasureJournalEntry {
  receipt_id: string;
  customer_id: string;
  destroyed_data_key_id: string;
  retained: { field: PersonalField; reason: HoldReason; until: string | null }[];
  at: string;
}

/** `$INVENTARIO_DATA_DIR/privacy/erasure-journal.jsonl`. */
export function erasureJournalPath(dataDir: string): string {
  return path.join(dataDir, ERASURE_JOURNAL_FILE);
}

/** Appends one entry, on disk when this returns (mode 0600 file, created with its directory when missing). */
export function appendErasureJournal(file: string, entry: ErasureJournalEntry): void {
  appendDurably(file, `${JSON.stringify(entry)}\n`);
}

function isEntry(value: unknown): value is ErasureJournalEntry {
  const e = value as Partial<ErasureJournalEntry> | null;
  return !!e && typeof e.receipt_id === 'string' && typeof e.customer_id === 'string' && typeof e.destroyed_data_key_id === 'string' && Array.isArray(e.retained) && typeof e.at === 'string';
}

/** Reads a journal file; a missing file is an empty journal, a damaged line is skipped. */
export function readErasureJournalFile(file: string): ErasureJournalEntry[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const entries: ErasureJournalEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const parsed: unknown = JSON.parse(line);
      if (isEntry(parsed)) entries.push(parsed);
    } catch {
      // A torn last line (crash while appending) carries nothing we can use.
    }
  }
  return entries;
}

/** The journal as a database holds it (a newer database or backup than the one restored). */
export async function readErasureJournal(q: Queryable): Promise<ErasureJournalEntry[]> {
  return (await createPrivacyRepo(q).listErasures()).map((e) => ({
    receipt_id: e.id,
    customer_id: e.customerId,
    destroyed_data_key_id: e.destroyedDataKeyId,
    retained: e.retained as ErasureJournalEntry['retained'],
    at: e.at.toISOString(),
  }));
}
