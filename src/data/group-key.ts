// Group keys from file names, so that related files (one subject, one field of view) share a split.
import { basename, dirname } from 'node:path';
import { OptionError } from '../util/errors.js';
import { fileStem } from './folder-datasets.js';

/** Options of `fileNumber` and `fileNumberKey`. */
export interface FileNumberOptions {
  /** Which run of digits in the file stem: the first or the last. @default 'last' */
  which?: 'first' | 'last';
}

/** The number in a file's stem, e.g. 1157 for 'NCM333_1157.jpg'; undefined when it has none. */
export function fileNumber(path: string, options: FileNumberOptions = {}): number | undefined {
  const runs = fileStem(basename(path)).match(/\d+/g);
  if (!runs) return undefined;
  return Number((options.which ?? 'last') === 'first' ? runs[0] : runs[runs.length - 1]);
}

/** Options of `fileNumberKey`. */
export interface FileNumberKeyOptions extends FileNumberOptions {
  /** Files whose numbers share floor(number / blockSize) share a group (neighbouring shots of one field). @default 1 */
  blockSize?: number;
  /** 'folder': groups never span folders (one number in two class folders is two groups); 'global': they may. @default 'folder' */
  scope?: 'folder' | 'global';
}

/**
 * A group-key function for `splitItems`: the file number divided by `blockSize` (rounded down),
 * prefixed by the folder unless scope is 'global'. Throws OptionError for a name without digits.
 */
export function fileNumberKey(options: FileNumberKeyOptions = {}): (path: string) => string {
  const block = options.blockSize ?? 1;
  if (!Number.isInteger(block) || block < 1) throw new OptionError('blockSize', `must be a positive integer, got ${block}`);
  const scope = options.scope ?? 'folder';
  return (path: string) => {
    const n = fileNumber(path, options);
    if (n === undefined) throw new OptionError('groupBy', `file name ${basename(path)} holds no number to group by`);
    const g = String(Math.floor(n / block));
    return scope === 'folder' ? `${dirname(path)}/${g}` : g;
  };
}

/** A group-key function from the first capture group of a pattern on the file name, e.g. /^(IXI\d+)/ for the subject. */
export function patternKey(pattern: RegExp): (path: string) => string {
  return (path: string) => {
    const m = basename(path).match(pattern);
    if (!m) throw new OptionError('groupBy', `file name ${basename(path)} does not match ${pattern}`);
    return m[1] ?? m[0];
  };
}
