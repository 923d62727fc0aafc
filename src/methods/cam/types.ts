// Public interfaces of the CAM family: what a target is, what a method sees for one layer, and the
// contract every method implements (the pipeline around it lives in cam.ts).
import type { Tensor } from '../../engine/tensor.js';
import type { Module } from '../../nn/module.js';

/** A network CAM can explain: a Module whose forward maps [N,C,H,W] images to [N,classes] scores. */
export type CamNet = Module & { forward(x: Tensor): Tensor };

/**
 * The score to explain, one per row of the network output: output [M, classes] → [M].
 * `image[m]` is the input image row m belongs to (Score-CAM scores several masked copies of one
 * image in a batch); targets that are the same for every image can ignore it. Must be
 * differentiable for the gradient methods.
 */
export type CamTarget = (output: Tensor, image: readonly number[]) => Tensor;

/** What a method is given for one layer of one batch. */
export interface CamLayerInput {
  /** The layer's output, detached, [N,K,h,w]. */
  activations: Tensor;
  /** d(target)/d(activations) [N,K,h,w]; undefined for methods that do not use gradients. */
  gradients: Tensor | undefined;
  /** The network input [N,C,H,W]. */
  input: Tensor;
  /** Target score of a batch of inputs, without gradient: x [M,C,H,W], image [M] → [M]. */
  score(x: Tensor, image: readonly number[]): Tensor;
  /** Largest batch of extra forward passes (Score-CAM). */
  batchSize: number;
}

/** One CAM method: registered once in registry.ts. */
export interface CamMethod {
  /** Registry key and CLI choice, e.g. 'gradcam++'. */
  readonly name: string;
  /** Display name, e.g. 'Grad-CAM++'. */
  readonly title: string;
  /** Paper (arXiv id or DOI). */
  readonly reference: string;
  /** Whether the pipeline must provide gradients. */
  readonly usesGradients: boolean;
  /** Whether the final map is unchanged when the target score is multiplied by a constant c > 0. */
  readonly scaleInvariant: boolean;
  /** The layer's map before ReLU, upsampling and normalisation: [N,h,w]. */
  layerMap(input: CamLayerInput): Tensor;
}
