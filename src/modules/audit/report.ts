// Audit reports for `inventario audit report`: the events of a period and how many there were
// per action, outcome and actor, as JSON, CSV or a self-contained HTML page. Events are streamed
// (the source is read twice: once to count, once to write), so a year of events never sits in
// memory. Everything that came from the audit trail is escaped for the format it lands in.
import type { EventDto } from './schemas.ts';

export const REPORT_FORMATS = ['json', 'csv', 'html'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export type EventSource = () => AsyncIterable<EventDto>;

export interface ReportSummary {
  total: number;
  by_action: { key: string; count: number }[];
  by_outcome: { key: string; count: number }[];
  by_actor: { key: string; count: number }[];
}

export interface ReportMeta {
  from: string | null;
  to: string | null;
  generated_at: string;
}

/** Where the report goes; resolves once the chunk is accepted (back-pressure). */
export type Sink = (chunk: string) => Promise<void>;

export async function summarize(source: EventSource): Promise<ReportSummary> {
  const counters = { by_action: new Map<string, number>(), by_outcome: new Map<string, number>(), by_actor: new Map<string, number>() };
  let total = 0;
  for await (const e of source()) {
    total += 1;
    counters.by_action.set(e.action, (counters.by_action.get(e.action) ?? 0) + 1);
    counters.by_outcome.set(e.outcome, (counters.by_outcome.get(e.outcome) ?? 0) + 1);
    counters.by_actor.set(e.actor, (counters.by_actor.get(e.actor) ?? 0) + 1);
  }
  const sorted = (m: Map<string, number>) =>
    [...m].map(([key, count]) => ({ key, count })).sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
  return { total, by_action: sorted(counters.by_action), by_outcome: sorted(counters.by_outcome), by_actor: sorted(counters.by_actor) };
}

// ---------------------------------------------------------------------------------------------
// CSV (RFC 4180), with spreadsheet formula injection defused: a cell that a spreadsheet would
// evaluate (= + - @, tab, CR at the start) gets a leading apostrophe.

export function csvCell(value: string | number | null): string {
  if (value === null) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const EVENT_COLUMNS = ['seq', 'at', 'actor', 'action', 'resource', 'outcome', 'ip', 'request_id', 'details'] as const;

function csvRow(cells: (string | number | null)[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

function eventCells(e: EventDto): (string | number | null)[] {
  return [e.seq, e.at, e.actor, e.action, e.resource, e.outcome, e.ip, e.request_id, JSON.stringify(e.details)];
}

// ---------------------------------------------------------------------------------------------
// HTML

export function escapeHtml(value: string | number | null): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const STYLE = `body{font-family:system-ui,sans-serif;margin:2rem;color:#222}table{border-collapse:collapse;margin:1rem 0}
th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top;font-size:.85rem}
th{background:#f3f3f3}code{white-space:pre-wrap;word-break:break-all}.failure,.denied,.error{color:#a40000}`;

function summaryTableHtml(title: string, rows: { key: string; count: number }[]): string {
  const body = rows.map((r) => `<tr><td>${escapeHtml(r.key)}</td><td>${r.count}</td></tr>`).join('');
  return `<h2>${escapeHtml(title)}</h2><table><thead><tr><th>${escapeHtml(title)}</th><th>Eventos</th></tr></thead><tbody>${body}</tbody></table>\n`;
}

// ---------------------------------------------------------------------------------------------

export async function writeReport(format: ReportFormat, source: EventSource, meta: ReportMeta, sink: Sink): Promise<ReportSummary> {
  const summary = await summarize(source);
  if (format === 'json') {
    await sink(`{"report":"audit","from":${JSON.stringify(meta.from)},"to":${JSON.stringify(meta.to)},"generated_at":${JSON.stringify(meta.generated_at)},`);
    await sink(`"summary":${JSON.stringify(summary)},"events":[`);
    let first = true;
    for await (const e of source()) {
      await sink(`${first ? '' : ','}\n${JSON.stringify(e)}`);
      first = false;
    }
    await sink('\n]}\n');
  } else if (format === 'csv') {
    await sink(csvRow([...EVENT_COLUMNS]));
    for await (const e of source()) await sink(csvRow(eventCells(e)));
    // The summary follows as a second table after an empty line.
    await sink('\r\n');
    await sink(csvRow(['summary', 'key', 'count']));
    for (const [kind, rows] of [
      ['action', summary.by_action],
      ['outcome', summary.by_outcome],
      ['actor', summary.by_actor],
    ] as const) {
      for (const r of rows) await sink(csvRow([kind, r.key, r.count]));
    }
  } else {
    const period = `${meta.from ?? 'el inicio'} – ${meta.to ?? 'ahora'}`;
    await sink(
      `<!DOCTYPE html>\n<html lang="es"><head><meta charset="utf-8">` +
        `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">` +
        `<title>Informe de auditoría</title><style>${STYLE}</style></head><body>\n` +
        `<h1>Informe de auditoría</h1><p>Período: ${escapeHtml(period)}. Generado: ${escapeHtml(meta.generated_at)}. Eventos: ${summary.total}.</p>\n`,
    );
    await sink(summaryTableHtml('Acción', summary.by_action));
    await sink(summaryTableHtml('Resultado', summary.by_outcome));
    await sink(summaryTableHtml('Actor', summary.by_actor));
    await sink(`<h2>Eventos</h2><table><thead><tr>${EVENT_COLUMNS.map((c) => `<th>${c}</th>`).join('')}</tr></thead><tbody>\n`);
    for await (const e of source()) {
      const cells = eventCells(e).map((v, i) => (i === 8 ? `<td><code>${escapeHtml(v)}</code></td>` : `<td>${escapeHtml(v)}</td>`));
      await sink(`<tr class="${escapeHtml(e.outcome)}">${cells.join('')}</tr>\n`);
    }
    await sink('</tbody></table></body></html>\n');
  }
  return summary;
}
