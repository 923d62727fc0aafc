// Atomic file writes: bytes go to a temporary sibling file, are flushed (fsync), then renamed over
// the target and the folder is flushed too, so a reader (or a machine after a power cut) sees the
// old file or the whole new one, never half of it; on failure (a full disk, a read-only folder)
// the temporary file is removed and the old state is untouched.
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { OutputError } from './errors.js';

const WRITE_PROBLEMS: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'read-only file system',
  EACCES: 'permission denied',
  EPERM: 'not permitted',
  ENOENT: 'its folder does not exist',
  ENOTDIR: 'a part of its folder path is a file',
  EEXIST: 'a part of its folder path is a file',
  EISDIR: 'a folder of that name is in the way',
  EIO: 'input/output error',
};

/** A one-line problem for a failed write of `path`, e.g. "cannot write (no space left on the device, ENOSPC)". */
export function writeProblem(err: unknown): string {
  const code = (err as NodeJS.ErrnoException)?.code;
  return code ? `cannot write (${WRITE_PROBLEMS[code] ?? (err as Error).message.split(',')[0]}, ${code})` : `cannot write (${String((err as Error)?.message ?? err)})`;
}

/** The error a failed write throws: an OutputError naming the file (other errors pass through). */
export function asOutputError(path: string, err: unknown): Error {
  if (err instanceof OutputError) return err;
  return (err as NodeJS.ErrnoException)?.code ? new OutputError(path, writeProblem(err), (err as NodeJS.ErrnoException).code) : (err as Error);
}

/** Temporary sibling path for `path` (same folder, so the rename stays on one filesystem). */
export function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

/**
 * Writes data (or several chunks) to path atomically, creating the parent folder. A failure (full
 * disk, read-only folder) throws an OutputError naming `path`, and leaves no temporary file.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array | readonly Uint8Array[]): Promise<void> {
  const tmp = tempPathFor(path);
  try {
    await mkdir(dirname(path), { recursive: true });
    const handle = await open(tmp, 'wx');
    try {
      if (Array.isArray(data)) {
        for (const chunk of data as readonly Uint8Array[]) {
          // write() may write less than asked: loop until the chunk is out
          for (let off = 0; off < chunk.length; ) off += (await handle.write(chunk, off, chunk.length - off)).bytesWritten;
        }
      } else await handle.writeFile(data as string | Uint8Array);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw asOutputError(path, err);
  }
  syncFolder(dirname(path));
}

/** Flushes a folder's entries (the rename) to disk; best effort (some filesystems refuse fsync on folders). */
function syncFolder(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    /* not supported here: the rename itself is still atomic */
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Synchronous twin of writeFileAtomic. */
export function writeFileAtomicSync(path: string, data: string | Uint8Array | readonly Uint8Array[]): void {
  const tmp = tempPathFor(path);
  let fd: number | undefined;
  try {
    mkdirSync(dirname(path), { recursive: true });
    fd = openSync(tmp, 'wx');
    const chunks = Array.isArray(data) ? data : [typeof data === 'string' ? Buffer.from(data) : (data as Uint8Array)];
    for (const c of chunks) for (let off = 0; off < c.length; ) off += writeSync(fd, c, off, c.length - off);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, path);
    syncFolder(dirname(path));
  } catch (err) {
    try {
      if (fd !== undefined) closeSync(fd);
    } catch {
      /* already failing: the write's error is the one to report */
    }
    try {
      unlinkSync(tmp);
    } catch {
      /* nothing to remove */
    }
    throw asOutputError(path, err);
  }
}
