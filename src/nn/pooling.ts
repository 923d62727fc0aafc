// Pooling and resampling layers.
import { Tensor } from '../engine/tensor.js';
import { Module } from './module.js';
import * as F from './functional.js';
import type { Pair } from './functional.js';

export class MaxPool2d extends Module {
  constructor(
    readonly kernelSize: Pair,
    readonly options: F.Pool2dOptions & { dilation?: Pair } = {},
  ) {
    super();
  }
  forward(x: Tensor): Tensor {
    return F.maxPool2d(x, this.kernelSize, this.options);
  }
}

export class AvgPool2d extends Module {
  constructor(
    readonly kernelSize: Pair,
    readonly options: F.Pool2dOptions & { countIncludePad?: boolean } = {},
  ) {
    super();
  }
  forward(x: Tensor): Tensor {
    return F.avgPool2d(x, this.kernelSize, this.options);
  }
}

export class AdaptiveAvgPool2d extends Module {
  constructor(readonly outputSize: Pair) {
    super();
  }
  forward(x: Tensor): Tensor {
    return F.adaptiveAvgPool2d(x, this.outputSize);
  }
}

/** Resizes feature maps (nearest or bilinear) by a scale factor or to a size. */
export class Upsample extends Module {
  constructor(readonly options: F.InterpolateOptions) {
    super();
  }
  forward(x: Tensor): Tensor {
    return F.interpolate(x, this.options);
  }
}
