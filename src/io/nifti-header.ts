// NIfTI-1 header (348 bytes, either byte order): parse, check and encode.
// Field offsets follow the NIfTI-1 standard, nifti1.h (https://nifti.nimh.nih.gov/nifti-1).
import { InputError } from '../util/errors.js';
import type { NiftiDtype, NiftiHeader } from './types.js';

/** Size of the NIfTI-1 header proper; a single .nii file has 4 extension-flag bytes after it. */
export const NIFTI1_HEADER_BYTES = 348;

/** Datatype code → kensa name and bytes per voxel (the codes kensa reads). */
export const NIFTI_DTYPES: ReadonlyMap<number, { dtype: NiftiDtype; bytes: number }> = new Map([
  [2, { dtype: 'uint8', bytes: 1 }],
  [4, { dtype: 'int16', bytes: 2 }],
  [8, { dtype: 'int32', bytes: 4 }],
  [16, { dtype: 'float32', bytes: 4 }],
  [64, { dtype: 'float64', bytes: 8 }],
  [256, { dtype: 'int8', bytes: 1 }],
  [512, { dtype: 'uint16', bytes: 2 }],
  [768, { dtype: 'uint32', bytes: 4 }],
  [1024, { dtype: 'int64', bytes: 8 }],
  [1280, { dtype: 'uint64', bytes: 8 }],
]);

/** Codes NIfTI defines that kensa refuses, for a clear message. */
const OTHER_DTYPES: Record<number, string> = {
  1: 'binary', 32: 'complex64', 128: 'RGB24', 1536: 'float128', 1792: 'complex128', 2048: 'complex256', 2304: 'RGBA32',
};

/** Datatype code of a kensa dtype name. */
export function dtypeCode(dtype: NiftiDtype): number {
  for (const [code, d] of NIFTI_DTYPES) if (d.dtype === dtype) return code;
  throw new Error(`unknown NIfTI dtype ${dtype}`);
}

function cString(bytes: Uint8Array, start: number, length: number): string {
  let end = start;
  while (end < start + length && bytes[end] !== 0) end++;
  return Buffer.from(bytes.subarray(start, end)).toString('latin1');
}

/** Parse and check the header at the start of `bytes` (a .nii file or its decompressed content). */
export function parseNiftiHeader(bytes: Uint8Array, path: string): NiftiHeader {
  if (bytes.length < NIFTI1_HEADER_BYTES) {
    throw new InputError(path, `truncated NIfTI header: ${bytes.length} of ${NIFTI1_HEADER_BYTES} bytes`);
  }
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  let le: boolean;
  if (dv.getInt32(0, true) === 348) le = true;
  else if (dv.getInt32(0, false) === 348) le = false;
  else if (dv.getInt32(0, true) === 540 || dv.getInt32(0, false) === 540) throw new InputError(path, 'NIfTI-2 files are not supported (NIfTI-1 only)');
  else throw new InputError(path, 'not a NIfTI-1 file (sizeof_hdr is not 348)');
  const i16 = (o: number) => dv.getInt16(o, le);
  const f32 = (o: number) => dv.getFloat32(o, le);
  const magic = cString(bytes, 344, 4);
  if (magic === 'ni1') throw new InputError(path, 'NIfTI .hdr/.img pairs are not supported (single-file .nii only)');
  if (magic !== 'n+1') throw new InputError(path, `bad NIfTI-1 magic ${JSON.stringify(magic)} (expected "n+1"; Analyze 7.5 is not supported)`);
  const dim = Array.from({ length: 8 }, (_, i) => i16(40 + 2 * i));
  if (dim[0] < 1 || dim[0] > 7) throw new InputError(path, `bad NIfTI dim[0] ${dim[0]} (must be 1-7)`);
  for (let i = 1; i <= dim[0]; i++) {
    if (dim[i] < 1) throw new InputError(path, `bad NIfTI dim[${i}] ${dim[i]} (must be >= 1)`);
  }
  const datatype = i16(70);
  const known = NIFTI_DTYPES.get(datatype);
  if (!known) {
    const name = OTHER_DTYPES[datatype];
    throw new InputError(path, name ? `NIfTI datatype ${name} (${datatype}) is not supported` : `unknown NIfTI datatype code ${datatype}`);
  }
  const voxOffset = f32(108);
  if (!Number.isFinite(voxOffset) || voxOffset < 0 || !Number.isInteger(voxOffset)) throw new InputError(path, `bad NIfTI vox_offset ${voxOffset}`);
  return {
    littleEndian: le,
    dim,
    datatype,
    bitpix: i16(72),
    pixdim: Array.from({ length: 8 }, (_, i) => f32(76 + 4 * i)),
    // A single file's data cannot start inside the header; old writers left 0 meaning "right after it".
    voxOffset: Math.max(voxOffset, 352),
    sclSlope: f32(112),
    sclInter: f32(116),
    xyztUnits: bytes[123],
    descrip: cString(bytes, 148, 80),
    qformCode: i16(252),
    sformCode: i16(254),
    quaternB: f32(256),
    quaternC: f32(260),
    quaternD: f32(264),
    qoffsetX: f32(268),
    qoffsetY: f32(272),
    qoffsetZ: f32(276),
    srow: [0, 1, 2].map((r) => Array.from({ length: 4 }, (_, c) => f32(280 + 16 * r + 4 * c))) as NiftiHeader['srow'],
    magic,
  };
}

/** Number of voxels over all dims and bytes per voxel. */
export function dataSize(h: NiftiHeader): { voxels: number; bytesPerVoxel: number } {
  let voxels = 1;
  for (let i = 1; i <= h.dim[0]; i++) voxels *= h.dim[i];
  return { voxels, bytesPerVoxel: NIFTI_DTYPES.get(h.datatype)!.bytes };
}

/** Slope and intercept to apply, or undefined when scl_slope is 0 or not finite (no scaling). */
export function scaling(h: NiftiHeader): { slope: number; inter: number } | undefined {
  if (h.sclSlope === 0 || !Number.isFinite(h.sclSlope)) return undefined;
  const inter = Number.isFinite(h.sclInter) ? h.sclInter : 0;
  if (h.sclSlope === 1 && inter === 0) return undefined;
  return { slope: h.sclSlope, inter };
}

/** Encode a header in its byte order (`h.littleEndian`), then 4 zero extension bytes: 352 bytes. */
export function encodeNiftiHeader(h: NiftiHeader): Uint8Array {
  const bytes = new Uint8Array(352);
  const dv = new DataView(bytes.buffer);
  const le = h.littleEndian;
  dv.setInt32(0, 348, le);
  bytes[38] = 'r'.charCodeAt(0); // "regular", as Analyze readers expect
  h.dim.forEach((v, i) => dv.setInt16(40 + 2 * i, v, le));
  dv.setInt16(70, h.datatype, le);
  dv.setInt16(72, h.bitpix, le);
  h.pixdim.forEach((v, i) => dv.setFloat32(76 + 4 * i, v, le));
  dv.setFloat32(108, h.voxOffset, le);
  dv.setFloat32(112, h.sclSlope, le);
  dv.setFloat32(116, h.sclInter, le);
  bytes[123] = h.xyztUnits;
  bytes.set(Buffer.from(h.descrip.slice(0, 79), 'latin1'), 148);
  dv.setInt16(252, h.qformCode, le);
  dv.setInt16(254, h.sformCode, le);
  dv.setFloat32(256, h.quaternB, le);
  dv.setFloat32(260, h.quaternC, le);
  dv.setFloat32(264, h.quaternD, le);
  dv.setFloat32(268, h.qoffsetX, le);
  dv.setFloat32(272, h.qoffsetY, le);
  dv.setFloat32(276, h.qoffsetZ, le);
  h.srow.forEach((row, r) => row.forEach((v, c) => dv.setFloat32(280 + 16 * r + 4 * c, v, le)));
  bytes.set(Buffer.from('n+1\0', 'latin1'), 344);
  return bytes;
}
