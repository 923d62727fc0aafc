// Lexical path containment, shared by the report (gallery links) and the server (request paths).
import { isAbsolute, relative, sep } from 'node:path';

/** True when `child` is `root` or lies below it (both absolute, normalised). A name that merely starts with '..' ('..notes') is inside. */
export function isInside(root: string, child: string): boolean {
  const rel = relative(root, child);
  return rel === '' || (!isAbsolute(rel) && rel !== '..' && !rel.startsWith(`..${sep}`));
}
