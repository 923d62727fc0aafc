// The interface every unknown-detection metric implements (one metric = one file + one registry entry).
// Convention for all of them: "unknown" is the positive class and a higher score means "more unknown".

/** A scalar summary of how well scores separate unknown from known samples. */
export interface OpenSetMetric {
  /** Registry key, kebab-case, e.g. `auroc`, `fpr-at-95-tpr`. */
  readonly name: string;
  /** One line for CLI help and report tables. */
  readonly description: string;
  /** True when a larger value is a better detector (AUROC), false otherwise (FPR95). */
  readonly higherIsBetter: boolean;
  /**
   * @param scores one finite score per sample; higher = more unknown
   * @param isUnknown truthy for unknown (positive) samples, falsy for known ones; both must occur
   */
  compute(scores: ArrayLike<number>, isUnknown: ArrayLike<boolean | number>): number;
}
