// The records of processing as data (GET /privacy/records-of-processing) — the same declarations
// the Markdown document is generated from (docs.ts).
import type { Config } from '../../config.ts';
import { DATA_CLASSES, DATA_CLASS_KEYS, LEGAL_BASES, PERSONAL_DATA, RECIPIENTS } from './personal-data.ts';
import { retentionRuleText } from './retention-policy.ts';

export const DECLARATIONS_FILE = 'src/modules/privacy/personal-data.ts';

export function recordsOfProcessing(config: Config) {
  return {
    generated_from: DECLARATIONS_FILE,
    classes: DATA_CLASS_KEYS.map((k) => ({ class: k, label: DATA_CLASSES[k] })),
    fields: PERSONAL_DATA.map((f) => ({
      table: f.table,
      column: f.column,
      data_class: f.dataClass,
      purpose: f.purpose,
      legal_basis: LEGAL_BASES[f.legalBasis],
      retention: retentionRuleText(f.retention, config),
      recipients: f.recipients.map((r) => RECIPIENTS[r]),
      sealed: f.sealed ?? false,
    })),
  };
}
