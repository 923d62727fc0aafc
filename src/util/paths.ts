// Lexical path containment, shared by the report (gallery links) and the server (request paths).
import { isAbsolute, relative, sep } from 'node:path';

/** True when `child` is `root` or lies below it (both absolute, normalised). */
export function isInside(root: string, child: string): boolean {
  const rel = relative(root, child);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel) && rel.split(sep)[0] !== '..');
}
