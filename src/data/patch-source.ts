// A loader source of 2.5D patches: items name a volume file, a point and a class; each load cuts
// three orthogonal planes through the point (patch25d), shifted by a seeded jitter in mm.
import { readNifti, type Volume } from '../io/index.js';
import { OptionError } from '../util/errors.js';
import type { ItemSource, LoadContext } from './loader.js';
import { patch25d, type Patch25dOptions } from './patch-25d.js';
import { PromiseCache } from './promise-cache.js';
import { Rng } from './rng.js';
import type { SourceOptions } from './sources.js';
import { augment } from './transforms/index.js';
import type { ImageTensorLike, Sample } from './types.js';

/** One patch: where it is cut and its class. */
export interface PatchItem {
  /** NIfTI volume the patch is cut from. */
  volume: string;
  /** Centre in voxel coordinates of the volume as the source reads it (RAS+ with `canonical`). */
  point: readonly [number, number, number];
  /** Class index. */
  label: number;
  /** Subject (or other group) the item belongs to, for grouped splits; unused by the source. @default none */
  group?: string;
}

/** Millimetres between neighbouring patch pixels along each array axis of `vol`. */
export function patchStepMm(vol: Volume, patch: Patch25dOptions = {}): [number, number, number] {
  const P = patch.pixels ?? 32;
  const size = patch.size ?? P;
  return [0, 1, 2].map((a) => ((patch.unit ?? 'voxel') === 'mm' ? size / P : (size / P) * vol.spacing[a])) as [number, number, number];
}

/** Options of `patchSource`. */
export interface PatchSourceOptions<I extends PatchItem = PatchItem> extends Omit<SourceOptions, 'image'> {
  /** Patch geometry (pixels, size and unit, interpolation, fill outside the volume). @default 32 pixels, one voxel each, trilinear, fill 0 */
  patch?: Patch25dOptions;
  /** Largest shift of the centre along each axis in mm, uniform in [-jitter, jitter], drawn anew per (seed, epoch, item). @default 0 */
  jitter?: number;
  /** Seed of the jitter stream. @default 0 */
  seed?: number;
  /** Reorient volumes to RAS+ on reading (the items' points must be in that grid). @default true */
  canonical?: boolean;
  /**
   * Volumes kept in memory, most recently used first. A shuffled epoch visits volumes at random,
   * so a cache smaller than the number of volumes re-reads one for most items. @default every
   * distinct volume of the items (memory: the sum of their float32 sizes)
   */
  cacheSize?: number;
  /** Run once on each volume after reading (e.g. intensity normalisation); the result is cached. @default none */
  prepareVolume?: (vol: Volume, path: string) => Volume;
  /**
   * Change a patch after it is cut and before `prepare` and `transform` (e.g. insert a synthetic
   * lesion); `stepMm` is the pixel spacing in mm along each array axis. @default none
   */
  edit?: (patch: ImageTensorLike, item: I, index: number, stepMm: [number, number, number]) => ImageTensorLike;
}

/** The jitter offset (voxels) of item `index` in `epoch`: uniform in [-jitter, jitter] mm per axis. */
export function jitterOffset(spacing: readonly number[], jitter: number, seed: number, epoch: number, index: number): [number, number, number] {
  if (jitter === 0) return [0, 0, 0];
  const rng = Rng.derive(seed, epoch, index);
  return [0, 1, 2].map((a) => rng.uniform(-jitter, jitter) / spacing[a]) as [number, number, number];
}

/** 2.5D patches [3,P,P] with their labels; each volume is read once while cached. */
export function patchSource<I extends PatchItem>(items: readonly I[], options: PatchSourceOptions<I> = {}): ItemSource {
  const jitter = options.jitter ?? 0;
  if (!(jitter >= 0) || !Number.isFinite(jitter)) throw new OptionError('jitter', `must be a non-negative number of mm, got ${jitter}`);
  const cacheSize = options.cacheSize ?? Math.max(1, new Set(items.map((it) => it.volume)).size);
  if (!Number.isInteger(cacheSize) || cacheSize < 1) throw new OptionError('cacheSize', `must be a positive integer, got ${cacheSize}`);
  items.forEach((it, i) => {
    if (it.point.length !== 3 || !it.point.every(Number.isFinite)) throw new OptionError('items', `item ${i} (${it.volume}) has point ${it.point.join(', ')}, not three finite voxel coordinates`);
  });
  // Check the patch options now rather than at the first load.
  patch25d({ shape: [1, 1, 1], spacing: [1, 1, 1], affine: [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]], data: new Float32Array(1) }, [0, 0, 0], options.patch);
  const cache = new PromiseCache<Volume>(cacheSize);
  const read = (path: string): Promise<Volume> =>
    cache.get(path, async () => {
      const vol = await readNifti(path, { canonical: options.canonical ?? true });
      return options.prepareVolume ? options.prepareVolume(vol, path) : vol;
    });
  return {
    size: items.length,
    labelOf: (i) => items[i].label,
    async load(i: number, ctx: LoadContext): Promise<Sample> {
      const it = items[i];
      const vol = await read(it.volume);
      const d = jitterOffset(vol.spacing, jitter, options.seed ?? 0, ctx.epoch, i);
      let image = patch25d(vol, [it.point[0] + d[0], it.point[1] + d[1], it.point[2] + d[2]], options.patch);
      if (options.edit) image = options.edit(image, it, i, patchStepMm(vol, options.patch));
      if (options.prepare) image = options.prepare(image);
      const s: Sample = { image, label: it.label };
      return options.transform ? augment(options.transform, s, ctx.rng).sample : s;
    },
  };
}
