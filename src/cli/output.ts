// CLI output: human text on a terminal, JSON for scripts (--json or when stdout is not a TTY).
// This is the CLI's user interface, so it writes to stdout/stderr directly, not to the logger.

export interface OutputOptions {
  json?: boolean;
}

export function wantsJson(options: OutputOptions): boolean {
  return Boolean(options.json) || !process.stdout.isTTY;
}

export function printResult(options: OutputOptions, summary: Record<string, unknown>, human: string): void {
  process.stdout.write(wantsJson(options) ? `${JSON.stringify(summary)}\n` : `${human}\n`);
}

export function fail(message: string, code = 1): never {
  process.stderr.write(`error: ${message}\n`);
  process.exit(code);
}
