// Seeded synthetic lesions for a lesion-detection target task: a randomly sized, oriented and
// placed ellipsoid with a smooth (raised-cosine) edge that scales intensities by (1 + contrast).
// It is applied to a 2.5D patch as the cross-sections of one 3-D blob by the patch's three planes,
// so the channels stay consistent. Drawing (`drawLesion`) is kept apart from applying
// (`insertLesion`), so a task's lesions are fixed by its seed.
import { PATCH_PLANES } from '../../data/patch-25d.js';
import type { PatchItem } from '../../data/patch-source.js';
import { Rng } from '../../data/rng.js';
import type { ImageTensorLike } from '../../data/types.js';
import { inPlaneAxes } from '../../data/volume-slices.js';
import { OptionError } from '../../util/errors.js';

/** Ranges the lesion parameters are drawn from (uniformly). */
export interface LesionOptions {
  /** Semi-axis lengths of the ellipsoid in mm, each drawn from [min, max]. @default [2, 5] */
  radius?: readonly [number, number];
  /** Relative intensity change at the core: values become v (1 + contrast); < 0 darkens (as most T1 lesions). @default [-0.5, -0.3] */
  contrast?: readonly [number, number];
  /** Width in mm of the edge over which the change fades from full to none. @default 1.5 */
  edge?: number;
  /** Largest distance in mm of the lesion centre from the patch centre along each axis. @default 1 */
  offset?: number;
}

/** One drawn lesion, in mm relative to the patch centre, along the volume's array axes. */
export interface Lesion {
  center: [number, number, number];
  radii: [number, number, number];
  /** Row-major 3x3 rotation taking array-axis offsets into the ellipsoid's own axes. */
  rotation: number[];
  contrast: number;
  edge: number;
}

function range(name: string, r: readonly [number, number], lo: number): void {
  if (r.length !== 2 || !(r[0] >= lo) || !(r[1] >= r[0]) || !Number.isFinite(r[1])) throw new OptionError(name, `must be [min, max] with ${lo} <= min <= max, got ${r.join(', ')}`);
}

/** A lesion drawn from `rng`. The rotation is uniform over all rotations (Shoemake's quaternion). */
export function drawLesion(rng: Rng, options: LesionOptions = {}): Lesion {
  const radius = options.radius ?? [2, 5];
  range('radius', radius, Number.MIN_VALUE);
  const contrast = options.contrast ?? [-0.5, -0.3];
  range('contrast', contrast, -1);
  const edge = options.edge ?? 1.5;
  if (!(edge >= 0) || !Number.isFinite(edge)) throw new OptionError('edge', `must be a non-negative number of mm, got ${edge}`);
  const offset = options.offset ?? 1;
  if (!(offset >= 0) || !Number.isFinite(offset)) throw new OptionError('offset', `must be a non-negative number of mm, got ${offset}`);
  const center = [0, 1, 2].map(() => rng.uniform(-offset, offset)) as [number, number, number];
  const radii = [0, 1, 2].map(() => rng.uniform(radius[0], radius[1])) as [number, number, number];
  const [u1, u2, u3] = [rng.next(), rng.next(), rng.next()];
  const [a, b, c, d] = [Math.sqrt(1 - u1) * Math.sin(2 * Math.PI * u2), Math.sqrt(1 - u1) * Math.cos(2 * Math.PI * u2), Math.sqrt(u1) * Math.sin(2 * Math.PI * u3), Math.sqrt(u1) * Math.cos(2 * Math.PI * u3)];
  // unit quaternion (w = d; x, y, z = a, b, c) to a rotation matrix
  const rotation = [
    1 - 2 * (b * b + c * c), 2 * (a * b - c * d), 2 * (a * c + b * d),
    2 * (a * b + c * d), 1 - 2 * (a * a + c * c), 2 * (b * c - a * d),
    2 * (a * c - b * d), 2 * (b * c + a * d), 1 - 2 * (a * a + b * b),
  ];
  return { center, radii, rotation, contrast: rng.uniform(contrast[0], contrast[1]), edge };
}

/**
 * Strength in [0, 1] of the lesion at offset `p` (mm) from the patch centre: 1 inside, 0 outside,
 * a raised-cosine ramp across `edge` mm centred on the surface. The distance to the surface is
 * measured along the ray from the lesion centre (exact for spheres).
 */
export function lesionWeight(lesion: Lesion, p: readonly number[]): number {
  const R = lesion.rotation;
  const q = [0, 1, 2].map((k) => p[k] - lesion.center[k]);
  const u = [0, 1, 2].map((r) => R[3 * r] * q[0] + R[3 * r + 1] * q[1] + R[3 * r + 2] * q[2]);
  const len = Math.hypot(u[0], u[1], u[2]);
  const rho = Math.hypot(u[0] / lesion.radii[0], u[1] / lesion.radii[1], u[2] / lesion.radii[2]);
  // signed distance along the ray: |u| (1 - 1/rho); at the centre, minus the shortest semi-axis
  const s = rho === 0 ? -Math.min(...lesion.radii) : len - len / rho;
  const h = lesion.edge / 2;
  if (s <= -h) return 1;
  if (s >= h) return 0;
  return 0.5 - 0.5 * Math.sin((Math.PI * s) / lesion.edge);
}

/**
 * The patch with the lesion inserted: pixel (r, c) of channel `ch` lies in the plane normal to
 * array axis PATCH_PLANES[ch], (c - P/2) and (r - P/2) pixels (P/2 rounded down) along its column
 * and row axes, `stepMm` mm per pixel along each array axis (see `patchStepMm`).
 */
export function insertLesion(patch: ImageTensorLike, lesion: Lesion, stepMm: readonly [number, number, number]): ImageTensorLike {
  const { channels, height: P, width } = patch;
  if (channels !== 3 || width !== P) throw new OptionError('patch', `must be a 2.5D patch [3,P,P], got [${channels},${P},${width}]`);
  const out = new Float32Array(patch.data);
  const half = Math.floor(P / 2);
  const d = [0, 0, 0];
  PATCH_PLANES.forEach((normal, ch) => {
    const [ca, ra] = inPlaneAxes(normal);
    d[normal] = 0;
    for (let r = 0; r < P; r++) {
      d[ra] = (r - half) * stepMm[ra];
      for (let c = 0; c < P; c++) {
        d[ca] = (c - half) * stepMm[ca];
        const w = lesionWeight(lesion, d);
        if (w > 0) out[(ch * P + r) * P + c] *= 1 + lesion.contrast * w;
      }
    }
  });
  return { ...patch, data: out };
}

/** A patch item of the lesion task: label 1 with a lesion, 0 without. */
export interface LesionItem extends PatchItem {
  lesion?: Lesion;
}

/** Options of `lesionTask`. */
export interface LesionTaskOptions extends LesionOptions {
  /** Share of the items that get a lesion. @default 0.5 */
  fraction?: number;
  /** Seed: item i draws from the stream (seed, i). @default 0 */
  seed?: number;
}

/**
 * The lesion-detection task on given patch centres: a seeded `fraction` of them (exactly
 * round(fraction * n), chosen at random) get a drawn lesion and label 1, the rest label 0.
 * Feed the items to `patchSource` with `edit: lesionEdit`.
 */
export function lesionTask(items: readonly PatchItem[], options: LesionTaskOptions = {}): LesionItem[] {
  const fraction = options.fraction ?? 0.5;
  if (!(fraction >= 0 && fraction <= 1)) throw new OptionError('fraction', `must be in [0, 1], got ${fraction}`);
  const seed = options.seed ?? 0;
  const chosen = new Set(new Rng(seed).permutation(items.length).slice(0, Math.round(fraction * items.length)));
  return items.map((it, i) => (chosen.has(i) ? { ...it, label: 1, lesion: drawLesion(Rng.derive(seed, i), options) } : { ...it, label: 0, lesion: undefined }));
}

/** `patchSource` edit inserting each item's lesion, if it has one. */
export function lesionEdit(patch: ImageTensorLike, item: LesionItem, _index: number, stepMm: [number, number, number]): ImageTensorLike {
  return item.lesion ? insertLesion(patch, item.lesion, stepMm) : patch;
}
