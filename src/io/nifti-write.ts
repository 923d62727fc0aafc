// Write NIfTI-1 .nii / .nii.gz volumes (e.g. label maps) with a given affine, atomically.
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { OptionError } from '../util/errors.js';
import { affineToQuaternion, affineZooms } from './affine.js';
import { writeFileAtomic } from './atomic-write.js';
import { dtypeCode, encodeNiftiHeader } from './nifti-header.js';
import type { Affine, NiftiHeader } from './types.js';

const gzipAsync = promisify(gzip);

/** Voxel types the writer produces. */
export type NiftiWriteDtype = 'uint8' | 'int16' | 'int32' | 'float32';

/** What to write: a 3-D array in Fortran order (x fastest) and its voxel-to-world affine. */
export interface VolumeToWrite {
  /** [X,Y,Z]. */
  shape: [number, number, number];
  /** 4x4 voxel index → world mm (RAS+). Voxel sizes are taken from its column norms. */
  affine: Affine;
  /** X*Y*Z values, voxel (x, y, z) at `x + X * (y + Y * z)`. */
  data: ArrayLike<number>;
}

/** Options of `writeNifti`. */
export interface WriteNiftiOptions {
  /**
   * Voxel type on disk. Integer types need integer values in range (else OptionError); there is no
   * scaling (scl_slope 1, scl_inter 0). Use 'uint8'/'int16' for label volumes.
   * @default 'float32'
   */
  dtype?: NiftiWriteDtype;
  /** gzip the file. @default true when the path ends in `.gz` */
  gzip?: boolean;
  /** Header description (descrip, up to 79 characters). @default 'kensa' */
  description?: string;
}

const RANGES: Record<NiftiWriteDtype, [number, number] | undefined> = {
  uint8: [0, 255],
  int16: [-32768, 32767],
  int32: [-2147483648, 2147483647],
  float32: undefined,
};

function checkVolume(vol: VolumeToWrite): void {
  const { shape, affine, data } = vol;
  if (shape.length !== 3 || !shape.every((n) => Number.isInteger(n) && n >= 1 && n <= 32767)) {
    throw new OptionError('volume.shape', `must be three integers 1-32767, got [${shape.join(', ')}]`);
  }
  const ok = affine.length === 4 && affine.every((row) => row.length === 4 && row.every(Number.isFinite));
  if (!ok) throw new OptionError('volume.affine', 'must be a 4x4 matrix of finite numbers');
  if (affineZooms(affine).some((z) => z === 0)) throw new OptionError('volume.affine', 'has a zero column (singular)');
  const n = shape[0] * shape[1] * shape[2];
  if (data.length !== n) throw new OptionError('volume.data', `has ${data.length} values, shape needs ${n}`);
}

/** Encode voxel values into the on-disk type; OptionError on values the type cannot hold. */
function encodeData(data: ArrayLike<number>, dtype: NiftiWriteDtype): Uint8Array {
  const n = data.length;
  const out = dtype === 'uint8' ? new Uint8Array(n) : dtype === 'int16' ? new Int16Array(n) : dtype === 'int32' ? new Int32Array(n) : new Float32Array(n);
  const range = RANGES[dtype];
  for (let i = 0; i < n; i++) {
    const v = data[i];
    if (range && (!Number.isInteger(v) || v < range[0] || v > range[1])) {
      throw new OptionError('dtype', `value ${v} at index ${i} does not fit ${dtype} (integers ${range[0]}..${range[1]})`);
    }
    out[i] = v;
  }
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/** Header for a volume: both qform and sform set from the affine (code 2, aligned anatomical). */
export function headerFor(vol: VolumeToWrite, dtype: NiftiWriteDtype, description = 'kensa'): NiftiHeader {
  const q = affineToQuaternion(vol.affine);
  const code = dtypeCode(dtype);
  return {
    littleEndian: true,
    dim: [3, ...vol.shape, 1, 1, 1, 1],
    datatype: code,
    bitpix: dtype === 'uint8' ? 8 : dtype === 'int16' ? 16 : 32,
    pixdim: [q.qfac, ...q.zooms, 0, 0, 0, 0],
    voxOffset: 352,
    sclSlope: 1,
    sclInter: 0,
    xyztUnits: 2, // millimetres
    descrip: description,
    qformCode: 2,
    sformCode: 2,
    quaternB: q.b,
    quaternC: q.c,
    quaternD: q.d,
    qoffsetX: q.offset[0],
    qoffsetY: q.offset[1],
    qoffsetZ: q.offset[2],
    srow: [vol.affine[0].slice(), vol.affine[1].slice(), vol.affine[2].slice()],
    magic: 'n+1',
  };
}

/** Write a volume as NIfTI-1 (little-endian); a temporary file in the same folder is renamed into place. */
export async function writeNifti(path: string, vol: VolumeToWrite, options: WriteNiftiOptions = {}): Promise<void> {
  const dtype = options.dtype ?? 'float32';
  if (!(dtype in RANGES)) throw new OptionError('dtype', `must be uint8, int16, int32 or float32, got ${String(dtype)}`);
  checkVolume(vol);
  const header = encodeNiftiHeader(headerFor(vol, dtype, options.description));
  const body = encodeData(vol.data, dtype);
  const file = new Uint8Array(header.length + body.length);
  file.set(header, 0);
  file.set(body, header.length);
  const zip = options.gzip ?? path.endsWith('.gz');
  await writeFileAtomic(path, zip ? await gzipAsync(file) : file);
}
