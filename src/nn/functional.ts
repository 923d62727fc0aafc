// Neural-network functions (torch.nn.functional): convolutions, pooling, normalisation,
// resampling, activations and losses, each one ATen operator or a short composition.
import { Tensor, call, callOp, opId } from '../engine/tensor.js';
import '../engine/index.js';

export type Pair = number | readonly [number, number];
export type Reduction = 'none' | 'mean' | 'sum';
const REDUCTION: Record<Reduction, number> = { none: 0, mean: 1, sum: 2 };

export interface Conv2dOptions {
  /** @default 1 */ stride?: Pair;
  /** Zero padding per side, or 'same' (stride 1 only). @default 0 */ padding?: Pair | 'same';
  /** @default 1 */ dilation?: Pair;
  /** @default 1 */ groups?: number;
}

export function conv2d(x: Tensor, weight: Tensor, bias?: Tensor, o: Conv2dOptions = {}): Tensor {
  if (o.padding === 'same') {
    return call(opId('conv2d', 'padding'), x, weight, bias, o.stride ?? 1, 'same', o.dilation ?? 1, o.groups ?? 1);
  }
  return call(opId('conv2d'), x, weight, bias, o.stride ?? 1, o.padding ?? 0, o.dilation ?? 1, o.groups ?? 1);
}

export function conv3d(x: Tensor, weight: Tensor, bias?: Tensor, o: { stride?: number | readonly number[]; padding?: number | readonly number[]; dilation?: number | readonly number[]; groups?: number } = {}): Tensor {
  return call(opId('conv3d'), x, weight, bias, o.stride ?? 1, o.padding ?? 0, o.dilation ?? 1, o.groups ?? 1);
}

export interface ConvTranspose2dOptions {
  /** @default 1 */ stride?: Pair;
  /** @default 0 */ padding?: Pair;
  /** @default 0 */ outputPadding?: Pair;
  /** @default 1 */ groups?: number;
  /** @default 1 */ dilation?: Pair;
}

export function convTranspose2d(x: Tensor, weight: Tensor, bias?: Tensor, o: ConvTranspose2dOptions = {}): Tensor {
  return call(opId('conv_transpose2d', 'input'), x, weight, bias, o.stride ?? 1, o.padding ?? 0, o.outputPadding ?? 0, o.groups ?? 1, o.dilation ?? 1);
}

export function linear(x: Tensor, weight: Tensor, bias?: Tensor): Tensor {
  return call(opId('linear'), x, weight, bias);
}

export interface Pool2dOptions {
  /** @default kernelSize */ stride?: Pair;
  /** @default 0 */ padding?: Pair;
  /** @default false */ ceilMode?: boolean;
}

export function maxPool2d(x: Tensor, kernelSize: Pair, o: Pool2dOptions & { dilation?: Pair } = {}): Tensor {
  return call(opId('max_pool2d'), x, kernelSize, o.stride ?? kernelSize, o.padding ?? 0, o.dilation ?? 1, o.ceilMode ?? false);
}

export function avgPool2d(x: Tensor, kernelSize: Pair, o: Pool2dOptions & { countIncludePad?: boolean } = {}): Tensor {
  return call(opId('avg_pool2d'), x, kernelSize, o.stride ?? kernelSize, o.padding ?? 0, o.ceilMode ?? false, o.countIncludePad ?? true);
}

/** Max pooling over [N, C, D, H, W] volumes. */
export function maxPool3d(x: Tensor, kernelSize: number | readonly number[], o: { stride?: number | readonly number[]; padding?: number | readonly number[] } = {}): Tensor {
  return call(opId('max_pool3d'), x, kernelSize, o.stride ?? kernelSize, o.padding ?? 0, 1, false);
}

/** Average pooling over [N, C, D, H, W] volumes. */
export function avgPool3d(x: Tensor, kernelSize: number | readonly number[], o: { stride?: number | readonly number[]; padding?: number | readonly number[] } = {}): Tensor {
  return call(opId('avg_pool3d'), x, kernelSize, o.stride ?? kernelSize, o.padding ?? 0, false, true);
}

/** Transposed 3-D convolution, weight [in, out/groups, k, k, k]. */
export function convTranspose3d(x: Tensor, weight: Tensor, bias?: Tensor, o: { stride?: number; padding?: number; outputPadding?: number; groups?: number } = {}): Tensor {
  return call(opId('conv_transpose3d', 'input'), x, weight, bias, o.stride ?? 1, o.padding ?? 0, o.outputPadding ?? 0, o.groups ?? 1, 1);
}

/** Trilinear resampling of [N, C, D, H, W] volumes to a size or by a scale factor. */
export function interpolate3d(x: Tensor, o: { size?: readonly [number, number, number]; scaleFactor?: number; alignCorners?: boolean }): Tensor {
  if (o.size === undefined && o.scaleFactor === undefined) throw new Error('interpolate3d: give size or scaleFactor');
  const scales = o.size ? undefined : [o.scaleFactor!, o.scaleFactor!, o.scaleFactor!];
  return call(opId('upsample_trilinear3d', 'vec'), x, o.size, o.alignCorners ?? false, scales);
}

export function adaptiveAvgPool2d(x: Tensor, outputSize: Pair): Tensor {
  return call(opId('adaptive_avg_pool2d'), x, outputSize);
}

export function adaptiveMaxPool2d(x: Tensor, outputSize: Pair): Tensor {
  const [values, indices] = callOp(opId('adaptive_max_pool2d'), x, outputSize) as Tensor[];
  indices.dispose();
  return values;
}

export interface BatchNormOptions {
  weight?: Tensor;
  bias?: Tensor;
  /** Use batch statistics (and update running ones) rather than running statistics. @default false */
  training?: boolean;
  /** @default 0.1 */ momentum?: number;
  /** @default 1e-5 */ eps?: number;
}

export function batchNorm(x: Tensor, runningMean: Tensor | undefined, runningVar: Tensor | undefined, o: BatchNormOptions = {}): Tensor {
  return call(opId('batch_norm'), x, o.weight, o.bias, runningMean, runningVar, o.training ?? false, o.momentum ?? 0.1, o.eps ?? 1e-5, true);
}

export interface InstanceNormOptions {
  weight?: Tensor;
  bias?: Tensor;
  runningMean?: Tensor;
  runningVar?: Tensor;
  /** Normalise with each instance's own statistics. @default true */
  useInputStats?: boolean;
  /** @default 0.1 */ momentum?: number;
  /** @default 1e-5 */ eps?: number;
}

export function instanceNorm(x: Tensor, o: InstanceNormOptions = {}): Tensor {
  return call(opId('instance_norm'), x, o.weight, o.bias, o.runningMean, o.runningVar, o.useInputStats ?? true, o.momentum ?? 0.1, o.eps ?? 1e-5, true);
}

export function groupNorm(x: Tensor, groups: number, weight?: Tensor, bias?: Tensor, eps = 1e-5): Tensor {
  return call(opId('group_norm'), x, groups, weight, bias, eps, true);
}

export function layerNorm(x: Tensor, normalizedShape: readonly number[], weight?: Tensor, bias?: Tensor, eps = 1e-5): Tensor {
  return call(opId('layer_norm'), x, normalizedShape, weight, bias, eps, true);
}

export interface InterpolateOptions {
  /** Output [H, W]; give this or scaleFactor. */
  size?: readonly [number, number];
  scaleFactor?: number | readonly [number, number];
  /** @default 'nearest' */
  mode?: 'nearest' | 'bilinear';
  /** bilinear only. @default false */
  alignCorners?: boolean;
}

/** Resizes NCHW maps like F.interpolate (nearest uses PyTorch's legacy 'nearest' rule). */
export function interpolate(x: Tensor, o: InterpolateOptions): Tensor {
  const scales = o.scaleFactor === undefined ? undefined : typeof o.scaleFactor === 'number' ? [o.scaleFactor, o.scaleFactor] : o.scaleFactor;
  if (o.size === undefined && scales === undefined) throw new Error('interpolate: give size or scaleFactor');
  const size = o.size ?? undefined;
  if ((o.mode ?? 'nearest') === 'nearest') return call(opId('upsample_nearest2d', 'vec'), x, size, size ? undefined : scales);
  return call(opId('upsample_bilinear2d', 'vec'), x, size, o.alignCorners ?? false, size ? undefined : scales);
}

// ---- activations ------------------------------------------------------------------------------
export function relu(x: Tensor): Tensor {
  return call(opId('relu'), x);
}
export function leakyRelu(x: Tensor, negativeSlope = 0.01): Tensor {
  return call(opId('leaky_relu'), x, negativeSlope);
}
export function sigmoid(x: Tensor): Tensor {
  return call(opId('sigmoid'), x);
}
export function tanh(x: Tensor): Tensor {
  return call(opId('tanh'), x);
}
export function gelu(x: Tensor): Tensor {
  return call(opId('gelu'), x);
}
export function softmax(x: Tensor, dim: number): Tensor {
  return call(opId('softmax', 'int'), x, dim);
}
export function logSoftmax(x: Tensor, dim: number): Tensor {
  return call(opId('log_softmax', 'int'), x, dim);
}
/** Zeroes elements with probability p while training, scaling the rest by 1/(1-p). */
export function dropout(x: Tensor, p = 0.5, training = true): Tensor {
  return call(opId('dropout'), x, p, training);
}

/** x / max(‖x‖_p along dim, eps), like F.normalize. */
export function normalize(x: Tensor, p = 2, dim = 1, eps = 1e-12): Tensor {
  const n = x.norm(p, dim, true);
  const d = n.clampMin(eps);
  const e = d.expandAs(x);
  const out = x.div(e);
  n.dispose();
  d.dispose();
  e.dispose();
  return out;
}

export function cosineSimilarity(a: Tensor, b: Tensor, dim = 1, eps = 1e-8): Tensor {
  return call(opId('cosine_similarity'), a, b, dim, eps);
}

// ---- losses -----------------------------------------------------------------------------------
export interface CrossEntropyOptions {
  /** Per-class weights [C]. */
  weight?: Tensor;
  /** Target value that contributes nothing. @default -100 */
  ignoreIndex?: number;
  /** @default 'mean' */
  reduction?: Reduction;
  /** @default 0 */
  labelSmoothing?: number;
}

/** Cross-entropy of logits [N, C, ...] against int64 class targets [N, ...]. */
export function crossEntropy(logits: Tensor, target: Tensor, o: CrossEntropyOptions = {}): Tensor {
  return call(opId('cross_entropy_loss'), logits, target, o.weight, REDUCTION[o.reduction ?? 'mean'], o.ignoreIndex ?? -100, o.labelSmoothing ?? 0);
}

/** Negative log-likelihood of log-probabilities [N, C, ...]. */
export function nllLoss(logProbs: Tensor, target: Tensor, o: Omit<CrossEntropyOptions, 'labelSmoothing'> = {}): Tensor {
  return call(opId('nll_loss_nd'), logProbs, target, o.weight, REDUCTION[o.reduction ?? 'mean'], o.ignoreIndex ?? -100);
}

export function mseLoss(input: Tensor, target: Tensor, reduction: Reduction = 'mean'): Tensor {
  return call(opId('mse_loss'), input, target, REDUCTION[reduction]);
}

export function l1Loss(input: Tensor, target: Tensor, reduction: Reduction = 'mean'): Tensor {
  return call(opId('l1_loss'), input, target, REDUCTION[reduction]);
}

export function smoothL1Loss(input: Tensor, target: Tensor, reduction: Reduction = 'mean', beta = 1): Tensor {
  return call(opId('smooth_l1_loss'), input, target, REDUCTION[reduction], beta);
}

/** Binary cross-entropy of probabilities in [0, 1]. */
export function binaryCrossEntropy(probs: Tensor, target: Tensor, o: { weight?: Tensor; reduction?: Reduction } = {}): Tensor {
  return call(opId('binary_cross_entropy'), probs, target, o.weight, REDUCTION[o.reduction ?? 'mean']);
}

/** Binary cross-entropy of logits (numerically stable), optional positive-class weight. */
export function binaryCrossEntropyWithLogits(
  logits: Tensor,
  target: Tensor,
  o: { weight?: Tensor; posWeight?: Tensor; reduction?: Reduction } = {},
): Tensor {
  return call(opId('binary_cross_entropy_with_logits'), logits, target, o.weight, o.posWeight, REDUCTION[o.reduction ?? 'mean']);
}
