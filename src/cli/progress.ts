// A progress bar on stderr for long commands (backup, restore, drill), only on a terminal and
// never with --json: scripts get one JSON line on stdout and nothing else.
import cliProgress from 'cli-progress';
import { wantsJson, type OutputOptions } from './output.ts';

export interface Progress {
  update(stage: string, done: number, total: number): void;
  stop(): void;
}

export function progressFor(options: OutputOptions): Progress {
  if (wantsJson(options) || !process.stderr.isTTY) return { update() {}, stop() {} };
  const bar = new cliProgress.SingleBar(
    { stream: process.stderr, format: '{stage} [{bar}] {percentage}% ({value}/{total})', hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  let current = '';
  return {
    update(stage, done, total) {
      if (!started) {
        bar.start(Math.max(total, 1), done, { stage });
        started = true;
      }
      if (stage !== current) {
        current = stage;
        bar.setTotal(Math.max(total, 1));
      }
      bar.update(done, { stage });
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
