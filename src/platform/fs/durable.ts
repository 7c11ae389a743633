// Small files that must survive a crash once a call returns: the keyring, the register of
// shredded keys, the erasure journal. Appends and replacements are flushed to disk (fsync), and a
// newly created file's directory entry too.
import fs from 'node:fs';
import path from 'node:path';

/** Flushes a directory's entries (a new or renamed file in it); best effort where unsupported. */
export function fsyncDir(dir: string): void {
  try {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // Some file systems refuse fsync on directories; the file's own fsync still holds its content.
  }
}

/**
 * Appends `text` to `file` (created 0600 with a 0700 directory when missing) and returns once it
 * is on disk.
 */
export function appendDurably(file: string, text: string): void {
  const created = !fs.existsSync(file);
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const fd = fs.openSync(file, 'a', 0o600);
  try {
    fs.writeSync(fd, text);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  if (created) fsyncDir(path.dirname(file));
}
