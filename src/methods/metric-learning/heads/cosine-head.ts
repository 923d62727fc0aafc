// Base of the cosine-margin heads (NormFace/CosFace/ArcFace family): class weights W [C·K, D] and
// embeddings are L2-normalised, logits are s·cos θ, and each subclass edits only the target
// class's cosine (its margin). K > 1 gives sub-centres: a class's cosine is its best sub-centre's.
import { type Tensor } from '../../../engine/index.js';
import { F, init } from '../../../nn/index.js';
import { empty } from '../../../engine/index.js';
import { ClassifierHead, type HeadOptions } from './head.js';

export interface CosineHeadOptions extends HeadOptions {
  /** Scale s multiplying every cosine. @default 64 */
  scale?: number;
  /** Sub-centres per class. @default 1 */
  subCenters?: number;
}

export abstract class CosineMarginHead extends ClassifierHead {
  readonly normalizesEmbeddings = true;
  readonly scale: number;
  readonly subCenters: number;
  /**
   * Fraction f ∈ [0, 1] of the margin applied in training: the target cosine becomes
   * cos θ + f·(marginCosine(cos θ) − cos θ), so f = 0 is the plain normalised softmax (NormFace) and
   * f = 1 the full margin. A margin warm-up raises it epoch by epoch. @default 1
   */
  marginFraction = 1;
  constructor(o: CosineHeadOptions) {
    super(o.embeddingSize, o.numClasses);
    this.scale = o.scale ?? 64;
    this.subCenters = o.subCenters ?? 1;
    if (!(this.scale > 0)) throw new RangeError(`${this.constructor.name}: scale must be positive, got ${this.scale}`);
    if (!Number.isInteger(this.subCenters) || this.subCenters < 1) throw new RangeError(`${this.constructor.name}: subCenters must be a positive integer, got ${this.subCenters}`);
    // [C·K, D], rows c·K … c·K + K − 1 are class c's sub-centres (as in insightface).
    const w = this.registerParameter('weight', empty([o.numClasses * this.subCenters, o.embeddingSize]))!;
    init.xavierUniform_(w);
  }

  get weight(): Tensor {
    return this.param('weight');
  }

  /** cos θ between each normalised embedding and each class [N,C] (best sub-centre per class). */
  cosine(embeddings: Tensor): Tensor {
    const cos = F.linear(F.normalize(embeddings, 2, 1), F.normalize(this.weight, 2, 1)); // [N, C·K]
    if (this.subCenters === 1) return cos;
    return cos.view([cos.shape[0], this.numClasses, this.subCenters]).amax(2);
  }

  /** The target class's cosine after the margin, elementwise on cos θ of the targets [N]. */
  protected abstract marginCosine(targetCos: Tensor): Tensor;

  logits(embeddings: Tensor): Tensor {
    return this.cosine(embeddings).mul(this.scale);
  }

  override trainingLogits(embeddings: Tensor, labels: Tensor): Tensor {
    const cos = this.cosine(embeddings);
    const idx = labels.unsqueeze(1);
    const target = cos.gather(1, idx); // [N,1]
    const f = this.marginFraction;
    const edge = f >= 1 ? this.marginCosine(target) : f <= 0 ? target : target.add(this.marginCosine(target).sub(target).mul(f));
    const edited = cos.scatter(1, idx, edge);
    return edited.mul(this.scale);
  }
}
