// Pieces shared by the transfer commands: where the parts of a region folder are, the target-task
// options, and the target-task patches cut the way a landmark model's training patches were.
import type { OptionSpecs } from '../command.js';
import type { ImageSet } from '../../data/image-set.js';
import { readRegionFolder, type RegionFolder, type RegionFolderLayout } from '../../methods/transfer/region-folder.js';
import type { StoredLandmarkModel } from '../../methods/transfer/model-store.js';
import { taskImageSet } from '../../methods/transfer/evaluate.js';
import { TARGET_TASKS, targetTaskItems, type TargetTask, type TargetTaskName } from '../../methods/transfer/target-tasks.js';
import { OptionError } from '../../util/errors.js';

export interface RegionFolderCliOptions {
  /** Sub-folder of the image volumes. @default 't1' */ imagesDir: string;
  /** Sub-folder of the label volumes. @default 'labels' */ labelsDir: string;
  /** Label volume stem = image stem + this. @default '_DLMUSE' */ labelSuffix: string;
  /** Region-names table in the folder ('' = none). @default 'muse_dict.csv' */ names: string;
}

export const REGION_FOLDER_SPECS: OptionSpecs<RegionFolderCliOptions> = {
  imagesDir: { kind: 'string', description: 'sub-folder of --data holding the image volumes (NIfTI)', default: 't1', placeholder: 'NAME' },
  labelsDir: { kind: 'string', description: 'sub-folder of --data holding the label volumes, on the grids of their images', default: 'labels', placeholder: 'NAME' },
  labelSuffix: { kind: 'string', description: "a label volume's stem is its image's stem plus this", default: '_DLMUSE' },
  names: { kind: 'string', description: "region-names table in --data (CSV with a Name column, or 'value name' lines); '' or a missing file: label numbers", default: 'muse_dict.csv', placeholder: 'FILE' },
};

export function regionLayout(o: RegionFolderCliOptions): RegionFolderLayout {
  return { images: o.imagesDir, labels: o.labelsDir, labelSuffix: o.labelSuffix, names: o.names };
}

/** The region folder of `--data`, or the model's own folder and layout when `--data` is ''. */
export async function modelRegionFolder(data: string, o: RegionFolderCliOptions, meta: StoredLandmarkModel): Promise<RegionFolder> {
  return data === '' ? readRegionFolder(meta.data, meta.layout) : readRegionFolder(data, regionLayout(o));
}

/** Comma-separated integers ('' = none). */
export function parseIntList(s: string, option: string): number[] {
  const parts = s.split(',').map((x) => x.trim()).filter((x) => x !== '');
  return parts.map((x) => {
    if (!/^-?\d+$/.test(x)) throw new OptionError(option, `expected comma-separated label values, got '${x}'`);
    return Number(x);
  });
}

/** Comma-separated target-task names. */
export function parseTasks(s: string): TargetTaskName[] {
  const names = s.split(',').map((x) => x.trim()).filter((x) => x !== '');
  if (names.length === 0) throw new OptionError('--tasks', `names no task (one of ${TARGET_TASKS.join(', ')})`);
  for (const n of names) if (!(TARGET_TASKS as readonly string[]).includes(n)) throw new OptionError('--tasks', `unknown task '${n}' (one of ${TARGET_TASKS.join(', ')})`);
  return [...new Set(names)] as TargetTaskName[];
}

/** A target task's items on `folder` and its patches, cut as the model's training patches were (no jitter). */
export async function targetPatches(name: TargetTaskName, folder: RegionFolder, meta: StoredLandmarkModel, perVolume: number, seed: number): Promise<{ task: TargetTask; set: ImageSet }> {
  const task = await targetTaskItems(name, folder.pairs, { perVolume, exclude: meta.landmarks.map((c) => c.region), seed }, folder.names);
  return { task, set: await taskImageSet(task, meta.patch) };
}
