// Softmax head: an ordinary linear classifier with bias on the raw embedding — the baseline the
// metric heads are compared with (its logits feed MSP, MaxLogit and Energy).
import type { Tensor } from '../../../engine/index.js';
import { Linear, F } from '../../../nn/index.js';
import { ClassifierHead, type HeadOptions } from './head.js';

export class SoftmaxHead extends ClassifierHead {
  readonly name = 'softmax';
  readonly normalizesEmbeddings = false;
  readonly fc: Linear;
  constructor(o: HeadOptions) {
    super(o.embeddingSize, o.numClasses);
    this.fc = this.registerModule('fc', new Linear(o.embeddingSize, o.numClasses));
  }
  logits(embeddings: Tensor): Tensor {
    return F.linear(embeddings, this.fc.weight, this.fc.bias);
  }
}
