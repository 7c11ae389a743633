// Turns a row's record text form (what `select t::text` gives, the backup's row format) into a
// line of COPY's text format, so a restore loads rows with COPY, PostgreSQL's fastest path,
// without changing the backup format. Record form: `(a,"b c",,"")` — a field is quoted when it
// holds special characters, `""` and `\x` escape inside quotes, an empty unquoted field is NULL.
// COPY text form: fields separated by tabs, NULL is `\N`, and backslash, tab, newline and
// carriage return are backslash-escaped. Each field's text is passed through untouched
// otherwise, so every column type (arrays, json, bytea's `\x…`) reaches its own input function
// exactly as `record_in` would have handed it over.
import { BackupError } from './format.ts';

const BACKSLASH = 92;
const QUOTE = 34;
const COMMA = 44;

function escapeChar(code: number): string {
  if (code === BACKSLASH) return '\\\\';
  if (code === 9) return '\\t';
  if (code === 10) return '\\n';
  if (code === 13) return '\\r';
  return String.fromCharCode(code);
}

const malformed = (): never => {
  throw new BackupError('the backup is corrupted: a row is not in record form', 'corrupted');
};

// Anything that needs more than splitting: backslash escapes or COPY's special characters.
const NEEDS_SLOW_PATH = /[\\\t\n\r]/;

export function recordToCopyLine(rec: string): string {
  return convert(rec, NEEDS_SLOW_PATH.test(rec));
}

function convert(rec: string, special: boolean): string {
  if (!special) {
    const fast = splitPlain(rec);
    if (fast !== undefined) return fast;
  }
  return parseRecord(rec);
}

// In the JSON array a rows record is stored as, every backslash, tab, newline or carriage return
// of a row shows as a backslash escape other than `\"`; without one, no row needs looking at.
const JSON_ESCAPE = /\\[^"]/;

/**
 * A rows record's JSON array of rows in record form → the UTF-8 COPY text of all of them, one
 * line each. Joined and encoded once (a string built with += is a rope every consumer flattens
 * again), and the special-character scan runs once over the batch instead of once per row.
 */
export function recordsToCopyText(json: string): Buffer {
  const rows = JSON.parse(json) as unknown;
  if (!Array.isArray(rows)) malformed();
  const list = rows as unknown[];
  const special = JSON_ESCAPE.test(json);
  const lines = new Array<string>(list.length + 1);
  for (let i = 0; i < list.length; i++) {
    const rec = list[i];
    if (typeof rec !== 'string') malformed();
    lines[i] = convert(rec as string, special && NEEDS_SLOW_PATH.test(rec as string));
  }
  lines[list.length] = '';
  return Buffer.from(lines.join('\n'), 'utf8');
}

/**
 * The common case (no backslash, tab or newline anywhere, no doubled quote): whole fields are
 * either quoted or not, so they are cut out with indexOf instead of character by character.
 */
function splitPlain(rec: string): string | undefined {
  const end = rec.length - 1;
  if (rec.charCodeAt(0) !== 40 || rec.charCodeAt(end) !== 41) malformed();
  let out = '';
  let i = 1;
  for (;;) {
    let next: number;
    if (rec.charCodeAt(i) === QUOTE) {
      const close = rec.indexOf('"', i + 1);
      if (close < 0 || close >= end) return undefined;
      next = close + 1;
      const after = rec.charCodeAt(next);
      if (next !== end && after !== COMMA) return undefined; // a doubled quote or mixed quoting
      out += rec.slice(i + 1, close);
    } else {
      next = rec.indexOf(',', i);
      if (next < 0 || next > end) next = end;
      if (next === i) out += '\\N';
      else {
        const piece = rec.slice(i, next);
        if (piece.includes('"')) return undefined;
        out += piece;
      }
    }
    if (next >= end) return out;
    out += '\t';
    i = next + 1;
  }
}

function parseRecord(rec: string): string {
  const end = rec.length - 1;
  if (rec.charCodeAt(0) !== 40 || rec.charCodeAt(end) !== 41) malformed();
  let out = '';
  let i = 1;
  for (;;) {
    // One field, from i up to the next comma (or the closing parenthesis) outside quotes.
    let empty = true;
    let inQuotes = false;
    let from = i;
    for (;;) {
      if (i >= end) {
        if (inQuotes) malformed();
        break;
      }
      const c = rec.charCodeAt(i);
      if (c === QUOTE) {
        empty = false;
        out += rec.slice(from, i);
        if (inQuotes && rec.charCodeAt(i + 1) === QUOTE) {
          out += '"';
          i += 2;
        } else {
          inQuotes = !inQuotes;
          i += 1;
        }
        from = i;
      } else if (c === BACKSLASH) {
        empty = false;
        if (i + 1 >= end && !inQuotes) malformed();
        out += rec.slice(from, i) + escapeChar(rec.charCodeAt(i + 1));
        i += 2;
        from = i;
      } else if (c === COMMA && !inQuotes) {
        break;
      } else if (c === 9 || c === 10 || c === 13) {
        empty = false;
        out += rec.slice(from, i) + escapeChar(c);
        i += 1;
        from = i;
      } else {
        empty = false;
        i += 1;
      }
    }
    out += empty ? '\\N' : rec.slice(from, i);
    if (i >= end) return out;
    out += '\t';
    i += 1;
  }
}
