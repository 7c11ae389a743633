// Privacidad: the API's shapes (docs/api.md "Customers and privacy", "Privacy"), query keys and
// the small helpers the page's parts share (the 72-hour clock, file names, error sentences).
import { useEffect, useState } from 'react';
import { ApiError } from '../../api/client.ts';
import { errorMessage } from '../../components/states.tsx';
import { t } from '../../i18n/index.ts';
import { shortRef } from '../customers/model.ts';

// The same masking and short reference as the Clientes page, so a person looks the same on both.
export { maskName, shortRef } from '../customers/model.ts';

export const PERSONAL_FIELDS = ['name', 'doc_type', 'doc_number', 'email', 'phone', 'address'] as const;
export const CONSENT_SOURCES = ['mostrador', 'web', 'telefono', 'email', 'whatsapp', 'papel'] as const;
export const RESTRICTION_REASONS = ['objection', 'accuracy_contested', 'unlawful_processing', 'legal_claims', 'other'] as const;
export const HOLD_REASONS = ['open_debt', 'fiscal', 'litigation'] as const;
export const DATA_CLASS_KEYS = [
  'customer_identity',
  'customer_preferences',
  'customer_purchases',
  'staff_accounts',
  'staff_activity',
  'connection_data',
  'supplier_contacts',
  'fiscal_documents',
  'security_records',
] as const;

export interface Customer {
  id: string;
  name: string;
  doc_type: string;
  doc_number: string;
  email: string | null;
  phone: string | null;
  address: string | null;
  marketing_consent: boolean;
  created_at: string;
}

export interface ConsentEvent {
  at: string;
  marketing_consent: boolean;
  source: string;
  actor: string;
}

export interface RestrictionEvent {
  at: string;
  restricted: boolean;
  reason: string;
  actor: string;
}

export interface ConsentState {
  customer_id: string;
  marketing_consent: boolean;
  restricted: boolean;
  restriction_reason: string | null;
  restricted_at: string | null;
  consent_history: ConsentEvent[];
  restriction_history: RestrictionEvent[];
}

export interface Retained {
  field: string;
  reason: string;
  until: string | null;
}

export interface LegalHold {
  id: string;
  reason: string;
  note: string | null;
  /** YYYY-MM-DD; null: until released. */
  until: string | null;
  created_at: string;
  created_by: string;
  released_at: string | null;
  released_by: string | null;
}

export interface ErasurePreview {
  customer_id: string;
  erased: string[];
  retained: Retained[];
  legal_holds: LegalHold[];
  fiscal_sales: number;
}

export interface Erasure {
  customer_id: string;
  erased: string[];
  retained: Retained[];
  receipt_id: string;
  pseudonym: string;
  erased_at: string;
}

export interface SubjectExport {
  format_version: 1;
  generated_at: string;
  customer: Omit<Customer, 'name' | 'doc_type' | 'doc_number'> & {
    name: string | null;
    doc_type: string | null;
    doc_number: string | null;
    restricted: boolean;
    restriction_reason: string | null;
    erased_at: string | null;
    pseudonym: string | null;
  };
  consent_history: ConsentEvent[];
  restriction_history: RestrictionEvent[];
  rectification_history: Array<{ at: string; actor: string; fields: string[] }>;
  legal_holds: LegalHold[];
  erasures: Array<{ receipt_id: string; at: string; erased: string[]; retained: Retained[] }>;
  purchases: Array<{ movement_id: string; at: string; product_name: string | null; product_sku: string | null; quantity: string }>;
  audit_events: Array<{ seq: string; at: string; action: string }>;
}

export interface RetentionReport {
  id: string;
  trigger: string;
  dry_run: boolean;
  actor: string;
  started_at: string;
  finished_at: string;
  classes: Array<{ class: string; action: string; cutoff: string | null; due: number; applied: number; retained: number; note: string | null }>;
}

export interface RetentionStatus {
  policy: {
    interval_hours: number;
    classes: Array<{ class: string; label: string; period: { years?: number; hours?: number; seconds?: number } | null; action: string; basis: string; config: string[] }>;
  };
  last_run: RetentionReport | null;
  last_applied_run: RetentionReport | null;
}

export type BreachStatus = 'open' | 'notified' | 'closed';

export interface Breach {
  id: string;
  title: string;
  description: string;
  occurred_at: string | null;
  detected_at: string;
  data_classes: string[];
  people_affected: number;
  likely_consequences: string | null;
  measures_taken: string | null;
  status: BreachStatus;
  notified_at: string | null;
  authority_reference: string | null;
  delay_reason: string | null;
  closed_at: string | null;
  alert_ids: string[];
  created_at: string;
  notification: { deadline_at: string; hours_remaining: number | null; overdue: boolean; notified_in_time: boolean | null };
}

export interface AlertSummary {
  id: string;
  rule: string;
  severity: string;
  at: string;
  summary: string;
  status: string;
}

export const privacyKeys = {
  consent: (id: string) => ['privacy', 'consent', id] as const,
  record: (id: string) => ['privacy', 'record', id] as const,
  holds: (id: string) => ['privacy', 'holds', id] as const,
  retention: ['privacy', 'retention'] as const,
  breaches: ['privacy', 'breaches'] as const,
  alerts: ['privacy', 'open-alerts'] as const,
};

/** The current time, ticking every `ms` (the breach clock counts down while the page is open). */
export function useNow(ms = 30_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), ms);
    return () => window.clearInterval(timer);
  }, [ms]);
  return now;
}

export interface Clock {
  kind: 'remaining' | 'overdue' | 'notified' | 'closed';
  text: string;
}

/** The 72-hour notification clock, from the deadline the API computed, counted against now. */
export function breachClock(b: Breach, now: number, format: (iso: string) => string): Clock {
  const s = t.privacy.breaches.clock;
  if (b.status === 'notified' || b.notified_at) return { kind: 'notified', text: s.notified(format(b.notified_at ?? b.closed_at ?? b.created_at), b.notification.notified_in_time) };
  if (b.status === 'closed') return { kind: 'closed', text: s.closed };
  const left = Date.parse(b.notification.deadline_at) - now;
  const minutes = Math.floor(Math.abs(left) / 60_000);
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  const deadline = s.deadline(format(b.notification.deadline_at));
  return left >= 0 ? { kind: 'remaining', text: `${s.remaining(h, m)} (${deadline})` } : { kind: 'overdue', text: `${s.overdue(h, m)} (${deadline})` };
}

/** Who recorded a change, without a long id: "usuario …3F9A2C", "clave API …", "sistema". */
export function actorLabel(actor: string): string {
  const [kind, id] = actor.split(':', 2);
  const who = t.privacy.actors[kind ?? ''] ?? kind ?? actor;
  return id ? `${who} …${shortRef(id)}` : who;
}

export function fieldLabel(field: string): string {
  return t.privacy.person.fields[field] ?? field;
}

export function privacyErrorMessage(error: unknown): string {
  if (error instanceof ApiError && t.privacy.errors[error.code]) return t.privacy.errors[error.code]!;
  return errorMessage(error);
}

/** A value for <input type="datetime-local"> in the browser's zone, for an instant. */
export function toLocalInput(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
