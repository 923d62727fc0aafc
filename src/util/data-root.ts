// Where real datasets live: $KENSA_DATA, else ../shared/data beside the checkout.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Package root (the folder holding package.json), found from this compiled file's location. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    dir = dirname(dir);
  }
  throw new Error('kensa: cannot find the package root');
}

/** Root of the shared datasets: $KENSA_DATA or <package>/../shared/data. */
export function dataRoot(): string {
  return process.env.KENSA_DATA ? resolve(process.env.KENSA_DATA) : resolve(packageRoot(), '..', 'shared', 'data');
}

/** Path of a dataset folder, or undefined (with the reason) when it is absent: tests skip on that. */
export function dataset(name: string): { path?: string; skip?: string } {
  const path = join(dataRoot(), name);
  if (existsSync(path)) return { path };
  return { skip: `dataset ${name} not found under ${dataRoot()} (set KENSA_DATA)` };
}
