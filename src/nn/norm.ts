// Batch and instance normalisation with PyTorch's parameters, buffers and update rules.
import { Tensor, noGrad } from '../engine/tensor.js';
import { ones, zeros, scalar } from '../engine/creation.js';
import { Module } from './module.js';
import { batchNorm, instanceNorm } from './functional.js';

export interface NormOptions {
  /** @default 1e-5 */ eps?: number;
  /** Running-average factor; null = cumulative average. @default 0.1 */ momentum?: number | null;
  /** Learnable scale and shift. @default true for BatchNorm, false for InstanceNorm */ affine?: boolean;
  /** Keep running mean/var for eval. @default true for BatchNorm, false for InstanceNorm */ trackRunningStats?: boolean;
}

abstract class NormBase extends Module {
  readonly eps: number;
  readonly momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;
  constructor(
    readonly numFeatures: number,
    o: NormOptions,
    affineDefault: boolean,
    trackDefault: boolean,
  ) {
    super();
    this.eps = o.eps ?? 1e-5;
    this.momentum = o.momentum === undefined ? 0.1 : o.momentum;
    this.affine = o.affine ?? affineDefault;
    this.trackRunningStats = o.trackRunningStats ?? trackDefault;
    if (this.affine) {
      this.registerParameter('weight', ones([numFeatures]));
      this.registerParameter('bias', zeros([numFeatures]));
    }
    if (this.trackRunningStats) {
      this.registerBuffer('running_mean', zeros([numFeatures]));
      this.registerBuffer('running_var', ones([numFeatures]));
      this.registerBuffer('num_batches_tracked', scalar(0, { dtype: 'int64' }));
    }
  }
  get weight(): Tensor | undefined {
    return this.paramOrUndefined('weight');
  }
  get bias(): Tensor | undefined {
    return this.paramOrUndefined('bias');
  }
  get runningMean(): Tensor | undefined {
    return this.buffer('running_mean');
  }
  get runningVar(): Tensor | undefined {
    return this.buffer('running_var');
  }
  /** Counts a training batch and returns the momentum to use for it (PyTorch's rule). */
  protected stepMomentum(): number {
    const n = this.buffer('num_batches_tracked');
    if (this.training && this.trackRunningStats && n !== undefined) {
      noGrad(() => n.add_(1));
      if (this.momentum === null) return 1 / n.item();
    }
    return this.momentum ?? 0;
  }
}

/** BatchNorm over [N, C, H, W] (also works on [N, C] and [N, C, D, H, W]). */
export class BatchNorm2d extends NormBase {
  constructor(numFeatures: number, o: NormOptions = {}) {
    super(numFeatures, o, true, true);
  }
  forward(x: Tensor): Tensor {
    const momentum = this.stepMomentum();
    const useBatch = this.training || !this.trackRunningStats;
    return batchNorm(x, this.runningMean, this.runningVar, {
      weight: this.weight,
      bias: this.bias,
      training: useBatch,
      momentum,
      eps: this.eps,
    });
  }
}

/** Alias: the same layer for 1-D features and 3-D volumes. */
export const BatchNorm1d = BatchNorm2d;
export const BatchNorm3d = BatchNorm2d;

/** InstanceNorm over [N, C, H, W]: each sample and channel normalised by its own statistics. */
export class InstanceNorm2d extends NormBase {
  constructor(numFeatures: number, o: NormOptions = {}) {
    super(numFeatures, o, false, false);
  }
  forward(x: Tensor): Tensor {
    const momentum = this.stepMomentum();
    return instanceNorm(x, {
      weight: this.weight,
      bias: this.bias,
      runningMean: this.runningMean,
      runningVar: this.runningVar,
      useInputStats: this.training || !this.trackRunningStats,
      momentum,
      eps: this.eps,
    });
  }
}
