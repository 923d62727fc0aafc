// Target tasks for the frozen features, built from the same image + label volumes:
// 'structures' tells apart the two largest regions that are not pretraining landmarks (patches
// centred on random voxels of either), 'lesions' finds seeded synthetic lesions inserted into
// patches centred on random labelled (brain) voxels. Items carry their subject, so the task can
// train on some subjects with few labels and test on others.
import { readNifti } from '../../io/index.js';
import type { PatchItem } from '../../data/patch-source.js';
import { Rng } from '../../data/rng.js';
import type { VolumePairItem } from '../../data/types.js';
import { OptionError } from '../../util/errors.js';
import { checkSameGrid } from './landmark-dataset.js';
import { lesionTask, type LesionItem, type LesionOptions } from './synthetic-lesion.js';

export const TARGET_TASKS = ['structures', 'lesions'] as const;
export type TargetTaskName = (typeof TARGET_TASKS)[number];

/** Options of `targetTaskItems`. */
export interface TargetTaskOptions {
  /** Patch centres per class and volume. @default 40 */
  perVolume?: number;
  /** Regions never used by 'structures' (the pretraining landmark regions). @default none */
  exclude?: readonly number[];
  /** Lesion parameters of 'lesions'. @default see LesionOptions */
  lesion?: LesionOptions;
  /** @default 0 */
  seed?: number;
}

/** A task's items (label 0/1) and what its classes are. */
export interface TargetTask {
  name: TargetTaskName;
  classNames: [string, string];
  items: LesionItem[];
  /** 'structures': the two label values. */
  regions?: [number, number];
}

function pick<T>(all: readonly T[], n: number, rng: Rng): T[] {
  const idx = rng.permutation(all.length).slice(0, n);
  return idx.map((i) => all[i]);
}

/** The items of task `name` on every pair; `names` labels the regions. */
export async function targetTaskItems(name: TargetTaskName, pairs: readonly VolumePairItem[], o: TargetTaskOptions = {}, names: ReadonlyMap<number, string> = new Map()): Promise<TargetTask> {
  if (!TARGET_TASKS.includes(name)) throw new OptionError('--tasks', `unknown task '${String(name)}' (one of ${TARGET_TASKS.join(', ')})`);
  const per = o.perVolume ?? 40;
  const seed = o.seed ?? 0;
  const exclude = new Set(o.exclude ?? []);
  const vols: { pair: VolumePairItem; byRegion: Map<number, number[]>; xyz: (i: number) => [number, number, number] }[] = [];
  for (const p of pairs) {
    const [image, labels] = await Promise.all([readNifti(p.volume, { canonical: true }), readNifti(p.label, { canonical: true })]);
    checkSameGrid(image, labels, p.volume, p.label);
    const [X, Y] = labels.shape;
    const byRegion = new Map<number, number[]>();
    labels.data.forEach((l, i) => {
      if (l === 0) return;
      const a = byRegion.get(l);
      if (a) a.push(i);
      else byRegion.set(l, [i]);
    });
    vols.push({ pair: p, byRegion, xyz: (i: number): [number, number, number] => [i % X, Math.floor(i / X) % Y, Math.floor(i / (X * Y))] });
  }
  const items: LesionItem[] = [];
  if (name === 'structures') {
    const candidates = [...vols[0].byRegion.keys()].filter((r) => !exclude.has(r) && vols.every((v) => (v.byRegion.get(r)?.length ?? 0) >= 1));
    const ranked = candidates.map((r) => [r, Math.min(...vols.map((v) => v.byRegion.get(r)!.length))]).sort((a, b) => b[1] - a[1] || a[0] - b[0]);
    if (ranked.length < 2) throw new OptionError('--tasks', `'structures' needs two regions outside the landmarks present in every volume, found ${ranked.length}`);
    const regions: [number, number] = [ranked[0][0], ranked[1][0]];
    vols.forEach((v, vi) => {
      regions.forEach((r, c) => {
        const rng = Rng.derive(seed, 11, vi, c);
        const vox = v.byRegion.get(r)!;
        for (let k = 0; k < per; k++) items.push({ volume: v.pair.volume, point: v.xyz(vox[rng.int(vox.length)]), label: c, group: v.pair.stem });
      });
    });
    const nm = (r: number): string => names.get(r) ?? `label ${r}`;
    return { name, classNames: [nm(regions[0]), nm(regions[1])], items, regions };
  }
  const centres: PatchItem[] = [];
  vols.forEach((v, vi) => {
    const all = [...v.byRegion.values()].flat();
    for (const i of pick(all, 2 * per, Rng.derive(seed, 12, vi))) centres.push({ volume: v.pair.volume, point: v.xyz(i), label: 0, group: v.pair.stem });
  });
  return { name, classNames: ['no lesion', 'lesion'], items: lesionTask(centres, { ...o.lesion, fraction: 0.5, seed: seed + 1 }) };
}

/**
 * `n` training items per class drawn (seeded) from the items of `groups`: the few labels of one
 * seed. Throws when a class has fewer.
 */
export function fewLabels(items: readonly PatchItem[], groups: ReadonlySet<string>, n: number, seed: number): number[] {
  const out: number[] = [];
  for (const c of [0, 1]) {
    const pool = items.map((it, i) => [it, i] as const).filter(([it]) => it.label === c && groups.has(it.group ?? '')).map(([, i]) => i);
    if (pool.length < n) throw new OptionError('--labels', `asks for ${n} training patches of class ${c}, the training subjects give ${pool.length}`);
    out.push(...pick(pool, n, Rng.derive(seed, 13, c)));
  }
  return out.sort((a, b) => a - b);
}
