// Gradient averaging overlapped with backward (the addon's reducer, native/src/reducer.cc): the
// parameters are cut into buckets in reverse order (backward produces the last layers' gradients
// first), a hook on each parameter's gradient accumulator starts a bucket's all-reduce as soon as
// all its gradients exist, and finish() waits for the rest before the optimizer step.
import type { Tensor } from '../engine/tensor.js';
import type { ProcessGroup } from './process-group.js';
import { distNative, type NativeReducer, type ReducerStats } from './native-dist.js';

export type { ReducerStats } from './native-dist.js';

/** Whether the loaded addon has the gradient reducer. */
export function reducerAvailable(): boolean {
  try {
    const n = distNative();
    return typeof n.distReducerNew === 'function' && typeof n.distSideGroup === 'function';
  } catch {
    return false;
  }
}

export class GradReducer {
  private handle: NativeReducer | undefined;

  /**
   * Hooks `buckets` (lists of parameters that require grad, one dtype and device per list, in the
   * order they are to be sent) for reduction over `group`, which should be a side group
   * (ProcessGroup.side) that nothing else sends on while backward runs.
   */
  constructor(group: ProcessGroup, buckets: Tensor[][]) {
    const n = distNative();
    if (typeof n.distReducerNew !== 'function') throw new Error('gradient reducer: this kensa addon predates it (rebuild it: npm run build:native)');
    this.handle = n.distReducerNew(group.nativeHandle, buckets.map((b) => b.map((t) => t.handle)));
  }

  private get h(): NativeReducer {
    if (this.handle === undefined) throw new Error('gradient reducer: already destroyed');
    return this.handle;
  }

  /** A step begins: gradient hooks from now on start bucket all-reduces (optimizer.zeroGrad calls it). */
  arm(): void {
    distNative().distReducerArm!(this.h);
  }

  /**
   * Starts the buckets not yet sent, waits for every bucket (on this thread) and leaves each
   * parameter's gradient averaged over the ranks; a dead peer or a timeout throws a one-line Error.
   */
  finish(): void {
    distNative().distReducerFinish!(this.h);
  }

  stats(): ReducerStats {
    return distNative().distReducerStats!(this.h);
  }

  /** Removes the hooks (not during a backward). */
  destroy(): void {
    if (this.handle !== undefined) distNative().distReducerDestroy!(this.handle);
    this.handle = undefined;
  }
}
