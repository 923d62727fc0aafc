// The safetensors format (huggingface/safetensors): an 8-byte little-endian header length, a JSON
// header {name: {dtype, shape, data_offsets}, __metadata__?: {string: string}}, then raw
// little-endian bytes. Written atomically (temp file + rename).
import { readFileSync } from 'node:fs';
import { writeFileAtomicSync } from '../util/atomic-write.js';
import { native } from './native.js';
import { DTYPE_CODE, type DType } from './dtype.js';
import { Tensor } from './tensor.js';
import { InputError } from '../util/errors.js';

const TO_ST: Record<DType, string> = {
  float32: 'F32',
  float64: 'F64',
  float16: 'F16',
  int64: 'I64',
  int32: 'I32',
  int16: 'I16',
  int8: 'I8',
  uint8: 'U8',
  bool: 'BOOL',
};
const FROM_ST = new Map<string, DType>(Object.entries(TO_ST).map(([k, v]) => [v, k as DType]));
const BYTES: Record<DType, number> = { float32: 4, float64: 8, float16: 2, int64: 8, int32: 4, int16: 2, int8: 1, uint8: 1, bool: 1 };

export interface SafetensorsFile {
  tensors: Map<string, Tensor>;
  metadata: Record<string, string>;
}

/** Writes tensors (CPU copies are made as needed) and string metadata to path, atomically. */
export function saveSafetensors(path: string, tensors: Map<string, Tensor>, metadata: Record<string, string> = {}): void {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  const blobs: Uint8Array[] = [];
  let offset = 0;
  for (const [name, t] of [...tensors.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const bytes = new Uint8Array(native.toBuffer(t.handle));
    header[name] = { dtype: TO_ST[t.dtype], shape: t.shape, data_offsets: [offset, offset + bytes.length] };
    blobs.push(bytes);
    offset += bytes.length;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - ((json.length + 8) % 8)) % 8); // align data to 8 bytes
  const head = Buffer.from(json, 'utf8');
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(head.length));
  writeFileAtomicSync(path, [len, head, ...blobs]);
}

/** Reads a .safetensors file; every problem is an InputError naming the file. */
export function loadSafetensors(path: string): SafetensorsFile {
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (e) {
    throw new InputError(path, `cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  if (buf.length < 8) throw new InputError(path, 'not a safetensors file (shorter than its 8-byte header length)');
  const n = buf.readBigUInt64LE(0);
  if (n > BigInt(buf.length - 8) || n < 2n) throw new InputError(path, `truncated or not safetensors (header claims ${n} bytes)`);
  const headerEnd = 8 + Number(n);
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(buf.subarray(8, headerEnd).toString('utf8')) as Record<string, unknown>;
  } catch {
    throw new InputError(path, 'not safetensors (header is not JSON)');
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) throw new InputError(path, 'not safetensors (header is not a JSON object)');
  const metadata = (header.__metadata__ ?? {}) as Record<string, string>;
  if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata) || Object.values(metadata).some((v) => typeof v !== 'string')) {
    throw new InputError(path, 'malformed __metadata__ (must map names to strings)');
  }
  const tensors = new Map<string, Tensor>();
  const dataLen = buf.length - headerEnd;
  try {
    for (const [name, spec] of Object.entries(header)) {
      if (name === '__metadata__') continue;
      if (spec === null || typeof spec !== 'object') throw new InputError(path, `tensor ${name}: malformed entry`);
      const s = spec as { dtype?: string; shape?: number[]; data_offsets?: [number, number] };
      const dtype = FROM_ST.get(typeof s.dtype === 'string' ? s.dtype : '');
      if (dtype === undefined) throw new InputError(path, `tensor ${name}: unsupported dtype ${JSON.stringify(s.dtype)}`);
      if (!Array.isArray(s.shape) || !Array.isArray(s.data_offsets) || s.data_offsets.length !== 2) throw new InputError(path, `tensor ${name}: malformed entry`);
      // shapes and offsets are non-negative integers (a fractional or negative one would reach libtorch)
      if (!s.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) throw new InputError(path, `tensor ${name}: shape ${JSON.stringify(s.shape).slice(0, 80)} is not a list of non-negative integers`);
      if (!s.data_offsets.every((d) => Number.isSafeInteger(d) && d >= 0)) throw new InputError(path, `tensor ${name}: data offsets ${JSON.stringify(s.data_offsets).slice(0, 80)} are not non-negative integers`);
      const [begin, end] = s.data_offsets;
      const numel = s.shape.reduce((a, b) => a * b, 1);
      if (!(begin >= 0 && end <= dataLen && end - begin === numel * BYTES[dtype])) {
        throw new InputError(path, `tensor ${name}: data offsets [${begin}, ${end}] do not fit the file (truncated?)`);
      }
      const bytes = new Uint8Array(buf.buffer, buf.byteOffset + headerEnd + begin, end - begin);
      tensors.set(name, new Tensor(native.fromBuffer(bytes, s.shape, DTYPE_CODE[dtype])));
    }
  } catch (e) {
    for (const t of tensors.values()) t.dispose();
    throw e;
  }
  return { tensors, metadata };
}
