// A restore turns each row's record text form into a COPY line: every value must come back
// exactly, including the ones record and COPY quote differently (NULL vs empty string, quotes,
// backslashes, tabs, newlines, bytea, arrays, json).
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BackupError } from './format.ts';
import { recordsToCopyText, recordToCopyLine } from './copy-text.ts';

describe('recordToCopyLine', () => {
  it('cuts fields, keeps NULL apart from the empty string and escapes what COPY treats specially', () => {
    expect(recordToCopyLine('(1,"a b",,"")')).toBe('1\ta b\t\\N\t');
    expect(recordToCopyLine('("say ""hi""","a\\\\b","x,y)")')).toBe('say "hi"\ta\\\\b\tx,y)');
    expect(recordToCopyLine('("tab\there","two\nlines","cr\r")')).toBe('tab\\there\ttwo\\nlines\tcr\\r');
    expect(recordToCopyLine('(,)')).toBe('\\N\t\\N');
  });

  it('refuses text that is not a record', () => {
    expect(() => recordToCopyLine('1,2')).toThrow(BackupError);
    expect(() => recordToCopyLine('("open)')).toThrow(BackupError);
  });

  it('converts a stored batch (a JSON array of records) to the same lines, with or without special characters in it', () => {
    const plain = ['(1,"a b",,"")', '(2,x,"",y)'];
    expect(recordsToCopyText(JSON.stringify(plain)).toString('utf8')).toBe(plain.map((r) => `${recordToCopyLine(r)}\n`).join(''));
    const mixed = ['(1,"a b",,"")', '("tab\there","back\\\\slash")', '("say ""hi""",ñandú)'];
    expect(recordsToCopyText(JSON.stringify(mixed)).toString('utf8')).toBe('1\ta b\t\\N\t\n' + 'tab\\there\tback\\\\slash\n' + 'say "hi"\tñandú\n');
    expect(recordsToCopyText('[]').length).toBe(0);
    expect(() => recordsToCopyText('{"a":1}')).toThrow(BackupError);
    expect(() => recordsToCopyText('[1]')).toThrow(BackupError);
  });

  describe('round trip through PostgreSQL (PGlite)', () => {
    let pg: PGlite;
    beforeAll(async () => {
      pg = await PGlite.create();
      await pg.exec(`create table t (n int, s text, b bytea, a text[], j jsonb, m numeric, ts timestamptz);
        create table u (like t);`);
      await pg.query(`insert into t values
        (1, 'plain', '\\x00ff'::bytea, '{"a b","c,d",NULL,""}', '{"k": "v \\"q\\" \\\\ x"}', 12.50, '2026-11-28 10:00:00+00'),
        (2, E'tab\\there, "quoted" back\\\\slash\\nnew line (parens)', ''::bytea, '{}', '[]', -0.001, null),
        (3, '', null, null, 'null', null, '1999-01-01 00:00:00.123456+00'),
        (null, ' ', '\\x5c22'::bytea, '{"{\\"x\\"}"}', '"\\u00e9ñ"', 1e30, null)`);
    });
    afterAll(async () => {
      await pg?.close();
    });

    it('COPY of the converted rows gives back every value', async () => {
      await pg.exec(`set timezone = 'UTC'; set datestyle = 'ISO, YMD'`);
      const rows = (await pg.query<{ r: string }>('select t::text as r from t order by n nulls last')).rows.map((r) => r.r);
      // As a restore does it: the batch, stored as a JSON array, converted in one call.
      await pg.query(`copy u from '/dev/blob'`, [], { blob: new Blob([recordsToCopyText(JSON.stringify(rows))]) });
      const back = (await pg.query<{ r: string }>('select u::text as r from u order by n nulls last')).rows.map((r) => r.r);
      expect(back).toEqual(rows);
      const [same] = (await pg.query<{ ok: boolean }>('select (select count(*) from (select * from t except all select * from u) d) = 0 as ok')).rows;
      expect(same!.ok).toBe(true);
    });
  });
});
