// Loads kensa's libtorch addon (native/) and types its surface. Only src/engine talks to it.
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../util/data-root.js';

/** Opaque handle of a libtorch tensor owned by the addon. */
export interface NativeTensor {
  readonly __native: unique symbol;
}

export interface NativeAddon {
  NativeTensor: new () => NativeTensor;
  op(name: string, overload: string): number;
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
  isDisposed(t: NativeTensor): boolean;
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
}

function load(): NativeAddon {
  const path = join(packageRoot(), 'native', 'build', 'Release', 'kensa_native.node');
  if (!existsSync(path)) {
    throw new Error(`kensa native addon not built (${path} missing): run "npm run build:native" after installing libtorch-dev`);
  }
  const require = createRequire(import.meta.url);
  return require(path) as NativeAddon;
}

export const native: NativeAddon = load();
