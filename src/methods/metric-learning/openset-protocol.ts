// The open-set protocol's folds and their summary: every test block × seed × held-out class × head,
// each head's per-fold figures reduced to a mean with a bootstrap interval over folds, and each
// metric head's AUROC compared with the softmax baselines (MSP, Energy) on the same folds.
import { foldInterval, pairedDifference, type FoldInterval, type FoldIntervalOptions, type PairedDifference } from './fold-stats.js';
import type { FoldHeadResult } from './open-set-eval.js';

/** One training run of the protocol. */
export interface FoldSpec {
  /** Checkpoint folder name, unique within the run. */
  id: string;
  /** Block of each class's file-number sequence tested (0 = first). */
  testBlock: number;
  /** Training seed (and the split's, for a shuffled split). */
  seed: number;
  heldOut: string;
  head: string;
}

/** A fold's result with the fold it belongs to. */
export type ProtocolFoldResult = FoldHeadResult & { testBlock: number; seed: number };

/**
 * Every (test block, seed, held-out class, head) in that nesting order. Folder names are
 * '<class>-<head>' when one block and one seed are run, 'block<b>-seed<s>-<class>-<head>' otherwise.
 */
export function foldSpecs(blocks: readonly number[], seeds: readonly number[], holdOut: readonly string[], heads: readonly string[]): FoldSpec[] {
  const long = blocks.length > 1 || seeds.length > 1;
  const out: FoldSpec[] = [];
  for (const testBlock of blocks) for (const seed of seeds) for (const heldOut of holdOut) for (const head of heads) {
    out.push({ id: long ? `block${testBlock}-seed${seed}-${heldOut}-${head}` : `${heldOut}-${head}`, testBlock, seed, heldOut, head });
  }
  return out;
}

/** Key of the data fold a result was judged on (the same for every head). */
export const dataFoldKey = (r: { testBlock: number; seed: number; unknownClass: string }): string => `${r.testBlock}|${r.seed}|${r.unknownClass}`;

/** One head's means over folds with 95 % intervals. */
export interface HeadIntervals {
  folds: number;
  closedSetTileAccuracy: FoldInterval;
  closedSetImageAccuracy: FoldInterval;
  /** Tile AUROC per score. */
  auroc: Record<string, FoldInterval>;
  /** Image AUROC (mean tile score per image) per score. */
  imageAuroc: Record<string, FoldInterval>;
}

/** A head's score against a softmax baseline score, AUROC differences on the same folds. */
export interface PairedRow {
  head: string;
  score: string;
  /** The softmax head's score compared with. */
  baseline: string;
  /** headAuroc − baselineAuroc. */
  difference: PairedDifference;
}

export function headIntervals(results: readonly ProtocolFoldResult[], head: string, scores: readonly string[], o: FoldIntervalOptions = {}): HeadIntervals {
  const rs = results.filter((r) => r.head === head);
  const per = (f: (r: ProtocolFoldResult) => number): FoldInterval => foldInterval(rs.map(f), o);
  return {
    folds: rs.length,
    closedSetTileAccuracy: per((r) => r.closedSetTileAccuracy),
    closedSetImageAccuracy: per((r) => r.closedSetImageAccuracy),
    auroc: Object.fromEntries(scores.map((s) => [s, per((r) => r.scores[s].auroc)])),
    imageAuroc: Object.fromEntries(scores.map((s) => [s, per((r) => r.scores[s].imageAuroc)])),
  };
}

/**
 * Every score of every head but the baseline head, against each baseline score of the baseline
 * head, paired by data fold (block, seed, held-out class). Folds the baseline head lacks are skipped.
 */
export function pairedComparison(results: readonly ProtocolFoldResult[], scores: readonly string[], o: FoldIntervalOptions & { baselineHead?: string; baselineScores?: readonly string[] } = {}): PairedRow[] {
  const bh = o.baselineHead ?? 'softmax';
  const base = new Map(results.filter((r) => r.head === bh).map((r) => [dataFoldKey(r), r]));
  if (base.size === 0) return [];
  const heads = [...new Set(results.map((r) => r.head))].filter((h) => h !== bh);
  const rows: PairedRow[] = [];
  for (const head of heads) {
    const rs = results.filter((r) => r.head === head && base.has(dataFoldKey(r)));
    for (const score of scores) {
      for (const baseline of o.baselineScores ?? ['msp', 'energy']) {
        const a = rs.map((r) => r.scores[score].auroc);
        const b = rs.map((r) => base.get(dataFoldKey(r))!.scores[baseline].auroc);
        rows.push({ head, score, baseline, difference: pairedDifference(a, b, o) });
      }
    }
  }
  return rows;
}
