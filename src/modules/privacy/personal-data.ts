// Every column of the database that holds personal data, declared once: what it is, why it is
// kept (purpose and legal basis), for how long and who sees it. docs/privacy/records-of-processing.md
// is generated from this file (`npm run docs:privacy`), and test/integration/records-of-processing.test.ts
// compares it with the live schema: a column that is neither declared here nor listed in
// NON_PERSONAL_COLUMNS fails the suite, so a new column anywhere forces a decision.
//
// The rule used to decide: a column is personal when its value describes, identifies or can be
// linked by the shop to a natural person (a customer, a staff member, a supplier who is a person).
// Keys, foreign keys to such rows, timestamps of the row itself, amounts and product data are not.

/** Classes of personal data, the unit of the retention policy and of a breach report. */
export const DATA_CLASSES = {
  customer_identity: 'Identidad y contacto de clientes (nombre, documento, email, teléfono, domicilio)',
  customer_preferences: 'Preferencias de clientes (consentimiento de marketing, restricciones)',
  customer_purchases: 'Compras de clientes identificados',
  staff_accounts: 'Cuentas del personal (usuario, email, credenciales)',
  staff_activity: 'Actividad del personal (quién hizo cada operación)',
  connection_data: 'Datos de conexión (dirección IP, sesiones, intentos de ingreso)',
  supplier_contacts: 'Proveedores que son personas humanas (nombre, CUIT, contacto)',
  fiscal_documents: 'Comprobantes de compra (emisor, CUIT, archivo de la factura)',
  security_records: 'Registros de seguridad (auditoría, alertas, incidentes)',
} as const;
export type DataClass = keyof typeof DATA_CLASSES;
export const DATA_CLASS_KEYS = Object.keys(DATA_CLASSES) as [DataClass, ...DataClass[]];

/** Ley 25.326 art. 5 and GDPR art. 6 (and art. 9 / art. 32 for security). */
export const LEGAL_BASES = {
  consent: 'Consentimiento libre, expreso e informado — Ley 25.326 art. 5.1; GDPR art. 6.1.a',
  contract: 'Relación contractual con el titular — Ley 25.326 art. 5.2.d; GDPR art. 6.1.b',
  legal_obligation: 'Obligación legal (conservación fiscal y contable, CCyC art. 328, Ley 11.683) — Ley 25.326 art. 5.2.b; GDPR art. 6.1.c',
  security: 'Deber de seguridad y confidencialidad — Ley 25.326 arts. 9 y 10, con la relación laboral (art. 5.2.d); GDPR arts. 6.1.f y 32',
} as const;
export type LegalBasis = keyof typeof LEGAL_BASES;

/**
 * How long a field lives. Retention classes are applied by the retention job (retention-policy.ts);
 * the others describe a lifetime the application keeps by itself.
 */
export const RETENTION_RULES = [
  'customers_inactive',
  'sessions',
  'idempotency_records',
  'audit_events',
  'invoice_files',
  'fiscal_records',
  'account_lifetime',
  'supplier_relationship',
  'accountability_records',
] as const;
export type RetentionRule = (typeof RETENTION_RULES)[number];

export const RECIPIENTS = {
  admin: 'Administradores del comercio',
  manager: 'Encargados',
  auditor: 'Auditores',
  staff: 'Todo el personal con acceso al sistema',
  tax_authority: 'ARCA/AFIP, ante requerimiento legal',
  aaip: 'AAIP u otra autoridad de control, ante un incidente o requerimiento',
  hosting: 'Proveedor del servidor o de las copias de seguridad (encargado del tratamiento), solo cifrado',
} as const;
export type Recipient = keyof typeof RECIPIENTS;

export interface PersonalField {
  table: string;
  column: string;
  dataClass: DataClass;
  /** In Spanish: the records of processing and the privacy policy are for people in Argentina. */
  purpose: string;
  legalBasis: LegalBasis;
  retention: RetentionRule;
  recipients: Recipient[];
  /** Stored sealed with the person's own data key (AES-256-GCM envelope); erasable by crypto-shredding. */
  sealed?: boolean;
}

const field = (
  table: string,
  column: string,
  dataClass: DataClass,
  purpose: string,
  legalBasis: LegalBasis,
  retention: RetentionRule,
  recipients: Recipient[],
  sealed = false,
): PersonalField => ({ table, column, dataClass, purpose, legalBasis, retention, recipients, ...(sealed ? { sealed } : {}) });

const CUSTOMER_FIELD = 'Identificar al cliente y contactarlo por sus compras, cuentas o reclamos';
const ACTOR = 'Saber quién hizo cada operación (control interno y trazabilidad)';
const SUPPLIER = 'Gestionar compras y pagos a proveedores';
const INVOICE = 'Registrar y conservar los comprobantes de compra';

export const PERSONAL_DATA: readonly PersonalField[] = [
  // Customers: every personal value sealed under the customer's own data key.
  field('customers', 'name_sealed', 'customer_identity', CUSTOMER_FIELD, 'contract', 'customers_inactive', ['admin', 'manager', 'hosting'], true),
  field('customers', 'doc_type_sealed', 'customer_identity', CUSTOMER_FIELD, 'contract', 'customers_inactive', ['admin', 'manager', 'hosting'], true),
  field('customers', 'doc_number_sealed', 'customer_identity', CUSTOMER_FIELD, 'contract', 'customers_inactive', ['admin', 'manager', 'hosting'], true),
  field('customers', 'email_sealed', 'customer_identity', CUSTOMER_FIELD, 'contract', 'customers_inactive', ['admin', 'manager', 'hosting'], true),
  field('customers', 'phone_sealed', 'customer_identity', CUSTOMER_FIELD, 'contract', 'customers_inactive', ['admin', 'manager', 'hosting'], true),
  field('customers', 'address_sealed', 'customer_identity', CUSTOMER_FIELD, 'contract', 'customers_inactive', ['admin', 'manager', 'hosting'], true),
  field('customers', 'doc_index', 'customer_identity', 'Buscar un cliente por documento sin descifrar (índice ciego HMAC) y evitar duplicados', 'contract', 'customers_inactive', ['admin', 'manager']),
  field('customers', 'email_index', 'customer_identity', 'Buscar un cliente por email sin descifrar (índice ciego HMAC)', 'contract', 'customers_inactive', ['admin', 'manager']),
  field('customers', 'marketing_consent', 'customer_preferences', 'Enviar comunicaciones comerciales solo a quien lo aceptó', 'consent', 'customers_inactive', ['admin', 'manager']),
  field('customers', 'restricted_at', 'customer_preferences', 'Respetar la oposición o limitación del tratamiento (publicidad)', 'legal_obligation', 'customers_inactive', ['admin', 'manager']),
  field('customers', 'restriction_reason', 'customer_preferences', 'Respetar la oposición o limitación del tratamiento (publicidad)', 'legal_obligation', 'customers_inactive', ['admin', 'manager']),
  field('customer_consent_events', 'marketing_consent', 'customer_preferences', 'Probar cuándo y cómo se dio o retiró el consentimiento', 'consent', 'customers_inactive', ['admin', 'manager']),
  field('customer_consent_events', 'source', 'customer_preferences', 'Probar cuándo y cómo se dio o retiró el consentimiento', 'consent', 'customers_inactive', ['admin', 'manager']),
  field('customer_consent_events', 'actor', 'staff_activity', ACTOR, 'security', 'customers_inactive', ['admin', 'manager']),
  field('customer_restriction_events', 'restricted', 'customer_preferences', 'Historial de oposiciones y limitaciones', 'legal_obligation', 'customers_inactive', ['admin', 'manager']),
  field('customer_restriction_events', 'reason', 'customer_preferences', 'Historial de oposiciones y limitaciones', 'legal_obligation', 'customers_inactive', ['admin', 'manager']),
  field('customer_restriction_events', 'actor', 'staff_activity', ACTOR, 'security', 'customers_inactive', ['admin', 'manager']),
  field('customer_rectifications', 'old_values_sealed', 'customer_identity', 'Historial de rectificaciones (valores anteriores, solo para administradores)', 'legal_obligation', 'customers_inactive', ['admin'], true),
  field('customer_rectifications', 'actor', 'staff_activity', ACTOR, 'security', 'customers_inactive', ['admin']),
  field('customer_legal_holds', 'note', 'customer_identity', 'Justificar por qué se conservan datos pese a un pedido de supresión (deuda, litigio)', 'legal_obligation', 'customers_inactive', ['admin']),
  field('customer_legal_holds', 'created_by', 'staff_activity', ACTOR, 'security', 'customers_inactive', ['admin']),
  field('customer_legal_holds', 'released_by', 'staff_activity', ACTOR, 'security', 'customers_inactive', ['admin']),
  field('customer_erasures', 'actor', 'staff_activity', ACTOR, 'legal_obligation', 'accountability_records', ['admin', 'auditor']),
  field('stock_movements', 'customer_id', 'customer_purchases', 'Saber qué compró un cliente identificado (factura a su nombre, cuenta, devoluciones)', 'contract', 'fiscal_records', ['staff', 'tax_authority']),
  // Staff accounts and what they do.
  field('users', 'username', 'staff_accounts', 'Identificar a cada persona que usa el panel', 'contract', 'account_lifetime', ['admin', 'auditor']),
  field('users', 'email_sealed', 'staff_accounts', 'Contactar a la persona titular de la cuenta', 'contract', 'account_lifetime', ['admin'], true),
  field('users', 'password_hash', 'staff_accounts', 'Autenticar (solo el hash argon2id, nunca la contraseña)', 'security', 'account_lifetime', []),
  field('users', 'created_by', 'staff_activity', ACTOR, 'security', 'account_lifetime', ['admin', 'auditor']),
  field('api_keys', 'name', 'staff_accounts', 'Distinguir las claves de API (puede nombrar a una persona)', 'security', 'account_lifetime', ['admin']),
  field('api_keys', 'created_by', 'staff_activity', ACTOR, 'security', 'account_lifetime', ['admin']),
  field('user_sessions', 'user_id', 'connection_data', 'Mantener la sesión iniciada en el panel', 'security', 'sessions', []),
  field('user_sessions', 'last_seen_at', 'connection_data', 'Cerrar sesiones inactivas', 'security', 'sessions', []),
  field('login_throttles', 'key', 'connection_data', 'Bloquear ataques de adivinación de contraseñas (usuario o IP)', 'security', 'sessions', []),
  field('audit_events', 'actor', 'staff_activity', ACTOR, 'security', 'audit_events', ['admin', 'auditor', 'aaip']),
  field('audit_events', 'ip', 'connection_data', 'Investigar accesos indebidos', 'security', 'audit_events', ['admin', 'auditor', 'aaip']),
  field('audit_events', 'resource', 'security_records', 'Registrar sobre qué dato se actuó (por ejemplo customer:<id>, sin datos en claro)', 'security', 'audit_events', ['admin', 'auditor', 'aaip']),
  field('audit_events', 'details', 'security_records', 'Registrar qué campos se leyeron o cambiaron (nunca los valores personales)', 'security', 'audit_events', ['admin', 'auditor', 'aaip']),
  field('audit_alerts', 'actor', 'staff_activity', 'Alertar sobre comportamientos anómalos', 'security', 'audit_events', ['admin', 'auditor']),
  field('audit_alerts', 'summary', 'security_records', 'Describir la alerta (puede nombrar al usuario)', 'security', 'audit_events', ['admin', 'auditor']),
  field('audit_alerts', 'details', 'security_records', 'Evidencia de la alerta', 'security', 'audit_events', ['admin', 'auditor']),
  field('audit_alerts', 'status_changed_by', 'staff_activity', ACTOR, 'security', 'audit_events', ['admin', 'auditor']),
  field('audit_alerts', 'status_note', 'security_records', 'Nota de quien revisó la alerta', 'security', 'audit_events', ['admin', 'auditor']),
  field('idempotency_keys', 'scope', 'staff_activity', 'Evitar operaciones duplicadas por reintentos (identifica al llamante)', 'security', 'idempotency_records', []),
  field('idempotency_keys', 'response_body', 'staff_activity', 'Repetir la respuesta original a un reintento (incluye quién operó)', 'security', 'idempotency_records', []),
  field('stock_movements', 'actor', 'staff_activity', ACTOR, 'legal_obligation', 'fiscal_records', ['staff', 'tax_authority']),
  field('price_changes', 'actor', 'staff_activity', ACTOR, 'legal_obligation', 'fiscal_records', ['staff']),
  field('pricing_runs', 'actor', 'staff_activity', ACTOR, 'legal_obligation', 'fiscal_records', ['admin', 'manager']),
  field('settings', 'updated_by', 'staff_activity', ACTOR, 'security', 'account_lifetime', ['admin', 'manager']),
  // Suppliers may be natural persons (a CUIT starting with 20, 23, 24 or 27).
  field('suppliers', 'name', 'supplier_contacts', SUPPLIER, 'contract', 'supplier_relationship', ['staff', 'tax_authority']),
  field('suppliers', 'cuit', 'supplier_contacts', SUPPLIER, 'legal_obligation', 'supplier_relationship', ['staff', 'tax_authority']),
  field('suppliers', 'email', 'supplier_contacts', SUPPLIER, 'contract', 'supplier_relationship', ['staff']),
  field('suppliers', 'phone', 'supplier_contacts', SUPPLIER, 'contract', 'supplier_relationship', ['staff']),
  field('suppliers', 'address', 'supplier_contacts', SUPPLIER, 'contract', 'supplier_relationship', ['staff']),
  field('invoices', 'issuer_cuit', 'fiscal_documents', INVOICE, 'legal_obligation', 'fiscal_records', ['staff', 'tax_authority']),
  field('invoices', 'issuer_name', 'fiscal_documents', INVOICE, 'legal_obligation', 'fiscal_records', ['staff', 'tax_authority']),
  field('invoices', 'qr_payload', 'fiscal_documents', 'Verificar el comprobante con el QR de ARCA/AFIP (CUIT del emisor y del receptor)', 'legal_obligation', 'fiscal_records', ['staff', 'tax_authority']),
  field('invoices', 'file_sha256', 'fiscal_documents', 'Ubicar el archivo original de la factura', 'legal_obligation', 'invoice_files', ['staff', 'tax_authority']),
  field('invoices', 'created_by', 'staff_activity', ACTOR, 'legal_obligation', 'fiscal_records', ['staff']),
  field('invoices', 'confirmed_by', 'staff_activity', ACTOR, 'legal_obligation', 'fiscal_records', ['staff']),
  field('invoice_supplier_codes', 'issuer_cuit', 'supplier_contacts', 'Reconocer los artículos de cada proveedor en sus facturas', 'contract', 'supplier_relationship', ['staff']),
  // This module's own tables.
  field('privacy_breaches', 'title', 'security_records', 'Registro de incidentes de seguridad (Ley 25.326 art. 9; GDPR art. 33.5)', 'legal_obligation', 'accountability_records', ['admin', 'aaip']),
  field('privacy_breaches', 'description', 'security_records', 'Registro de incidentes de seguridad (Ley 25.326 art. 9; GDPR art. 33.5)', 'legal_obligation', 'accountability_records', ['admin', 'aaip']),
  field('privacy_breaches', 'likely_consequences', 'security_records', 'Evaluar el riesgo para las personas afectadas', 'legal_obligation', 'accountability_records', ['admin', 'aaip']),
  field('privacy_breaches', 'measures_taken', 'security_records', 'Documentar la respuesta al incidente', 'legal_obligation', 'accountability_records', ['admin', 'aaip']),
  field('privacy_breaches', 'created_by', 'staff_activity', ACTOR, 'legal_obligation', 'accountability_records', ['admin']),
  field('privacy_breaches', 'updated_by', 'staff_activity', ACTOR, 'legal_obligation', 'accountability_records', ['admin']),
  field('retention_runs', 'actor', 'staff_activity', ACTOR, 'legal_obligation', 'accountability_records', ['admin']),
];

/**
 * Columns decided NOT to hold personal data, per table (a view included). The reason is the rule
 * at the top of this file; where a column could be mistaken for personal, the comment says why.
 */
export const NON_PERSONAL_COLUMNS: Readonly<Record<string, readonly string[]>> = {
  // pseudonym: random, given at erasure, when the key is already destroyed (nothing links it back);
  // erasure_retained: field names and reasons only.
  customers: ['id', 'data_key_id', 'created_at', 'erased_at', 'pseudonym', 'erasure_retained'],
  customer_consent_events: ['id', 'customer_id', 'at'],
  customer_restriction_events: ['id', 'customer_id', 'at'],
  customer_rectifications: ['id', 'customer_id', 'data_key_id', 'at', 'fields'],
  customer_legal_holds: ['id', 'customer_id', 'reason', 'until', 'created_at', 'released_at'],
  // The erasure receipt: what was done, with field names and key ids only.
  customer_erasures: ['id', 'customer_id', 'at', 'destroyed_data_key_id', 'retained_data_key_id', 'erased_fields', 'retained'],
  users: ['id', 'role', 'data_key_id', 'created_at', 'updated_at', 'password_changed_at', 'disabled_at'],
  // token_hash: SHA-256 of a random cookie, useless without the cookie.
  user_sessions: ['id', 'token_hash', 'created_at', 'expires_at'],
  login_throttles: ['scope', 'failures', 'window_started_at', 'lock_level', 'locked_until', 'last_failure_at'],
  api_keys: ['id', 'role', 'prefix', 'key_hash', 'created_at', 'expires_at', 'revoked_at', 'last_used_at'],
  audit_events: ['seq', 'id', 'at', 'action', 'outcome', 'request_id'],
  audit_seals: ['position', 'event_seq', 'hash', 'sealed_at'],
  audit_pending: ['seq'],
  audit_alerts: [
    'id', 'rule', 'severity', 'at', 'status', 'dedup_key', 'dedup_until', 'evidence_seqs', 'status_changed_at',
    'delivery_state', 'delivery_attempts', 'next_delivery_at', 'last_delivery_error', 'created_at',
  ],
  idempotency_keys: ['key', 'request_hash', 'status', 'claim_token', 'response_status', 'locked_until', 'created_at', 'expires_at'],
  // subject is `customer:<id>` / `user:<id>`: a pointer, not content; wrapped_key is ciphertext.
  data_keys: ['id', 'subject', 'wrapped_key', 'kek_version', 'created_at', 'destroyed_at'],
  master_key_versions: ['version', 'kcv', 'created_at', 'retired_at'],
  locations: ['id', 'code', 'name', 'created_at'],
  products: [
    'id', 'sku', 'name', 'category', 'unit', 'barcode', 'supplier_id', 'cost_price', 'sale_price', 'vat_rate',
    'min_stock', 'max_stock', 'cost_updated_at', 'archived_at', 'created_at', 'updated_at',
  ],
  product_stock_totals: ['product_id', 'on_hand'],
  stock_levels: ['product_id', 'location_id', 'on_hand', 'updated_at'],
  // reason/reference are short operational texts (staff are told not to write personal data there).
  stock_movements: [
    'id', 'product_id', 'location_id', 'type', 'quantity', 'on_hand_before', 'on_hand_after', 'unit_cost', 'reason',
    'reference', 'to_location_id', 'transfer_id', 'created_at',
  ],
  suppliers: ['id', 'vat_condition', 'lead_time_days', 'created_at', 'updated_at'],
  pricing_runs: ['id', 'trigger', 'scheduled_for', 'category', 'note', 'settings', 'changed', 'created_at'],
  price_changes: ['id', 'product_id', 'old_price', 'new_price', 'reason', 'note', 'run_id', 'details', 'created_at'],
  settings: ['key', 'value', 'updated_at'],
  forecast_results: [
    'product_id', 'model', 'history_through', 'source_mark', 'points', 'sigma', 'backtest_mase', 'backtest_wape',
    'candidates', 'observed_days', 'censored_days', 'computed_at',
  ],
  // Amounts, lines of goods and parsing metadata; the issuer is declared above.
  invoices: [
    'id', 'status', 'invoice_type', 'letter', 'point_of_sale', 'number', 'issue_date', 'cae', 'net', 'vat',
    'other_taxes', 'total', 'supplier_id', 'vat_breakdown', 'lines', 'sources', 'confidence', 'warnings', 'file_type',
    'file_size', 'confirmed_at', 'created_at', 'updated_at',
  ],
  invoice_supplier_codes: ['code', 'product_id', 'updated_at'],
  privacy_breaches: [
    'id', 'occurred_at', 'detected_at', 'data_classes', 'people_affected', 'status', 'notified_at', 'authority_reference',
    'delay_reason', 'closed_at', 'alert_ids', 'created_at', 'updated_at',
  ],
  retention_runs: ['id', 'trigger', 'dry_run', 'started_at', 'finished_at', 'classes'],
};

/** Personal fields grouped by data class, in declaration order. */
export function fieldsByClass(): Map<DataClass, PersonalField[]> {
  const map = new Map<DataClass, PersonalField[]>();
  for (const f of PERSONAL_DATA) map.set(f.dataClass, [...(map.get(f.dataClass) ?? []), f]);
  return map;
}
