// The generated documents of docs/privacy/, by file name.
import type { Config } from '../../config.ts';
import { privacyPolicyEsMd } from './docs-policy.ts';
import { recordsOfProcessingMd, retentionPolicyMd } from './docs-records.ts';

export function generatedPrivacyDocs(config: Config): Record<string, string> {
  return {
    'records-of-processing.md': recordsOfProcessingMd(config),
    'retention-policy.md': retentionPolicyMd(config),
    'privacy-policy.es.md': privacyPolicyEsMd(config),
  };
}
