// The interface every unknown-ness score implements (one score = one file + one registry entry).
// Convention, as in src/metrics: higher score = more unknown; "unknown" is the positive class.
import type { Matrix } from '../matrix.js';

/** What a score may learn from: the known classes' training tiles. */
export interface ScoreFitData {
  /** [N, D] raw embeddings (the head's input) of known training tiles. */
  embeddings: Matrix;
  /** [N] class of each tile, 0 … numClasses − 1. */
  labels: ArrayLike<number>;
  numClasses: number;
  /** Whether the head works on L2-normalised embeddings (then distances use them too). */
  normalize: boolean;
  /** [N, C] inference logits of the same tiles (scores that scale features to logits, e.g. ViM, need them). @default absent */
  logits?: Matrix;
}

/** Tiles to score: their raw embeddings and the head's inference logits. */
export interface ScoreInput {
  /** [M, D] */
  embeddings: Matrix;
  /** [M, C] */
  logits: Matrix;
}

export interface UnknownScore {
  /** Registry key, kebab-case, e.g. 'centroid-distance'. */
  readonly name: string;
  /** One line for help and report tables. */
  readonly description: string;
  /** 'embedding': distance-based; 'logit': a softmax-baseline score from the logits alone. */
  readonly uses: 'embedding' | 'logit';
  /** Fit whatever the score needs on the known training tiles; returns the scoring function. */
  fit(data: ScoreFitData): (input: ScoreInput) => Float64Array;
}
