// Loads kensa's libtorch addon (native/) and types its surface. Only src/engine talks to it.
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { packageRoot } from '../util/data-root.js';

/** Index of a libtorch tensor in the addon's handle table (per thread). */
export type NativeTensor = number;

/** What an operator's return is: a tensor, a list of tensors, its written input, or a value. */
export type ReturnKind = 'tensor' | 'tensors' | 'self' | 'other';

export interface NativeAddon {
  op(name: string, overload: string): number;
  returns(op: number): ReturnKind[];
  schema(op: number): string;
  call(op: number, ...args: unknown[]): unknown;
  callAsync(op: number, ...args: unknown[]): Promise<unknown>;
  fromBuffer(data: ArrayBufferView | ArrayBuffer, shape: readonly number[], dtype: number): NativeTensor;
  toBuffer(t: NativeTensor): ArrayBuffer;
  shape(t: NativeTensor): number[];
  dtype(t: NativeTensor): number;
  device(t: NativeTensor): string;
  requiresGrad(t: NativeTensor): boolean;
  setRequiresGrad(t: NativeTensor, on: boolean): NativeTensor;
  isLeaf(t: NativeTensor): boolean;
  item(t: NativeTensor): number | boolean;
  dispose(t: NativeTensor): void;
  backward(t: NativeTensor, grad: NativeTensor | undefined, retainGraph: boolean, createGraph: boolean): void;
  grad(t: NativeTensor): NativeTensor | undefined;
  setGrad(t: NativeTensor, grad: NativeTensor | undefined): void;
  retainGrad(t: NativeTensor): void;
  autogradGrad(
    outputs: NativeTensor[],
    inputs: NativeTensor[],
    gradOutputs: (NativeTensor | undefined)[] | undefined,
    retainGraph: boolean | undefined,
    createGraph: boolean,
    allowUnused: boolean,
  ): (NativeTensor | undefined)[];
  setGradEnabled(on: boolean): boolean;
  isGradEnabled(): boolean;
  manualSeed(seed: number): void;
  setNumThreads(n: number): void;
  getNumThreads(): number;
  cudaDeviceCount(): number;
  liveTensors(): number;
  version(): string;
  /** The heap policy the addon set at load (absent in addons built before it). */
  mallocPolicy?(): MallocPolicy;
  /** The BLAS thread policy the addon set at load (absent in addons built before it). */
  blasPolicy?(): BlasPolicy;
}

/**
 * OpenBLAS's own thread pool, which the addon sets to 1 thread at load so it does not compete
 * with libtorch's OpenMP threads (native/src/addon.cc, "BLAS thread policy"). `set` is false
 * when OpenBLAS is absent or the user chose (OPENBLAS_NUM_THREADS, GOTO_NUM_THREADS,
 * KENSA_BLAS_THREADS=0); `threads` is OpenBLAS's count now (0 without OpenBLAS).
 */
export interface BlasPolicy {
  openblas: boolean;
  set: boolean;
  threads: number;
  reason?: string;
}

/**
 * glibc heap settings the addon makes at load so a training step's freed activations stay mapped
 * for the next step (native/src/addon.cc, "Heap policy"); off with KENSA_MALLOC_TUNE=0.
 */
export type MallocPolicy =
  | { tuned: true; mmapThreshold: number; trimThreshold: number }
  | { tuned: false; reason: string };

function load(): NativeAddon {
  // KENSA_NATIVE=<path to a .node> loads another build of the addon instead of native/build (a
  // CUDA build, or one built in another folder while native/build is in use).
  const override = process.env.KENSA_NATIVE;
  if (override) {
    if (!existsSync(override)) throw new Error(`KENSA_NATIVE=${override}: no such addon file`);
    return createRequire(import.meta.url)(resolve(override)) as NativeAddon;
  }
  const path = join(packageRoot(), 'native', 'build', 'Release', 'kensa_native.node');
  if (!existsSync(path)) {
    throw new Error(`kensa native addon not built (${path} missing): run "npm run build:native" after installing libtorch-dev`);
  }
  const require = createRequire(import.meta.url);
  return require(path) as NativeAddon;
}

export const native: NativeAddon = load();
