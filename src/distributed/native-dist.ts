// The addon's process-group entry points (native/src/dist.cc), typed. They exist only when the
// addon was built with libtorch's c10d Gloo headers and Gloo's own (Debian: libgloo-dev).
import { native, type NativeTensor } from '../engine/native.js';

/** An opaque process-group handle from the addon. */
export type NativeGroup = { readonly __group: unique symbol };

export type ReduceOp = 'sum' | 'avg' | 'max' | 'min' | 'product';

export interface DistNative {
  distAvailable(): boolean;
  distInit(o: { host: string; port: number; rank: number; worldSize: number; timeoutMs: number; iface?: string }): Promise<NativeGroup>;
  distAllReduce(g: NativeGroup, tensors: NativeTensor[], op: ReduceOp): Promise<void>;
  distAllReduceSync(g: NativeGroup, tensors: NativeTensor[], op: ReduceOp): void;
  /** Absent from addons built before it existed. */
  distAllReduceDiff?(g: NativeGroup, t: NativeTensor): NativeTensor;
  distBroadcast(g: NativeGroup, tensors: NativeTensor[], root: number): Promise<void>;
  distAllGather(g: NativeGroup, t: NativeTensor): Promise<NativeTensor[]>;
  distBarrier(g: NativeGroup): Promise<void>;
  distDestroy(g: NativeGroup): void;
}

const addon = native as unknown as Partial<DistNative>;

/** Whether the loaded addon has process groups. */
export function distAvailable(): boolean {
  return typeof addon.distAvailable === 'function' && addon.distAvailable();
}

/** The process-group entry points, or an error saying how to get them. */
export function distNative(): DistNative {
  if (!distAvailable()) {
    throw new Error('this kensa addon was built without process groups: install libgloo-dev (Gloo headers) and rebuild it (npm run build:native)');
  }
  return addon as DistNative;
}
