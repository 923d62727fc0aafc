// Where the demo's embedded real data lives: files that Debian packages installed by
// scripts/setup.sh already carry (mricron-data: the Colin27 T1 with AAL and Brodmann atlases;
// python3-skimage: scikit-image's sample photographs, textures and micrographs).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../util/errors.js';

/** Folders of the embedded sources. */
export interface EmbeddedRoots {
  /** mricron-data's templates folder. @default '/usr/share/mricron/templates' (KENSA_MRICRON_DIR) */
  mricron: string;
  /** scikit-image's data folder. @default '/usr/lib/python3/dist-packages/skimage/data' (KENSA_SKIMAGE_DIR) */
  skimage: string;
}

export const DEFAULT_ROOTS: EmbeddedRoots = {
  mricron: process.env.KENSA_MRICRON_DIR ?? '/usr/share/mricron/templates',
  skimage: process.env.KENSA_SKIMAGE_DIR ?? '/usr/lib/python3/dist-packages/skimage/data',
};

/** The files each source must hold, and the Debian package that carries them. */
export const EMBEDDED_FILES = {
  mricron: { pkg: 'mricron-data', files: ['ch2.nii.gz', 'ch2bet.nii.gz', 'aal.nii.gz', 'aal.nii.txt'] },
  skimage: { pkg: 'python3-skimage', files: ['brick.png', 'grass.png', 'gravel.png', 'cell.png', 'astronaut.png', 'coffee.png', 'chelsea.png'] },
} as const;

export type EmbeddedSource = keyof typeof EMBEDDED_FILES;

/** Why a source cannot be used (the first missing file and the package to install), or undefined. */
export function missingSource(source: EmbeddedSource, roots: EmbeddedRoots = DEFAULT_ROOTS): string | undefined {
  const { pkg, files } = EMBEDDED_FILES[source];
  const absent = files.find((f) => !existsSync(join(roots[source], f)));
  return absent === undefined ? undefined : `${join(roots[source], absent)} is missing: install the Debian package ${pkg} (scripts/setup.sh does)`;
}

/** The path of an embedded file; InputError naming it and its package when absent. */
export function embeddedFile(source: EmbeddedSource, name: string, roots: EmbeddedRoots = DEFAULT_ROOTS): string {
  const p = join(roots[source], name);
  if (!existsSync(p)) throw new InputError(p, `missing: install the Debian package ${EMBEDDED_FILES[source].pkg} (scripts/setup.sh does)`);
  return p;
}

/** Throws InputError naming the first missing file of these sources and its package. */
export function requireSources(sources: readonly EmbeddedSource[], roots: EmbeddedRoots = DEFAULT_ROOTS): void {
  for (const s of new Set(sources)) for (const f of EMBEDDED_FILES[s].files) embeddedFile(s, f, roots);
}
