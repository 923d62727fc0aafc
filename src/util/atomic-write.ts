// Atomic file writes: bytes go to a temporary sibling file, are flushed (fsync), then renamed over
// the target and the folder is flushed too, so a reader (or a machine after a power cut) sees the
// old file or the whole new one, never half of it; on failure (a full disk, a read-only folder)
// the temporary file is removed and the old state is untouched.
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Temporary sibling path for `path` (same folder, so the rename stays on one filesystem). */
export function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

/** Writes data (or several chunks) to path atomically, creating the parent folder. */
export async function writeFileAtomic(path: string, data: string | Uint8Array | readonly Uint8Array[]): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = tempPathFor(path);
  try {
    const handle = await open(tmp, 'wx');
    try {
      if (Array.isArray(data)) for (const chunk of data) await handle.write(chunk);
      else await handle.writeFile(data as string | Uint8Array);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
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
  mkdirSync(dirname(path), { recursive: true });
  const tmp = tempPathFor(path);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'wx');
    const chunks = Array.isArray(data) ? data : [typeof data === 'string' ? Buffer.from(data) : (data as Uint8Array)];
    for (const c of chunks) writeSync(fd, c);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, path);
    syncFolder(dirname(path));
  } catch (err) {
    if (fd !== undefined) closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {
      /* nothing to remove */
    }
    throw err;
  }
}
