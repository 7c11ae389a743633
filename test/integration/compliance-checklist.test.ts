// docs/privacy/compliance-checklist.md proves each article with a test named by file AND title:
//   `test/integration/x.test.ts` › "describe title" › "test title"   (describe titles only when needed)
// A path that exists is not a proof: an audit found rows citing files whose tests knew nothing of
// the claim. So this reads each cited file and fails unless exactly one test there carries that
// title, every cited test file names a title, and a row with no test says "no automated test:".
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const CHECKLIST = 'docs/privacy/compliance-checklist.md';

/** A backticked repository path, then any number of › "title" segments. */
const CITATION = /`((?:src|test|docs|web)\/[^`\s]+)`((?:\s*›\s*"[^"]+")*)/g;

interface Citation {
  file: string;
  titles: string[];
}

function citationsIn(text: string): Citation[] {
  return [...text.matchAll(CITATION)].map((m) => ({
    file: m[1]!.replace(/[#:].*$/, ''),
    titles: [...m[2]!.matchAll(/"([^"]+)"/g)].map((t) => t[1]!),
  }));
}

/** 'suite' for describe(...) and describe.each(...)(...); 'test' for it/test, their .each, and onlyOn(engine, 'pg')(...). */
function callKind(callee: ts.Expression): 'suite' | 'test' | undefined {
  let e = callee;
  if (ts.isCallExpression(e)) e = e.expression; // it.each(rows)(title, fn), onlyOn(engine, 'pg')(title, fn)
  if (ts.isPropertyAccessExpression(e) && e.name.text === 'each') e = e.expression;
  if (!ts.isIdentifier(e)) return undefined;
  if (e.text === 'describe') return 'suite';
  return ['it', 'test', 'onlyOn'].includes(e.text) ? 'test' : undefined;
}

/** Every test of a source file as its describe titles followed by its own title (literal titles only). */
function testsInSource(name: string, source: string): string[][] {
  const found: string[][] = [];
  const visit = (node: ts.Node, suites: string[]): void => {
    if (ts.isCallExpression(node)) {
      const kind = callKind(node.expression);
      const title = node.arguments[0];
      if (kind && title && ts.isStringLiteralLike(title)) {
        if (kind === 'test') found.push([...suites, title.text]);
        for (const arg of node.arguments.slice(1)) visit(arg, kind === 'suite' ? [...suites, title.text] : suites);
        return;
      }
    }
    ts.forEachChild(node, (child) => visit(child, suites));
  };
  visit(ts.createSourceFile(name, source, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS), []);
  return found;
}

const testsCache = new Map<string, string[][]>();
function testsInFile(file: string): string[][] {
  if (!testsCache.has(file)) testsCache.set(file, testsInSource(file, fs.readFileSync(path.join(ROOT, file), 'utf8')));
  return testsCache.get(file)!;
}

/** The tests whose title path ends with the cited titles. */
function matching(tests: string[][], titles: string[]): string[][] {
  return tests.filter((t) => t.length >= titles.length && titles.every((title, i) => t[t.length - titles.length + i] === title));
}

const describeCitation = (c: Citation) => [`\`${c.file}\``, ...c.titles.map((t) => `"${t}"`)].join(' › ');

describe('the compliance checklist', () => {
  const text = fs.readFileSync(path.join(ROOT, CHECKLIST), 'utf8');
  const citations = citationsIn(text);

  it('cites only files that exist', () => {
    expect(citations.length).toBeGreaterThan(40);
    expect(citations.filter((c) => !fs.existsSync(path.join(ROOT, c.file))).map((c) => c.file)).toEqual([]);
  });

  it('names, for every test file it cites, the title of exactly one test in that file', () => {
    const tests = citations.filter((c) => /^test\/.*\.test\.tsx?$/.test(c.file) && fs.existsSync(path.join(ROOT, c.file)));
    expect(tests.length).toBeGreaterThan(40);
    const untitled = tests.filter((c) => c.titles.length === 0).map(describeCitation);
    expect(untitled, 'cite the test as `file` › "exact test title"').toEqual([]);
    const wrong = tests
      .filter((c) => c.titles.length > 0)
      .map((c) => ({ c, n: matching(testsInFile(c.file), c.titles).length }))
      .filter(({ n }) => n !== 1)
      .map(({ c, n }) => `${describeCitation(c)}: ${n === 0 ? 'no test with this title' : `${n} tests match, add the describe title`}`);
    expect(wrong).toEqual([]);
    const titledNonTests = citations.filter((c) => c.titles.length > 0 && !/^test\//.test(c.file)).map(describeCitation);
    expect(titledNonTests, 'only test files have test titles').toEqual([]);
  });

  it('gives every row a titled test, or says "no automated test:" and how it is verified instead', () => {
    const rows = text.split('\n').filter((line) => line.startsWith('|') && !/^\|\s*-/.test(line) && !/\|\s*proof\s*\|\s*$/.test(line));
    expect(rows.length).toBeGreaterThan(45);
    const unproven = rows.filter((row) => {
      const proof = row.split('|').at(-2) ?? '';
      return !citationsIn(proof).some((c) => c.file.startsWith('test/') && c.titles.length > 0) && !proof.includes('no automated test:');
    });
    expect(unproven.map((row) => row.slice(0, 60))).toEqual([]);
  });

  it('finds titles in it, test, .each and onlyOn calls under their describe titles, and refuses a title from another file', () => {
    const source = `
      describe.each(engines)('rights on %s', (engine) => {
        describe('erasure', () => {
          it('erases a person', async () => {});
          it.each(['a', 'b'])('refuses %s', async () => {});
          onlyOn(engine, 'pg')('holds a lock', async () => {});
        });
        test('exports a person', () => {});
        it(\`built \${at} runtime\`, () => {});
      });`;
    expect(testsInSource('x.test.ts', source)).toEqual([
      ['rights on %s', 'erasure', 'erases a person'],
      ['rights on %s', 'erasure', 'refuses %s'],
      ['rights on %s', 'erasure', 'holds a lock'],
      ['rights on %s', 'exports a person'],
    ]);
    expect(matching(testsInSource('x.test.ts', source), ['erasure', 'erases a person'])).toHaveLength(1);
    expect(matching(testsInSource('x.test.ts', source), ['rights on %s', 'erases a person'])).toHaveLength(0);
    // The audit's finding: an erasure test cited under a file that has no such test.
    const [wrong] = citationsIn('`test/integration/audit-events.test.ts` › "erases everything of a person without a legal hold; the ledger keeps a pseudonym"');
    expect(matching(testsInFile(wrong!.file), wrong!.titles)).toEqual([]);
  });
});
