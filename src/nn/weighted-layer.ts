// Base of layers with a weight and an optional bias (conv, transposed conv, linear), created
// with PyTorch's default initialisation.
import { Tensor } from '../engine/tensor.js';
import { empty } from '../engine/creation.js';
import { Module } from './module.js';
import { defaultLayerInit_ } from './init.js';

export abstract class WeightedLayer extends Module {
  /** Registers weight (given shape) and, if wanted, bias [biasSize], then initialises both. */
  protected initWeightBias(weightShape: number[], biasSize: number, bias: boolean): void {
    const w = this.registerParameter('weight', empty(weightShape))!;
    const b = bias ? this.registerParameter('bias', empty([biasSize])) : undefined;
    defaultLayerInit_(w, b);
  }
  get weight(): Tensor {
    return this.param('weight');
  }
  get bias(): Tensor | undefined {
    return this.paramOrUndefined('bias');
  }
}
