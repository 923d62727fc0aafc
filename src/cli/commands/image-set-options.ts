// Options that say how a class-per-folder tree of 2-D images or NIfTI volumes becomes an image set
// (shared by every command that reads one: classify, cyclegan, explain), and the split by group.
import type { OptionSpec, OptionSpecs } from '../command.js';
import { NORMALIZATIONS, PLANES, loadImageSet, splitSubjects, type ImageSet, type ImageSetOptions, type Plane, type Normalization } from '../../data/index.js';
import { OptionError } from '../../util/errors.js';

export interface ImageSetCliOptions {
  /** Side of the square network input. @default 128 */ size: number;
  /** Volumes: slice plane after reorientation to RAS+. @default 'axial' */ plane: string;
  /** Volumes: slices kept as fractions FROM:TO of the axis. @default '0.4:0.6' */ slices: string;
  /** Volumes: every k-th slice of the range. @default 1 */ sliceStep: number;
  /** Intensity normalisation per image / volume. @default 'percentile' */ normalize: string;
  /** 2-D images: 'grey' or 'keep' (colour). @default 'grey' */ colour: string;
}

export const IMAGE_SET_SPECS: OptionSpecs<ImageSetCliOptions> = {
  size: { kind: 'integer', description: 'side of the square network input (images are padded square, then resized)', default: 128, min: 8 },
  plane: { kind: 'string', description: 'volumes: slice plane (after reorientation to RAS+)', default: 'axial', choices: PLANES },
  slices: { kind: 'string', description: 'volumes: slices kept, as fractions FROM:TO of the axis', default: '0.4:0.6', placeholder: 'A:B' },
  sliceStep: { kind: 'integer', description: 'volumes: every k-th slice of the range', default: 1, min: 1 },
  normalize: { kind: 'string', description: 'intensity normalisation per image or volume (percentile: 1st–99th of non-zero values → [0, 1])', default: 'percentile', choices: NORMALIZATIONS },
  colour: { kind: 'string', description: "2-D images: 'grey' (one channel) or 'keep' (the file's channels)", default: 'grey', choices: ['grey', 'keep'] },
};

/** `--context K` for the commands whose networks take any channel count (classify train). */
export const CONTEXT_SPEC: OptionSpec<number> = {
  kind: 'integer',
  description: 'volumes: 2.5-D input, each slice i with its neighbours i ± k·step (k = 1..K) as 2K+1 channels, indices clamped to the volume (0 = one slice)',
  default: 0,
  min: 0,
};

export function parseSliceRange(s: string): [number, number] {
  const m = /^\s*([0-9.]+)\s*:\s*([0-9.]+)\s*$/.exec(s);
  if (!m) throw new OptionError('--slices', `expected FROM:TO fractions such as 0.4:0.6, got '${s}'`);
  const r: [number, number] = [Number(m[1]), Number(m[2])];
  if (!(r[0] >= 0 && r[1] <= 1 && r[0] <= r[1])) throw new OptionError('--slices', `must satisfy 0 <= FROM <= TO <= 1, got '${s}'`);
  return r;
}

/** The ImageSetOptions of parsed CLI options (`context` from commands that declare CONTEXT_SPEC). */
export function imageSetOptions(o: ImageSetCliOptions & { context?: number }): ImageSetOptions {
  return { size: o.size, plane: o.plane as Plane, sliceRange: parseSliceRange(o.slices), sliceStep: o.sliceStep, normalize: o.normalize as Normalization, channels: o.colour as 'grey' | 'keep', ...(o.context ? { context: o.context } : {}) };
}

/** Groups (subjects / files) of a set split into train/val/test, stratified by class, seeded. */
export interface GroupSplit {
  train: string[];
  val: string[];
  test: string[];
}

export function splitGroups(set: ImageSet, fractions: readonly [number, number, number], seed: number): GroupSplit {
  const s = splitSubjects(set, fractions, seed);
  const labelOf = new Map<string, number>();
  set.groups.forEach((g, i) => labelOf.set(g, set.labels[i]));
  set.classes.forEach((name, c) => {
    const n = (gs: string[]): number => gs.filter((g) => labelOf.get(g) === c).length;
    if (n(s.train) === 0) throw new OptionError('--val-fraction', `class '${name}' gets no training ${labelOf.size === set.count ? 'images' : 'subjects'} (${n([...labelOf.keys()])} in all); use more data or smaller fractions`);
  });
  return s;
}

/** Item indices whose group is in `groups`. */
export function indicesOf(set: ImageSet, groups: readonly string[]): number[] {
  const g = new Set(groups);
  return set.groups.flatMap((x, i) => (g.has(x) ? [i] : []));
}

export async function readImageSet(dir: string, o: ImageSetCliOptions & { context?: number }, classes?: readonly string[]): Promise<ImageSet> {
  return loadImageSet(dir, { ...imageSetOptions(o), classes });
}
