// Read NIfTI-1 .nii and .nii.gz volumes: header, affine, scaled Float32 voxels, optional RAS+ reorientation.
import { endianness } from 'node:os';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { InputError, OptionError } from '../util/errors.js';
import { headerAffine } from './affine.js';
import { NIFTI_DTYPES, dataSize, parseNiftiHeader, scaling } from './nifti-header.js';
import { toCanonical } from './orientation.js';
import { UNRECOGNISED, detectFormat, oneLine, readWhole } from './sniff.js';
import type { NiftiDtype, NiftiHeader, NiftiVolume } from './types.js';

const gunzipAsync = promisify(gunzip);

/** Options of `readNifti`. */
export interface ReadNiftiOptions {
  /**
   * Reorient to the closest RAS+ layout (axes permuted/flipped, affine and spacing updated, as
   * nibabel's as_closest_canonical). When false the array keeps the file's axis order.
   * @default false
   */
  canonical?: boolean;
  /** For 4-D (and higher) files, which 3-D volume to read, zero-based. @default 0 */
  frame?: number;
}

/** The file's bytes, gunzipped when they are gzip; InputError when empty, unreadable or corrupt. */
export async function readNiftiBytes(path: string): Promise<Uint8Array> {
  const raw = await readWhole(path);
  const fmt = detectFormat(raw);
  if (fmt === 'gzip') {
    try {
      const out = await gunzipAsync(raw);
      if (out.length === 0) throw new InputError(path, 'gzip stream holds no data');
      return out;
    } catch (err) {
      if (err instanceof InputError) throw err;
      throw new InputError(path, `truncated or corrupt gzip data: ${oneLine(err)}`);
    }
  }
  if (fmt === 'nifti') return raw;
  if (fmt === undefined) throw new InputError(path, UNRECOGNISED);
  throw new InputError(path, `is a ${fmt.toUpperCase()} file, not NIfTI`);
}

/** Header of a .nii/.nii.gz file, checked against the file's length. */
export async function readNiftiHeader(path: string): Promise<NiftiHeader> {
  const bytes = await readNiftiBytes(path);
  const h = parseNiftiHeader(bytes, path);
  checkLength(h, bytes, path);
  return h;
}

function checkLength(h: NiftiHeader, bytes: Uint8Array, path: string): void {
  const { voxels, bytesPerVoxel } = dataSize(h);
  const need = h.voxOffset + voxels * bytesPerVoxel;
  if (bytes.length < need) {
    throw new InputError(path, `truncated: ${voxels} voxels from byte ${h.voxOffset} need ${need} bytes, the data has ${bytes.length}`);
  }
}

/** Convert `count` voxels of `dtype` starting at `offset` to Float32, applying slope and intercept. */
function toFloat32(
  bytes: Uint8Array,
  offset: number,
  count: number,
  type: { dtype: NiftiDtype; bytes: number },
  littleEndian: boolean,
  scale?: { slope: number; inter: number },
): Float32Array {
  const { dtype, bytes: size } = type;
  const copy = new Uint8Array(bytes.subarray(offset, offset + count * size)); // own, aligned copy (Buffer.slice would share)
  if (size > 1 && littleEndian !== (endianness() === 'LE')) {
    for (let i = 0; i < copy.length; i += size) copy.subarray(i, i + size).reverse();
  }
  const buf = copy.buffer;
  let src: ArrayLike<number>;
  switch (dtype) {
    case 'uint8': src = copy; break;
    case 'int8': src = new Int8Array(buf, 0, count); break;
    case 'int16': src = new Int16Array(buf, 0, count); break;
    case 'uint16': src = new Uint16Array(buf, 0, count); break;
    case 'int32': src = new Int32Array(buf, 0, count); break;
    case 'uint32': src = new Uint32Array(buf, 0, count); break;
    case 'float32': src = new Float32Array(buf, 0, count); break;
    case 'float64': src = new Float64Array(buf, 0, count); break;
    case 'int64':
    case 'uint64': {
      const big = dtype === 'int64' ? new BigInt64Array(buf, 0, count) : new BigUint64Array(buf, 0, count);
      const nums = new Float64Array(count);
      for (let i = 0; i < count; i++) nums[i] = Number(big[i]);
      src = nums;
      break;
    }
  }
  if (!scale && src instanceof Float32Array) return src;
  const out = new Float32Array(count);
  if (scale) for (let i = 0; i < count; i++) out[i] = src[i] * scale.slope + scale.inter;
  else for (let i = 0; i < count; i++) out[i] = src[i];
  return out;
}

/** Read a NIfTI-1 volume (single file, optionally gzipped) as Float32 with scl_slope/scl_inter applied. */
export async function readNifti(path: string, options: ReadNiftiOptions = {}): Promise<NiftiVolume> {
  const frame = options.frame ?? 0;
  const bytes = await readNiftiBytes(path);
  const h = parseNiftiHeader(bytes, path);
  checkLength(h, bytes, path);
  const n = h.dim[0];
  const shape: [number, number, number] = [h.dim[1], n >= 2 ? h.dim[2] : 1, n >= 3 ? h.dim[3] : 1];
  const perFrame = shape[0] * shape[1] * shape[2];
  const frames = dataSize(h).voxels / perFrame;
  if (!Number.isInteger(frame) || frame < 0 || frame >= frames) {
    throw new OptionError('frame', `${path} has ${frames} volume(s), frame ${frame} requested`);
  }
  const type = NIFTI_DTYPES.get(h.datatype)!;
  const data = toFloat32(bytes, h.voxOffset + frame * perFrame * type.bytes, perFrame, type, h.littleEndian, scaling(h));
  const spacing = [1, 2, 3].map((i) => {
    const p = Math.abs(h.pixdim[i]);
    return i <= n && Number.isFinite(p) && p > 0 ? p : 1;
  }) as [number, number, number];
  const vol = { shape, spacing, affine: headerAffine(h), data };
  const out = options.canonical ? toCanonical(vol) : vol;
  return { ...out, dtype: type.dtype, header: h };
}
