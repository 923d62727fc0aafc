// --shard R/N for folder jobs: job R of N takes every N-th input from the R-th (in the folder's
// name order), so N jobs on any scheduler cover a folder exactly once and stay balanced.
import { OptionError } from '../util/errors.js';

/** Part `index` of `count`. */
export interface FileShard {
  index: number;
  count: number;
}

/** The option spec every sharded folder command shares. */
export const SHARD_SPEC = {
  kind: 'string',
  description: 'R/N: only part R of N of the inputs (every N-th from the R-th, name order); N jobs cover the folder once',
  placeholder: 'R/N',
} as const;

export function parseShard(s: string | undefined): FileShard | undefined {
  if (s === undefined || s === '') return undefined;
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(s);
  if (!m) throw new OptionError('--shard', `expected R/N such as 0/4, got '${s}'`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1) throw new OptionError('--shard', `N must be at least 1, got ${s}`);
  if (index >= count) throw new OptionError('--shard', `R must be below N (0..${count - 1}), got ${s}`);
  return { index, count };
}

/** This shard's inputs (all of them without a shard). */
export function shardFiles<T>(files: readonly T[], s: FileShard | undefined): T[] {
  return s === undefined ? [...files] : files.filter((_, i) => i % s.count === s.index);
}
