// The contract every classification head implements: training logits (with the head's margin on
// the target class), the loss, and plain inference logits for the softmax-based unknown scores.
import type { Tensor } from '../../../engine/index.js';
import { Module, F } from '../../../nn/index.js';

/** Options every head accepts. */
export interface HeadOptions {
  /** Size of the embedding the head reads. */
  embeddingSize: number;
  /** Number of known classes. */
  numClasses: number;
}

export abstract class ClassifierHead extends Module {
  /** Registry name, e.g. 'arcface'. */
  abstract readonly name: string;
  /**
   * Whether the head works on L2-normalised embeddings (metric heads); then centroids and
   * distance scores also use normalised embeddings.
   */
  abstract readonly normalizesEmbeddings: boolean;

  constructor(readonly embeddingSize: number, readonly numClasses: number) {
    super();
    if (!Number.isInteger(embeddingSize) || embeddingSize < 1) throw new RangeError(`head: embeddingSize must be a positive integer, got ${embeddingSize}`);
    if (!Number.isInteger(numClasses) || numClasses < 2) throw new RangeError(`head: numClasses must be an integer ≥ 2, got ${numClasses}`);
  }

  /** Inference logits [N,C] from embeddings [N,D] (no margin). */
  abstract logits(embeddings: Tensor): Tensor;

  /** Training logits [N,C]: the margin applied to each row's target class. @default logits() */
  trainingLogits(embeddings: Tensor, _labels: Tensor): Tensor {
    return this.logits(embeddings);
  }

  /** Mean cross-entropy of the training logits against labels [N] (int64). */
  loss(embeddings: Tensor, labels: Tensor): Tensor {
    return F.crossEntropy(this.trainingLogits(embeddings, labels), labels);
  }

  forward(embeddings: Tensor): Tensor {
    return this.logits(embeddings);
  }
}
