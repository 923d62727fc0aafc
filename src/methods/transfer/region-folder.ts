// A folder of the ixi-t1-regions layout: image volumes in one sub-folder, label volumes (same
// stems plus a suffix) in another, and an optional region-names table; read as volume pairs.
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { volumePairDataset } from '../../data/folder-datasets.js';
import type { VolumePairItem } from '../../data/types.js';
import { InputError } from '../../util/errors.js';
import { readRegionNames } from './region-names.js';

/** Where the parts of a region folder are. */
export interface RegionFolderLayout {
  /** Sub-folder of the image volumes. @default 't1' */
  images?: string;
  /** Sub-folder of the label volumes. @default 'labels' */
  labels?: string;
  /** Text after an image's stem in its label volume's stem. @default '_DLMUSE' */
  labelSuffix?: string;
  /** Region-names table inside the folder ('' = none; a missing default file means label numbers). @default 'muse_dict.csv' */
  names?: string;
}

export interface RegionFolder {
  /** Absolute path of the folder. */
  dir: string;
  pairs: VolumePairItem[];
  /** Region names by label value (empty without a table). */
  names: Map<number, string>;
  layout: Required<RegionFolderLayout>;
}

/** Reads the pairs (image and label volume on the same grid size) and the names of `dir`. */
export async function readRegionFolder(dir: string, layout: RegionFolderLayout = {}): Promise<RegionFolder> {
  const l: Required<RegionFolderLayout> = { images: layout.images ?? 't1', labels: layout.labels ?? 'labels', labelSuffix: layout.labelSuffix ?? '_DLMUSE', names: layout.names ?? 'muse_dict.csv' };
  const root = resolve(dir);
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new InputError(root, 'is not a folder');
  for (const sub of [l.images, l.labels]) if (!existsSync(join(root, sub))) throw new InputError(join(root, sub), `missing: a region folder holds ${l.images}/ (image volumes) and ${l.labels}/ (label volumes)`);
  const pairs = await volumePairDataset(join(root, l.images), join(root, l.labels), { labelSuffix: l.labelSuffix });
  const namesFile = l.names ? join(root, l.names) : '';
  const names = namesFile && existsSync(namesFile) ? await readRegionNames(namesFile) : new Map<number, string>();
  return { dir: root, pairs, names, layout: l };
}
