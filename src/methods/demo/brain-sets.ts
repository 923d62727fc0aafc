// The demo's brain data, built from mricron-data's Colin27 template (1 mm, 181×217×181, RAS):
// two groups of axial slabs for classification and explanation — the T1 as scanned ('head') and
// the same T1 brain-extracted ('brain'), so the group difference is the scalp and skull — and
// axial slices with the brain mask (ch2bet > 0) for U-Net segmentation, and the two hemispheres
// with AAL labels as a two-subject region folder for landmark transfer.
import { mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../../util/atomic-write.js';
import { join } from 'node:path';
import { readNifti, writeNifti, writePng, type Affine, type Volume } from '../../io/index.js';
import { embeddedFile, DEFAULT_ROOTS, type EmbeddedRoots } from './embedded-sources.js';

/** The two groups of the explanation part and the template file each comes from. */
export const SKULL_GROUPS = { head: 'ch2.nii.gz', brain: 'ch2bet.nii.gz' } as const;

/** Value at (x, y, z) of a Fortran-order volume. */
const at = (v: Volume, x: number, y: number, z: number): number => v.data[x + v.shape[0] * (y + v.shape[1] * z)];

/** Affine of the sub-grid (i, j, k) ↦ (f·i, f·j, z0 + f·k) of `a`. */
function subAffine(a: Affine, f: number, z0: number): Affine {
  return a.map((row) => [row[0] * f, row[1] * f, row[2] * f, row[2] * z0 + row[3]]);
}

/** Options of `writeSkullSlabs`. */
export interface SlabOptions {
  /** First and last axial index (1 mm grid) covered by slabs. @default [40, 150] */
  zRange: [number, number];
  /** Slices per slab (at the sub-sampled spacing). @default 5 */
  slices: number;
  /** Sub-sampling factor along every axis. @default 2 */
  factor: number;
  roots: EmbeddedRoots;
}

/**
 * `<dir>/head/slab-NN.nii.gz` and `<dir>/brain/slab-NN.nii.gz`: consecutive axial slabs of the T1
 * and of the brain-extracted T1 at `factor` mm. Each slab is one group, so a split by group keeps
 * neighbouring slices together.
 */
export async function writeSkullSlabs(dir: string, options: Partial<SlabOptions> = {}): Promise<{ slabs: number }> {
  const [z0, z1] = options.zRange ?? [40, 150];
  const n = options.slices ?? 5;
  const f = options.factor ?? 2;
  const roots = options.roots ?? DEFAULT_ROOTS;
  let slabs = 0;
  for (const [group, file] of Object.entries(SKULL_GROUPS)) {
    const v = await readNifti(embeddedFile('mricron', file, roots));
    const X = Math.floor(v.shape[0] / f);
    const Y = Math.floor(v.shape[1] / f);
    mkdirSync(join(dir, group), { recursive: true });
    let s = 0;
    for (let z = z0; z + f * n <= z1; z += f * n, s++) {
      const data = new Float32Array(X * Y * n);
      for (let k = 0; k < n; k++) for (let y = 0; y < Y; y++) for (let x = 0; x < X; x++) data[x + X * (y + Y * k)] = at(v, x * f, y * f, z + k * f);
      await writeNifti(join(dir, group, `slab-${String(s).padStart(2, '0')}.nii.gz`), { shape: [X, Y, n], affine: subAffine(v.affine, f, z), data }, { dtype: 'uint8' });
    }
    slabs = s;
  }
  return { slabs };
}

/** Options of `writeBrainMaskSlices`. */
export interface MaskSliceOptions {
  /** Axial indices (1 mm grid) from, to and step. @default [30, 150, 4] */
  z: [number, number, number];
  /** In-plane sub-sampling factor. @default 2 */
  factor: number;
  /** Sides are padded (zeros) to multiples of this. @default 16 */
  multiple: number;
  roots: EmbeddedRoots;
}

/**
 * Axial T1 slices `<imageDir>/z-NNN.png` (8-bit, the template's own values) and brain masks
 * `<maskDir>/z-NNN.png` (255 inside ch2bet, 0 outside), padded to multiples of `multiple`.
 */
export async function writeBrainMaskSlices(imageDir: string, maskDir: string, options: Partial<MaskSliceOptions> = {}): Promise<{ slices: number; width: number; height: number }> {
  const [z0, z1, dz] = options.z ?? [30, 150, 4];
  const f = options.factor ?? 2;
  const m = options.multiple ?? 16;
  const roots = options.roots ?? DEFAULT_ROOTS;
  const t1 = await readNifti(embeddedFile('mricron', SKULL_GROUPS.head, roots));
  const bet = await readNifti(embeddedFile('mricron', SKULL_GROUPS.brain, roots));
  const X = Math.floor(t1.shape[0] / f);
  const Y = Math.floor(t1.shape[1] / f);
  const W = Math.ceil(X / m) * m;
  const H = Math.ceil(Y / m) * m;
  const [ox, oy] = [Math.floor((W - X) / 2), Math.floor((H - Y) / 2)];
  mkdirSync(imageDir, { recursive: true });
  mkdirSync(maskDir, { recursive: true });
  let count = 0;
  for (let z = z0; z <= z1; z += dz, count++) {
    const img = new Uint8Array(W * H);
    const mask = new Uint8Array(W * H);
    for (let y = 0; y < Y; y++) {
      for (let x = 0; x < X; x++) {
        // rows run posterior → anterior flipped, so anterior is up in the PNG
        const p = (H - 1 - (y + oy)) * W + x + ox;
        img[p] = Math.max(0, Math.min(255, Math.round(at(t1, x * f, y * f, z))));
        mask[p] = at(bet, x * f, y * f, z) > 0 ? 255 : 0;
      }
    }
    const name = `z-${String(z).padStart(3, '0')}.png`;
    await writePng(join(imageDir, name), { width: W, height: H, channels: 1, bitDepth: 8, data: img });
    await writePng(join(maskDir, name), { width: W, height: H, channels: 1, bitDepth: 8, data: mask });
  }
  return { slices: count, width: W, height: H };
}

/** Options of `writeHemispheres`. */
export interface HemisphereOptions {
  roots: EmbeddedRoots;
}

/**
 * A region folder (ixi-t1-regions layout: `t1/`, `labels/<stem>_aal.nii.gz`, `names.txt`) of two
 * "subjects": the T1's left hemisphere and its right hemisphere mirrored onto the left, with AAL
 * labels whose left and right regions share one number and one name ("Precentral"). Two real
 * halves of one brain, so nothing of the held-apart half is ever seen in training.
 */
export async function writeHemispheres(dir: string, options: Partial<HemisphereOptions> = {}): Promise<{ subjects: string[]; regions: number }> {
  const roots = options.roots ?? DEFAULT_ROOTS;
  const t1 = await readNifti(embeddedFile('mricron', SKULL_GROUPS.head, roots));
  const aal = await readNifti(embeddedFile('mricron', 'aal.nii.gz', roots));
  // "1 Precentral_L 2001" lines: a right region takes its left partner's number
  const names = new Map<number, string>();
  const remap = new Map<number, number>();
  const text = await readFile(embeddedFile('mricron', 'aal.nii.txt', roots), 'utf8');
  const byName = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^\s*(\d+)\s+(\S+)/.exec(line);
    if (!m) continue;
    const value = Number(m[1]);
    const side = /_(L|R)$/.exec(m[2]);
    const base = side ? m[2].slice(0, -2) : m[2];
    const id = byName.get(base) ?? value;
    byName.set(base, id);
    remap.set(value, id);
    names.set(id, base);
  }
  const [X, Y, Z] = t1.shape;
  const mid = Math.floor(X / 2); // x index of the midline column (x world 0 at index 90 of 181)
  const H = mid + 1;
  mkdirSync(join(dir, 't1'), { recursive: true });
  mkdirSync(join(dir, 'labels'), { recursive: true });
  // RAS: index 0 is the subject's left, so the left half is 0..mid and the right half mirrors mid..X-1
  const halves = { left: (i: number) => i, right: (i: number) => X - 1 - i };
  const affine = t1.affine.map((row) => row.slice());
  for (const [stem, src] of Object.entries(halves)) {
    const img = new Float32Array(H * Y * Z);
    const lab = new Float32Array(H * Y * Z);
    for (let z = 0; z < Z; z++) {
      for (let y = 0; y < Y; y++) {
        for (let i = 0; i < H; i++) {
          const o = i + H * (y + Y * z);
          img[o] = at(t1, src(i), y, z);
          lab[o] = remap.get(at(aal, src(i), y, z)) ?? 0;
        }
      }
    }
    await writeNifti(join(dir, 't1', `${stem}.nii.gz`), { shape: [H, Y, Z], affine, data: img }, { dtype: 'uint8' });
    await writeNifti(join(dir, 'labels', `${stem}_aal.nii.gz`), { shape: [H, Y, Z], affine, data: lab }, { dtype: 'uint8' });
  }
  await writeFileAtomic(join(dir, 'names.txt'), [...names].sort((a, b) => a[0] - b[0]).map(([v, n]) => `${v} ${n}`).join('\n') + '\n');
  return { subjects: Object.keys(halves), regions: names.size };
}
