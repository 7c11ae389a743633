// CSV files built in the browser (product export, purchase orders): no server round trip beyond the data itself.
//
// Format choices, for the spreadsheet an Argentine shop actually opens it with:
// - Separator `;` and decimal comma. Excel takes both from the system's regional settings; with
//   es-AR settings the decimal separator is `,` so the list separator is `;`. A comma-separated
//   file opens there as one column per line, and `1234.50` is read as text (or as a date). With
//   `;` and `1234,50` every cell lands in its column and numbers are numbers. LibreOffice asks on
//   import and offers `;` when it sees it. Numbers carry no thousands separator, which Excel
//   would otherwise have to guess.
// - UTF-8 with a BOM: without it Excel assumes the ANSI code page and "Lácteos" turns into
//   "LÃ¡cteos".
// - CRLF line ends and RFC 4180 quoting: a cell with `;`, `"`, CR or LF is wrapped in quotes and
//   its quotes doubled, so names like `Yerba "La Buena"; 1 kg` survive.
// - Formula injection (OWASP "CSV injection"): a text cell starting with = + - @ (or tab / CR,
//   which some spreadsheets strip before looking) would run as a formula when opened, so it is
//   prefixed with `'`, which makes the spreadsheet show it as text. Number cells we format
//   ourselves (digits and an optional decimal comma) cannot start with those characters and are
//   left alone so they stay numbers.

export const CSV_SEPARATOR = ';';
const BOM = '\uFEFF';
const NUMBER_CELL = /^\d+(,\d+)?$/;
const FORMULA_START = /^[=+\-@\t\r]/;

export type CsvCell = string | { number: string };

/** One cell, escaped and guarded. */
export function csvCell(cell: CsvCell): string {
  let text: string;
  if (typeof cell === 'object') {
    text = cell.number;
    if (!NUMBER_CELL.test(text) && text !== '') text = guard(text);
  } else {
    text = guard(cell);
  }
  return /[";\r\n]/.test(text) || /^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function guard(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** The whole file: BOM, header row and rows, CRLF after every line. */
export function buildCsv(headers: readonly string[], rows: CsvCell[][]): string {
  const lines = [headers.map((h) => csvCell(h)), ...rows.map((r) => r.map(csvCell))].map((cells) => cells.join(CSV_SEPARATOR));
  return `${BOM}${lines.join('\r\n')}\r\n`;
}

/** Hands the text to the browser as a file download (Blob + a temporary link; CSP-safe). */
export function downloadText(filename: string, text: string, type = 'text/csv;charset=utf-8'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // Revoked later, not now: some browsers start reading the Blob after click() returns.
  window.setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
