// Path confinement for files the server reads: a request path resolves inside one root, with no
// `..` traversal and no symlink leading out of the root (checked on the real path).
import { realpathSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import { isInside } from '../util/paths.js';

export class ConfinementError extends Error {}

/**
 * The real path of `requestPath` (URL-decoded, relative to `root`), or a ConfinementError when it
 * would leave the root lexically or through a symlink; undefined when it does not exist.
 */
export function confinedPath(root: string, requestPath: string): string | undefined {
  if (requestPath.includes('\0')) throw new ConfinementError('NUL in path');
  const realRoot = realpathSync(root);
  const lexical = resolve(realRoot, `.${sep}${requestPath.replace(/^[/\\]+/, '')}`);
  if (!isInside(realRoot, lexical)) throw new ConfinementError('path leaves the root');
  let real: string;
  try {
    real = realpathSync(lexical);
  } catch {
    return undefined;
  }
  if (!isInside(realRoot, real)) throw new ConfinementError('symlink leaves the root');
  return real;
}
