// Crash-safe file writes: the bytes go to a temporary file in the same directory, are flushed
// to disk (fsync), and only then renamed over the target. rename(2) within one file system is
// atomic, so a reader sees either the old file or the complete new one — never half of it.
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** Options of `atomicWriteFile`. */
export interface AtomicWriteOptions {
  /** Bytes per write call (default 1 MiB). */
  chunkSize?: number;
  /**
   * Called after each chunk reaches the temporary file with the bytes written so far. A hook
   * that throws simulates a crash half-way: the temporary file is removed and the target is
   * left as it was. (Used by tests; also handy for progress.)
   */
  onChunk?: (written: number, total: number) => void;
}

let counter = 0;

/** Writes `data` (bytes, or a string as UTF-8) to `path` atomically: temp file, fsync, rename. */
export function atomicWriteFile(path: string, data: Uint8Array | string, options: AtomicWriteOptions = {}): void {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  const chunk = options.chunkSize ?? 1 << 20;
  if (!Number.isInteger(chunk) || chunk < 1) throw new Error(`atomicWriteFile: chunkSize must be a positive integer, got ${String(options.chunkSize)}`);
  const dir = dirname(path);
  // A dot-file next to the target: same file system (so rename is atomic), hidden from listings.
  const tmp = join(dir, `.${basename(path)}.tmp-${process.pid}-${counter++}`);
  let fd: number | null = null;
  try {
    fd = openSync(tmp, 'wx', 0o644);
    let written = 0;
    while (written < bytes.length) {
      const n = writeSync(fd, bytes, written, Math.min(chunk, bytes.length - written));
      written += n;
      options.onChunk?.(written, bytes.length);
    }
    fsyncSync(fd);
    closeSync(fd);
    fd = null;
    renameSync(tmp, path);
  } catch (e) {
    if (fd !== null) {
      try { closeSync(fd); } catch { /* already failing; keep the first error */ }
    }
    try { unlinkSync(tmp); } catch { /* the temp file may not exist */ }
    const msg = (e as Error).message;
    throw new Error(`atomicWriteFile: ${path}: write failed (${msg}); the previous file, if any, is unchanged`, { cause: e });
  }
  // Make the rename itself durable. Not every platform can fsync a directory; that is not fatal.
  try {
    const dfd = openSync(dir, 'r');
    try { fsyncSync(dfd); } finally { closeSync(dfd); }
  } catch { /* best effort */ }
}
