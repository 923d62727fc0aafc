// Creating tensors: from JS data, constants, ranges and seeded random numbers.
import { native, type BlasPolicy, type MallocPolicy } from './native.js';
import { DTYPE_CODE, dtypeOfArray, type DType, type TypedArray } from './dtype.js';
import { Tensor, call, opId, type NestedArray } from './tensor.js';

export interface TensorOptions {
  /** Element type. @default 'float32' (int64 for randint and integer arange) */
  dtype?: DType;
  /** 'cpu', 'cuda' or 'cuda:N'. @default 'cpu' */
  device?: string;
  /** Record operations on the new (leaf) tensor for autograd. @default false */
  requiresGrad?: boolean;
}

function finish(t: Tensor, o: TensorOptions): Tensor {
  if (o.requiresGrad) t.requiresGrad = true;
  return t;
}

function dt(o: TensorOptions, fallback: DType = 'float32'): number {
  return DTYPE_CODE[o.dtype ?? fallback];
}

function dev(o: TensorOptions): string | undefined {
  return o.device;
}

function inferShape(data: NestedArray): number[] {
  const shape: number[] = [];
  let x: NestedArray = data;
  while (Array.isArray(x)) {
    shape.push(x.length);
    if (x.length === 0) break;
    x = x[0];
  }
  return shape;
}

function flatten(data: NestedArray, shape: number[], depth: number, out: (number | boolean | bigint)[]): void {
  if (depth === shape.length) {
    if (Array.isArray(data)) throw new Error('tensor(): ragged nested array');
    out.push(data);
    return;
  }
  if (!Array.isArray(data) || data.length !== shape[depth]) throw new Error('tensor(): ragged nested array');
  for (const v of data) flatten(v, shape, depth + 1, out);
}

function typedArrayFor(dtype: DType, values: (number | boolean | bigint)[]): TypedArray {
  switch (dtype) {
    case 'float32':
      return Float32Array.from(values, Number);
    case 'float64':
      return Float64Array.from(values, Number);
    case 'int32':
      return Int32Array.from(values, Number);
    case 'int64':
      return BigInt64Array.from(values, (v) => BigInt(typeof v === 'boolean' ? Number(v) : Math.trunc(Number(v))));
    case 'int16':
      return Int16Array.from(values, Number);
    case 'int8':
      return Int8Array.from(values, Number);
    case 'uint8':
      return Uint8Array.from(values, Number);
    case 'bool':
      return Uint8Array.from(values, (v) => (v ? 1 : 0));
    case 'float16':
      throw new Error('tensor(): create float16 tensors by converting a float32 tensor with .to("float16")');
  }
}

/**
 * A tensor from nested JS arrays or a typed array (copied). Numbers become float32 unless
 * dtype says otherwise; booleans become bool; a typed array keeps its own type.
 */
export function tensor(data: NestedArray | TypedArray, opts: TensorOptions & { shape?: readonly number[] } = {}): Tensor {
  let arr: TypedArray;
  let shape: readonly number[];
  let dtype: DType;
  if (ArrayBuffer.isView(data)) {
    arr = data as TypedArray;
    dtype = opts.dtype ?? dtypeOfArray(arr);
    shape = opts.shape ?? [arr.length];
    if (opts.dtype !== undefined && opts.dtype !== dtypeOfArray(arr) && !(opts.dtype === 'bool' && arr instanceof Uint8Array)) {
      arr = typedArrayFor(opts.dtype, Array.from(arr as ArrayLike<number>));
    }
  } else {
    const s = inferShape(data);
    const flat: (number | boolean | bigint)[] = [];
    flatten(data, s, 0, flat);
    dtype = opts.dtype ?? (typeof flat[0] === 'boolean' ? 'bool' : typeof flat[0] === 'bigint' ? 'int64' : 'float32');
    arr = typedArrayFor(dtype, flat);
    shape = opts.shape ?? s;
  }
  let t = new Tensor(native.fromBuffer(arr, shape, DTYPE_CODE[dtype]));
  if (opts.device !== undefined && opts.device !== 'cpu') {
    const moved = call(opId('to', 'device'), t, opts.device, DTYPE_CODE[dtype]);
    t.dispose();
    t = moved;
  }
  return finish(t, opts);
}

/** A 0-dimensional tensor holding one value. */
export function scalar(value: number | boolean, opts: TensorOptions = {}): Tensor {
  return call(opId('scalar_tensor'), value, dt(opts, typeof value === 'boolean' ? 'bool' : 'float32'), undefined, dev(opts));
}

export function zeros(shape: readonly number[], opts: TensorOptions = {}): Tensor {
  return finish(call(opId('zeros'), shape, dt(opts), undefined, dev(opts)), opts);
}

export function ones(shape: readonly number[], opts: TensorOptions = {}): Tensor {
  return finish(call(opId('ones'), shape, dt(opts), undefined, dev(opts)), opts);
}

export function full(shape: readonly number[], value: number | boolean, opts: TensorOptions = {}): Tensor {
  return finish(call(opId('full'), shape, value, dt(opts), undefined, dev(opts)), opts);
}

export function empty(shape: readonly number[], opts: TensorOptions = {}): Tensor {
  return finish(call(opId('empty', 'memory_format'), shape, dt(opts), undefined, dev(opts)), opts);
}

export function eye(n: number, opts: TensorOptions = {}): Tensor {
  return finish(call(opId('eye'), n, dt(opts), undefined, dev(opts)), opts);
}

export function zerosLike(t: Tensor, opts: TensorOptions = {}): Tensor {
  return finish(call(opId('zeros_like'), t, opts.dtype ? DTYPE_CODE[opts.dtype] : undefined, undefined, dev(opts)), opts);
}

export function onesLike(t: Tensor, opts: TensorOptions = {}): Tensor {
  return finish(call(opId('ones_like'), t, opts.dtype ? DTYPE_CODE[opts.dtype] : undefined, undefined, dev(opts)), opts);
}

export function fullLike(t: Tensor, value: number, opts: TensorOptions = {}): Tensor {
  return finish(call(opId('full_like'), t, value, opts.dtype ? DTYPE_CODE[opts.dtype] : undefined, undefined, dev(opts)), opts);
}

/**
 * Values from start (inclusive) to end (exclusive) by step, like torch.arange. With one
 * argument, 0..end. Integer arguments give int64 unless dtype says otherwise.
 */
export function arange(start: number, end?: number, step = 1, opts: TensorOptions = {}): Tensor {
  if (end === undefined) {
    end = start;
    start = 0;
  }
  const integral = Number.isInteger(start) && Number.isInteger(end) && Number.isInteger(step);
  const d = DTYPE_CODE[opts.dtype ?? (integral ? 'int64' : 'float32')];
  return finish(call(opId('arange', 'start_step'), start, end, step, d, undefined, dev(opts)), opts);
}

/** steps evenly spaced values from start to end inclusive. */
export function linspace(start: number, end: number, steps: number, opts: TensorOptions = {}): Tensor {
  return finish(call(opId('linspace'), start, end, steps, dt(opts), undefined, dev(opts)), opts);
}

/** Uniform [0, 1) from the global generator (see manualSeed). */
export function rand(shape: readonly number[], opts: TensorOptions = {}): Tensor {
  return finish(call(opId('rand'), shape, dt(opts), undefined, dev(opts)), opts);
}

/** Standard normal from the global generator. */
export function randn(shape: readonly number[], opts: TensorOptions = {}): Tensor {
  return finish(call(opId('randn'), shape, dt(opts), undefined, dev(opts)), opts);
}

/** Integers in [low, high) from the global generator; int64 by default. */
export function randint(low: number, high: number, shape: readonly number[], opts: TensorOptions = {}): Tensor {
  return call(opId('randint', 'low'), low, high, shape, dt(opts, 'int64'), undefined, dev(opts));
}

/** A random permutation of 0..n-1 (int64). */
export function randperm(n: number, opts: TensorOptions = {}): Tensor {
  return call(opId('randperm'), n, dt(opts, 'int64'), undefined, dev(opts));
}

// ---- process-wide settings --------------------------------------------------------------------

/** Seeds libtorch's global generators (CPU and CUDA), like torch.manual_seed. */
export function manualSeed(seed: number): void {
  native.manualSeed(seed);
}

/** Intra-op threads libtorch uses; kensa's default is the machine's cores. */
export function setNumThreads(n: number): void {
  native.setNumThreads(n);
}

export function getNumThreads(): number {
  return native.getNumThreads();
}

export function cudaDeviceCount(): number {
  return native.cudaDeviceCount();
}

export function cudaIsAvailable(): boolean {
  return native.cudaDeviceCount() > 0;
}

/** Tensors currently held by live handles (not disposed, not yet collected). */
export function liveTensors(): number {
  return native.liveTensors();
}

/** The addon's glibc heap policy (native/src/addon.cc); `reason` says why it is off. */
export function mallocPolicy(): MallocPolicy {
  return native.mallocPolicy?.() ?? { tuned: false, reason: 'addon built before the heap policy' };
}

/** The addon's OpenBLAS thread policy (native/src/addon.cc); `reason` says why it was not set. */
export function blasPolicy(): BlasPolicy {
  return native.blasPolicy?.() ?? { openblas: false, set: false, threads: 0, reason: 'addon built before the BLAS policy' };
}

export function libtorchVersion(): string {
  return native.version();
}
