// The records of processing are generated from code and must match it: the committed documents
// equal what `npm run docs:privacy` writes with the default configuration, every column of the
// migrated schema (both engines) is either declared personal or listed as non-personal, no
// declaration points at a column that does not exist, and the docs/privacy index lists every document.
// (The compliance checklist's citations are checked by compliance-checklist.test.ts.)
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFrom } from '../../src/config.ts';
import { queryRows } from '../../src/platform/db/types.ts';
import { generatedPrivacyDocs } from '../../src/modules/privacy/docs.ts';
import { NON_PERSONAL_COLUMNS, PERSONAL_DATA } from '../../src/modules/privacy/personal-data.ts';
import { testEngines } from '../helpers/engines.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-db.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const DOCS = path.join(ROOT, 'docs/privacy');

describe('generated privacy documents', () => {
  it('are up to date with the declarations and the default configuration (run `npm run docs:privacy`)', () => {
    for (const [name, content] of Object.entries(generatedPrivacyDocs(configFrom({})))) {
      const file = path.join(DOCS, name);
      expect(fs.existsSync(file), `${name} is missing: run npm run docs:privacy`).toBe(true);
      expect(fs.readFileSync(file, 'utf8'), `${name} is out of date: run npm run docs:privacy`).toBe(content);
    }
  });

  it('fill the privacy policy from the configuration', () => {
    const docs = generatedPrivacyDocs(
      configFrom({ PRIVACY_CONTROLLER_NAME: 'Almacén Don José SRL', PRIVACY_CONTROLLER_CUIT: '30-71234567-1', RETENTION_CUSTOMERS_INACTIVE_YEARS: '3' }),
    );
    expect(docs['privacy-policy.es.md']).toContain('**Almacén Don José SRL** (CUIT 30-71234567-1)');
    expect(docs['privacy-policy.es.md']).toContain('tras **3 años** sin actividad');
    expect(docs['retention-policy.md']).toContain('durante 3 años');
    expect(docs['records-of-processing.md']).toContain('se anonimiza tras 3 años');
  });

  it('are listed, with every other privacy document, in the docs/privacy index', () => {
    const index = fs.readFileSync(path.join(DOCS, 'README.md'), 'utf8');
    const missing = fs.readdirSync(DOCS).filter((f) => f !== 'README.md' && !index.includes(`(${f})`));
    expect(missing).toEqual([]);
  });
});

describe.each(testEngines())('personal-data declarations against the migrated schema on %s', (engine) => {
  let db: TestDatabase;
  let columns: Set<string>;
  beforeAll(async () => {
    db = await createTestDatabase(engine);
    const rows = await queryRows<{ t: string; c: string }>(
      db.database.db,
      sql`select table_name as t, column_name as c from information_schema.columns where table_schema = 'public'`,
    );
    columns = new Set(rows.map((r) => `${r.t}.${r.c}`));
  });
  afterAll(async () => db?.drop());

  const personal = () => new Set(PERSONAL_DATA.map((f) => `${f.table}.${f.column}`));
  const nonPersonal = () => new Set(Object.entries(NON_PERSONAL_COLUMNS).flatMap(([t, cs]) => cs.map((c) => `${t}.${c}`)));

  it('has a decision for every column: declared personal in personal-data.ts or listed as non-personal', () => {
    const [p, np] = [personal(), nonPersonal()];
    const undecided = [...columns].filter((c) => !p.has(c) && !np.has(c)).sort();
    expect(undecided, 'add these columns to PERSONAL_DATA or NON_PERSONAL_COLUMNS in src/modules/privacy/personal-data.ts').toEqual([]);
  });

  it('declares each column once, never both ways, and only columns that exist', () => {
    const keys = PERSONAL_DATA.map((f) => `${f.table}.${f.column}`);
    expect(keys.filter((k, i) => keys.indexOf(k) !== i)).toEqual([]);
    const np = nonPersonal();
    expect(keys.filter((k) => np.has(k))).toEqual([]);
    expect([...personal(), ...np].filter((c) => !columns.has(c)).sort()).toEqual([]);
  });

  it('covers the personal data the domain names', () => {
    const p = personal();
    for (const c of ['customers.name_sealed', 'customers.doc_number_sealed', 'customers.email_sealed', 'users.email_sealed', 'audit_events.ip', 'audit_events.actor', 'suppliers.cuit', 'invoices.issuer_cuit']) {
      expect(p.has(c), c).toBe(true);
    }
  });
});
