// Asking a running server instead of opening its database: while `serve` holds the embedded
// database, CLI commands that need it go through the admin API with --url and the API key in
// INVENTARIO_API_KEY (API.md, "Running it"). One place for the URL check, the call and the
// one-line error a person at a terminal reads.
import type { Config } from '../config.ts';
import { fail } from './output.ts';

/** The --url value without trailing slashes; anything but http(s) stops the command (exit 2). */
export function serverBaseUrl(url: string): string {
  if (!/^https?:\/\/[^\s]+$/.test(url)) fail('--url must be an http:// or https:// URL, e.g. http://127.0.0.1:8080', 2);
  return url.replace(/\/+$/, '');
}

export interface ServerCall {
  method?: 'GET' | 'POST';
  /** JSON body (POST). */
  body?: unknown;
  /** Which roles' keys work, for the message when INVENTARIO_API_KEY is missing. */
  keyRoles: string;
  /** Long work (a full audit verification, a backup) may take many minutes. */
  timeoutMs: number;
  /** The status that means success (default: any 2xx). */
  expectStatus?: number;
}

/** Calls the server's API and returns the parsed JSON answer, or fails with one clear line. */
export async function callServer(config: Config, base: string, path: string, call: ServerCall): Promise<unknown> {
  if (!config.cliApiKey) fail(`--url needs ${call.keyRoles} API key in INVENTARIO_API_KEY`, 2);
  const headers: Record<string, string> = { authorization: `Bearer ${config.cliApiKey}`, accept: 'application/json' };
  if (call.body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(`${base}${path}`, {
      method: call.method ?? 'GET',
      headers,
      ...(call.body !== undefined ? { body: JSON.stringify(call.body) } : {}),
      signal: AbortSignal.timeout(call.timeoutMs),
    });
  } catch (err) {
    fail(`could not reach ${base}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const text = await res.text();
  const ok = call.expectStatus !== undefined ? res.status === call.expectStatus : res.ok;
  if (!ok) {
    let detail = text.slice(0, 200);
    try {
      detail = (JSON.parse(text) as { detail?: string }).detail ?? detail;
    } catch {
      // not a problem document
    }
    fail(`${base} answered ${res.status}: ${detail}`);
  }
  return JSON.parse(text) as unknown;
}
