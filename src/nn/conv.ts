// Convolution layers with PyTorch's parameter layout and default initialisation.
import { Tensor } from '../engine/tensor.js';
import { pad } from '../engine/tensor-shape.js';
import { WeightedLayer } from './weighted-layer.js';
import { conv2d, convTranspose2d, conv3d, type Pair } from './functional.js';

const pair = (p: Pair): [number, number] => (typeof p === 'number' ? [p, p] : [p[0], p[1]]);

export interface Conv2dOptions {
  /** @default 1 */ stride?: Pair;
  /** Zero padding per side, or 'same'. @default 0 */ padding?: Pair | 'same';
  /** @default 1 */ dilation?: Pair;
  /** @default 1 */ groups?: number;
  /** @default true */ bias?: boolean;
  /** How borders are padded when padding > 0. @default 'zeros' */ paddingMode?: 'zeros' | 'reflect' | 'replicate';
}

export class Conv2d extends WeightedLayer {
  readonly kernelSize: [number, number];
  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    kernelSize: Pair,
    readonly options: Conv2dOptions = {},
  ) {
    super();
    this.kernelSize = pair(kernelSize);
    const groups = options.groups ?? 1;
    if (inChannels % groups !== 0 || outChannels % groups !== 0) throw new Error('Conv2d: channels must be divisible by groups');
    this.initWeightBias([outChannels, inChannels / groups, ...this.kernelSize], outChannels, options.bias ?? true);
  }
  forward(x: Tensor): Tensor {
    const o = this.options;
    const mode = o.paddingMode ?? 'zeros';
    if (mode !== 'zeros' && o.padding !== undefined && o.padding !== 'same' && o.padding !== 0) {
      const [ph, pw] = pair(o.padding);
      const padded = padFor(x, [pw, pw, ph, ph], mode);
      const y = conv2d(padded, this.weight, this.bias, { stride: o.stride, dilation: o.dilation, groups: o.groups });
      padded.dispose();
      return y;
    }
    return conv2d(x, this.weight, this.bias, o);
  }
}

function padFor(x: Tensor, p: number[], mode: 'reflect' | 'replicate'): Tensor {
  return pad(x, p, mode);
}

export interface ConvTranspose2dOptions {
  /** @default 1 */ stride?: Pair;
  /** @default 0 */ padding?: Pair;
  /** @default 0 */ outputPadding?: Pair;
  /** @default 1 */ groups?: number;
  /** @default true */ bias?: boolean;
  /** @default 1 */ dilation?: Pair;
}

export class ConvTranspose2d extends WeightedLayer {
  readonly kernelSize: [number, number];
  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    kernelSize: Pair,
    readonly options: ConvTranspose2dOptions = {},
  ) {
    super();
    this.kernelSize = pair(kernelSize);
    const groups = options.groups ?? 1;
    this.initWeightBias([inChannels, outChannels / groups, ...this.kernelSize], outChannels, options.bias ?? true);
  }
  forward(x: Tensor): Tensor {
    return convTranspose2d(x, this.weight, this.bias, this.options);
  }
}

export interface Conv3dOptions {
  /** @default 1 */ stride?: number;
  /** @default 0 */ padding?: number;
  /** @default 1 */ dilation?: number;
  /** @default 1 */ groups?: number;
  /** @default true */ bias?: boolean;
}

/** 3-D convolution over [N, C, D, H, W] volumes. */
export class Conv3d extends WeightedLayer {
  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    readonly kernelSize: number,
    readonly options: Conv3dOptions = {},
  ) {
    super();
    const groups = options.groups ?? 1;
    const k = kernelSize;
    this.initWeightBias([outChannels, inChannels / groups, k, k, k], outChannels, options.bias ?? true);
  }
  forward(x: Tensor): Tensor {
    return conv3d(x, this.weight, this.bias, this.options);
  }
}
