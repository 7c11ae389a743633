// Shapes of the audit endpoints (src/modules/audit/schemas.ts) and how the page labels them.
import { ApiError } from '../../api/client.ts';
import { errorMessage } from '../../components/states.tsx';
import { t } from '../../i18n/index.ts';

export type Outcome = 'success' | 'failure' | 'denied' | 'error';
export type Severity = 'low' | 'medium' | 'high' | 'critical';
export type AlertStatus = 'open' | 'acknowledged' | 'closed';

export interface AuditEvent {
  seq: number;
  id: string;
  at: string;
  actor: string;
  /** The user's or API key's name behind `actor`, when there is one. */
  actor_name: string | null;
  action: string;
  resource: string | null;
  outcome: Outcome;
  ip: string | null;
  request_id: string | null;
  details: Record<string, unknown>;
}

export interface VerifyReport {
  ok: boolean;
  events_checked: number;
  head_position: number;
  head_hash: string | null;
  first_bad_seq: number | null;
  last_checkpoint: {
    seal_position: number;
    event_seq: number;
    head_hash: string;
    at: string;
    public_key: string;
    matches: boolean | null;
  } | null;
  problems: Array<{ kind: string; seq: number | null; position: number | null; message: string }>;
  warnings: string[];
}

export interface Alert {
  id: string;
  rule: string;
  severity: Severity;
  at: string;
  actor: string | null;
  summary: string;
  status: AlertStatus;
  evidence_seqs: number[];
  details: Record<string, unknown>;
  status_changed_at: string | null;
  status_changed_by: string | null;
  note: string | null;
}

export const SEVERITY_BADGE: Record<Severity, string> = { low: 'badge', medium: 'badge warn', high: 'badge danger', critical: 'badge critical' };
export const STATUS_BADGE: Record<AlertStatus, string> = { open: 'badge warn', acknowledged: 'badge', closed: 'badge ok' };
export const OUTCOME_BADGE: Record<Outcome, string> = { success: 'badge ok', failure: 'badge danger', denied: 'badge warn', error: 'badge danger' };

/** `abcdef0123…89abcd`: enough to compare two hashes by eye. */
export function shortHash(hash: string): string {
  return hash.length > 20 ? `${hash.slice(0, 10)}…${hash.slice(-6)}` : hash;
}

export function auditErrorMessage(error: unknown): string {
  if (error instanceof ApiError && t.audit.errors[error.code]) return t.audit.errors[error.code]!;
  return errorMessage(error);
}
