// The addon's process-group entry points (native/src/dist.cc), typed. They exist only when the
// addon was built with libtorch's c10d Gloo headers and Gloo's own (Debian: libgloo-dev).
import { native, type NativeTensor } from '../engine/native.js';

/** An opaque process-group handle from the addon. */
export type NativeGroup = { readonly __group: unique symbol };

export type ReduceOp = 'sum' | 'avg' | 'max' | 'min' | 'product';

/** An opaque gradient-reducer handle from the addon (native/src/reducer.cc). */
export type NativeReducer = { readonly __reducer: unique symbol };

/** What a gradient reducer has done so far (native/src/reducer.cc). */
export interface ReducerStats {
  /** Buckets, and parameters over all of them. */
  buckets: number;
  params: number;
  /** finish() calls (optimizer steps). */
  steps: number;
  /** Bucket all-reduces started by a gradient hook, i.e. while backward was still running, over all steps. */
  launchedInBackward: number;
  /** Bucket all-reduces started by finish(), after backward, over all steps (redone buckets included). */
  launchedInFinish: number;
  /** The same two counts for the last step. */
  lastInBackward: number;
  lastInFinish: number;
  /** Steps whose buckets were all sent again (a gradient came after its bucket was sent). */
  redone: number;
  /** Hooks that fired while the reducer was not armed (a backward outside zeroGrad → step). */
  ignoredHooks: number;
  /** Parameters whose gradient the next step waits for (those that had one in the last step). */
  expected: number;
}

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
  /** The rest are absent from addons built before the gradient reducer existed. */
  distSideGroup?(g: NativeGroup, name: string): Promise<NativeGroup>;
  distReducerNew?(g: NativeGroup, buckets: NativeTensor[][]): NativeReducer;
  distReducerArm?(r: NativeReducer): void;
  distReducerFinish?(r: NativeReducer): void;
  distReducerStats?(r: NativeReducer): ReducerStats;
  distReducerDestroy?(r: NativeReducer): void;
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
