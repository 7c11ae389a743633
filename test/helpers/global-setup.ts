// Builds migrated templates once per run: a PGlite data directory (copied by the process and
// browser tests, whose servers would otherwise each spend seconds on initdb and migrations), the
// same as a tarball (loaded by in-process tests) and, when PostgreSQL is available, a template
// database. Each test file then clones one in well under a second.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { openPglite } from '../../src/platform/db/engines.ts';
import { openPg } from '../../src/platform/db/engines.ts';
import { runMigrations } from '../../src/platform/db/migrate.ts';
import { testDatabaseUrl, withDatabaseName } from './engines.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteTemplate: string;
    /** A migrated `$INVENTARIO_DATA_DIR/pg`, to copy (never to open in place). */
    pgliteDataDirTemplate: string;
    pgTemplateDb: string | null;
  }
}

export default async function setup(project: TestProject) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'inventario-test-'));
  const dataDirTemplate = path.join(dir, 'pglite-data', 'pg');
  fs.mkdirSync(path.dirname(dataDirTemplate));
  const pglite = await openPglite({ dataDir: dataDirTemplate });
  await runMigrations(pglite);
  const dump = await pglite.client.dumpDataDir('none');
  const templateFile = path.join(dir, 'pglite-template.tar');
  fs.writeFileSync(templateFile, Buffer.from(await dump.arrayBuffer()));
  await pglite.close();
  project.provide('pgliteTemplate', templateFile);
  project.provide('pgliteDataDirTemplate', dataDirTemplate);

  const url = testDatabaseUrl();
  let templateDb: string | null = null;
  if (url) {
    templateDb = `inventario_tmpl_${process.pid}_${Date.now()}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      await admin.query(`create database ${templateDb}`);
    } finally {
      await admin.end();
    }
    const db = openPg({ url: withDatabaseName(url, templateDb), poolSize: 2 });
    await runMigrations(db);
    await db.close();
  }
  project.provide('pgTemplateDb', templateDb);

  return async () => {
    fs.rmSync(dir, { recursive: true, force: true });
    if (url && templateDb) {
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      await admin.query(`drop database if exists ${templateDb} with (force)`);
      await admin.end();
    }
  };
}
