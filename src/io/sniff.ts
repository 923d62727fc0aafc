// Tell file formats apart by their first bytes, and read files with errors a user can act on.
import { open, readFile } from 'node:fs/promises';
import { InputError } from '../util/errors.js';

/** Formats the readers understand, by content. */
export type FileFormat = 'png' | 'jpeg' | 'tiff' | 'nifti' | 'gzip' | 'dicom';

/** Bytes needed by `detectFormat` (DICOM's "DICM" ends at 132, a NIfTI magic at 348). */
export const SNIFF_BYTES = 352;

/** Format of a file from its first bytes, or undefined when none matches. */
export function detectFormat(head: Uint8Array): FileFormat | undefined {
  const b = head;
  // DICOM first: its 128-byte preamble may itself hold a TIFF header (dual-format files).
  if (b.length >= 132 && b[128] === 0x44 && b[129] === 0x49 && b[130] === 0x43 && b[131] === 0x4d) return 'dicom';
  if (b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return 'png';
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (b.length >= 4 && ((b[0] === 0x49 && b[1] === 0x49 && b[2] === 0x2a && b[3] === 0) || (b[0] === 0x4d && b[1] === 0x4d && b[2] === 0 && b[3] === 0x2a))) return 'tiff';
  if (b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b) return 'gzip';
  if (b.length >= 4) {
    const dv = new DataView(b.buffer, b.byteOffset, b.length);
    const size = dv.getInt32(0, true);
    const sizeBE = dv.getInt32(0, false);
    if (size === 348 || sizeBE === 348 || size === 540 || sizeBE === 540) return 'nifti';
  }
  return undefined;
}

/** Message for a file whose content matches no reader. */
export const UNRECOGNISED = 'unrecognised file format (expected PNG, JPEG, TIFF, NIfTI-1 .nii/.nii.gz or DICOM Part 10)';

/** Turn a filesystem error into an InputError naming the file. */
export function fsError(path: string, err: unknown): InputError {
  const code = (err as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT') return new InputError(path, 'no such file');
  if (code === 'EISDIR') return new InputError(path, 'is a directory, not a file');
  if (code === 'EACCES') return new InputError(path, 'permission denied');
  return new InputError(path, `cannot read: ${oneLine(err)}`);
}

/** Whole file; throws InputError when it is missing or empty. */
export async function readWhole(path: string): Promise<Buffer> {
  let buf: Buffer;
  try {
    buf = await readFile(path);
  } catch (err) {
    throw fsError(path, err);
  }
  if (buf.length === 0) throw new InputError(path, 'empty file');
  return buf;
}

/** First `n` bytes (fewer when the file is shorter); throws InputError when missing or empty. */
export async function readHead(path: string, n = SNIFF_BYTES): Promise<Uint8Array> {
  let fh;
  try {
    fh = await open(path, 'r');
    const buf = Buffer.alloc(n);
    const { bytesRead } = await fh.read(buf, 0, n, 0);
    if (bytesRead === 0) throw new InputError(path, 'empty file');
    return buf.subarray(0, bytesRead);
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw fsError(path, err);
  } finally {
    await fh?.close();
  }
}

/** First line of an error's message (or of a thrown string), for one-line InputErrors. */
export function oneLine(err: unknown): string {
  const text = err instanceof Error ? err.message : typeof err === 'string' ? err : String((err as { exception?: unknown })?.exception ?? err);
  return (text.split('\n')[0] ?? '').trim();
}
