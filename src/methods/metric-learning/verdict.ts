// Tile → image verdict: the image's class is its tiles' majority class, and it is "unknown" when
// its tiles' unknown scores, aggregated, pass the threshold calibrated on held-apart known tiles.

export interface ImageVerdictOptions {
  /**
   * 'vote': unknown when more than `voteFraction` of the tiles score above the threshold;
   * 'mean' / 'median': unknown when the mean / median tile score is above the threshold.
   * @default 'vote'
   */
  aggregate?: 'vote' | 'mean' | 'median';
  /** Fraction of flagged tiles above which a 'vote' image is unknown. @default 0.5 */
  voteFraction?: number;
}

export const AGGREGATES = ['vote', 'mean', 'median'] as const;

export interface ImageVerdict {
  /** "class X" name, or 'unknown'. */
  verdict: string;
  /** Index of the verdict's class, −1 for unknown. */
  classIndex: number;
  /** Majority class of the tiles (the closed-set answer, whatever the verdict). */
  predictedClass: number;
  /** Aggregated score: fraction of flagged tiles ('vote') or mean/median tile score. */
  score: number;
  /** Fraction of tiles above the threshold. */
  unknownFraction: number;
  tiles: number;
}

/** Majority of class indices (ties go to the smaller index). */
export function majorityClass(classes: ArrayLike<number>): number {
  const counts = new Map<number, number>();
  for (let i = 0; i < classes.length; i++) counts.set(classes[i], (counts.get(classes[i]) ?? 0) + 1);
  let best = -1;
  let arg = -1;
  for (const [c, n] of [...counts].sort((a, b) => a[0] - b[0])) if (n > best) [best, arg] = [n, c];
  return arg;
}

function median(v: ArrayLike<number>): number {
  const s = Float64Array.from(v).sort();
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Verdict for one image from its tiles' unknown scores (higher = more unknown) and predicted classes.
 * @param threshold a tile is flagged unknown when its score is strictly greater
 */
export function imageVerdict(tileScores: ArrayLike<number>, tileClasses: ArrayLike<number>, threshold: number, classNames: readonly string[], options: ImageVerdictOptions = {}): ImageVerdict {
  const n = tileScores.length;
  if (n === 0) throw new RangeError('imageVerdict: an image with no tiles');
  if (tileClasses.length !== n) throw new RangeError(`imageVerdict: ${tileClasses.length} classes for ${n} scores`);
  const agg = options.aggregate ?? 'vote';
  const frac = options.voteFraction ?? 0.5;
  let flagged = 0;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    if (tileScores[i] > threshold) flagged++;
    sum += tileScores[i];
  }
  const unknownFraction = flagged / n;
  let score: number;
  let unknown: boolean;
  if (agg === 'vote') {
    score = unknownFraction;
    unknown = unknownFraction > frac;
  } else if (agg === 'mean' || agg === 'median') {
    score = agg === 'mean' ? sum / n : median(tileScores);
    unknown = score > threshold;
  } else {
    throw new RangeError(`imageVerdict: aggregate must be one of ${AGGREGATES.join(', ')}, got '${String(agg)}'`);
  }
  const predictedClass = majorityClass(tileClasses);
  return {
    verdict: unknown ? 'unknown' : (classNames[predictedClass] ?? `class ${predictedClass}`),
    classIndex: unknown ? -1 : predictedClass,
    predictedClass,
    score,
    unknownFraction,
    tiles: n,
  };
}

/**
 * Image-level unknown score from tile scores, for image-level AUROC: the mean tile score
 * ('mean', 'vote') or the median ('median').
 */
export function aggregateScore(tileScores: ArrayLike<number>, aggregate: ImageVerdictOptions['aggregate'] = 'vote'): number {
  if (aggregate === 'median') return median(tileScores);
  let s = 0;
  for (let i = 0; i < tileScores.length; i++) s += tileScores[i];
  return s / tileScores.length;
}
