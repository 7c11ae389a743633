// `inventario audit verify|report`. Both work on the database directly when the server is
// stopped (or on PostgreSQL), or ask a running server with --url and INVENTARIO_API_KEY: the
// embedded database belongs to one process and is never opened behind the server's back.
import fs from 'node:fs';
import { once } from 'node:events';
import type { Command } from 'commander';
import type { Config } from '../config.ts';
import { DataDirLockedError } from '../platform/db/data-dir-lock.ts';
import { AppError } from '../platform/http/errors.ts';
import type { Services } from '../services.ts';
import type { VerifyReport } from '../platform/audit/verifier.ts';
import { eventListQuery, toEventDto, type EventDto } from '../modules/audit/schemas.ts';
import { REPORT_FORMATS, writeReport, type EventSource, type ReportFormat } from '../modules/audit/report.ts';
import { configOrExit } from './context.ts';
import { fail, printResult, wantsJson } from './output.ts';
import { callServer, serverBaseUrl } from './server-api.ts';

const CLI_CONTEXT = { actor: 'cli', ip: null, requestId: null };

async function withAuditServices<T>(config: Config, command: string, fn: (services: Services) => Promise<T>): Promise<T> {
  // The engines and the service graph load only when a command runs (`--help` stays instant).
  const [{ openDatabase }, { runMigrations }, { createServices }] = await Promise.all([
    import('../platform/db/open.ts'),
    import('../platform/db/migrate.ts'),
    import('../services.ts'),
  ]);
  let database;
  try {
    database = await openDatabase(config, `audit ${command}`);
  } catch (err) {
    if (err instanceof DataDirLockedError) {
      fail(
        `the server is running on ${config.dataDir} and holds its database: stop it first, or ask it with ` +
          `\`inventario audit ${command} --url http://${config.host}:${config.port}\` and an admin or auditor key in INVENTARIO_API_KEY`,
      );
    }
    throw err;
  }
  try {
    await runMigrations(database);
    return await fn(createServices({ config, database }));
  } finally {
    await database.close();
  }
}

async function apiGet(config: Config, base: string, path: string): Promise<unknown> {
  // A full verification of millions of events takes a while.
  return callServer(config, base, path, { keyRoles: 'an admin or auditor', timeoutMs: 30 * 60_000 });
}

function humanVerify(r: VerifyReport): string {
  const lines: string[] = [];
  if (r.ok) {
    lines.push(`Cadena de auditoría íntegra: ${r.events_checked} eventos verificados.`);
  } else {
    lines.push(`CADENA DE AUDITORÍA ALTERADA: ${r.problems.length} problema(s); primer evento afectado: ${r.first_bad_seq ?? 'desconocido'}.`);
    for (const p of r.problems) lines.push(`  - ${p.kind}${p.seq !== null ? ` (evento ${p.seq})` : ''}: ${p.message}`);
  }
  lines.push(`Cabeza: posición ${r.head_position}, hash ${r.head_hash ?? '(vacía)'}.`);
  const c = r.last_checkpoint;
  if (c) {
    const state = c.matches === true ? 'coincide' : c.matches === false ? 'NO coincide' : 'no comparado';
    lines.push(`Último punto de control firmado: posición ${c.seal_position} (${c.at}), ${state}.`);
  }
  for (const w of r.warnings) lines.push(`Aviso: ${w}`);
  return lines.join('\n');
}

function parseWhen(value: string | undefined, option: string): string | undefined {
  if (value === undefined) return undefined;
  const parsed = eventListQuery.shape.from.safeParse(value);
  if (!parsed.success) fail(`${option} must be a date (2026-03-01) or an RFC 3339 instant (2026-03-01T12:00:00Z)`, 2);
  return value;
}

function sinkFor(out: string | undefined): { write: (chunk: string) => Promise<void>; close: () => Promise<void> } {
  // Audit data: readable only by whoever wrote it.
  const stream = out ? fs.createWriteStream(out, { mode: 0o600 }) : process.stdout;
  return {
    write: async (chunk) => {
      if (!stream.write(chunk)) await once(stream, 'drain');
    },
    close: async () => {
      if (stream === process.stdout) return;
      const file = stream as fs.WriteStream;
      file.end();
      await once(file, 'finish');
    },
  };
}

export function registerAuditCommands(program: Command): void {
  const audit = program.command('audit').description('Verify the tamper-evident audit trail and export audit reports');

  audit
    .command('verify')
    .description('Seal pending events, recompute the whole hash chain and compare it with the signed checkpoints (exit 0 intact, 1 not)')
    .option('--url <url>', 'ask this running server instead of opening the database (API key in INVENTARIO_API_KEY)')
    .option('--json', 'print the full report as JSON')
    .action(async (opts: { url?: string; json?: boolean }) => {
      const config = configOrExit();
      const report = opts.url
        ? ((await apiGet(config, serverBaseUrl(opts.url), '/api/v1/audit/verify')) as VerifyReport)
        : await withAuditServices(config, 'verify', (services) => services.auditTrail.verify(CLI_CONTEXT));
      printResult(opts, report as unknown as Record<string, unknown>, humanVerify(report));
      process.exitCode = report.ok ? 0 : 1;
    });

  audit
    .command('report')
    .description('Export the audit events of a period with a summary per action, outcome and actor')
    .option('--from <when>', 'start: a date (whole day in the store time zone) or an RFC 3339 instant')
    .option('--to <when>', 'end, inclusive: a date or an RFC 3339 instant')
    .option('--format <format>', `one of ${REPORT_FORMATS.join(', ')}`, 'json')
    .option('--out <file>', 'write the report to this file (mode 0600) instead of stdout')
    .option('--url <url>', 'read the events from this running server (API key in INVENTARIO_API_KEY)')
    .option('--json', 'with --out: print the summary line as JSON')
    .action(async (opts: { from?: string; to?: string; format: string; out?: string; url?: string; json?: boolean }) => {
      if (!(REPORT_FORMATS as readonly string[]).includes(opts.format)) fail(`--format must be one of ${REPORT_FORMATS.join(', ')}`, 2);
      const from = parseWhen(opts.from, '--from');
      const to = parseWhen(opts.to, '--to');
      const config = configOrExit();
      const meta = { from: from ?? null, to: to ?? null, generated_at: new Date().toISOString() };
      const run = async (source: EventSource) => {
        const sink = sinkFor(opts.out);
        const summary = await writeReport(opts.format as ReportFormat, source, meta, sink.write);
        await sink.close();
        if (opts.out) {
          const human = `Informe de auditoría (${opts.format}) escrito en ${opts.out}: ${summary.total} eventos.`;
          process.stdout.write(wantsJson(opts) ? `${JSON.stringify({ out: opts.out, format: opts.format, events: summary.total })}\n` : `${human}\n`);
        }
      };
      try {
        if (opts.url) {
          const events = await fetchAllEvents(config, serverBaseUrl(opts.url), from, to);
          await run(async function* () {
            yield* events;
          });
        } else {
          await withAuditServices(config, 'report', (services) =>
            run(async function* () {
              for await (const row of services.auditTrail.eventsInRange(from, to)) yield toEventDto(row);
            }),
          );
        }
      } catch (err) {
        if (err instanceof AppError) fail(err.detail, 2);
        throw err;
      }
    });
}

/** Pages through GET /audit/events (newest first) and returns the events oldest first. */
async function fetchAllEvents(config: Config, base: string, from: string | undefined, to: string | undefined): Promise<EventDto[]> {
  const events: EventDto[] = [];
  let cursor: string | null = null;
  do {
    const qs = new URLSearchParams({ limit: '500', ...(from ? { from } : {}), ...(to ? { to } : {}), ...(cursor ? { cursor } : {}) });
    const page = (await apiGet(config, base, `/api/v1/audit/events?${qs}`)) as { items: EventDto[]; next_cursor: string | null };
    events.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor);
  return events.reverse();
}
