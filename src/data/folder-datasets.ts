// Datasets from folders: class-per-folder images, image/mask pairs, volume/label-volume pairs.
import { readdir, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { readImageHeader, readNiftiHeader } from '../io/index.js';
import { InputError } from '../util/errors.js';
import { mapLimit } from './async-pool.js';
import type { ClassFolderDataset, ClassItem, PairItem, VolumePairItem } from './types.js';

/** Image file extensions read by default (lower case, with the dot). */
export const IMAGE_EXTENSIONS: readonly string[] = ['.png', '.jpg', '.jpeg', '.tif', '.tiff'];
const VOLUME_EXTENSIONS: readonly string[] = ['.nii.gz', '.nii'];

/** The extension among `exts` that `name` ends with (case-insensitive), or undefined. */
function matchExt(name: string, exts: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  return exts.find((e) => lower.endsWith(e.toLowerCase()));
}

/** File name without its (possibly double, e.g. .nii.gz) extension. */
export function fileStem(path: string, exts: readonly string[] = [...VOLUME_EXTENSIONS, ...IMAGE_EXTENSIONS]): string {
  const name = basename(path);
  const e = matchExt(name, exts) ?? extname(name);
  return name.slice(0, name.length - e.length);
}

async function listDir(dir: string): Promise<{ name: string; isDir: boolean; isFile: boolean }[]> {
  try {
    const st = await stat(dir);
    if (!st.isDirectory()) throw new InputError(dir, 'is not a folder');
    const entries = await readdir(dir, { withFileTypes: true });
    return entries
      .filter((e) => !e.name.startsWith('.'))
      .map((e) => ({ name: e.name, isDir: e.isDirectory(), isFile: e.isFile() }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(dir, `cannot list folder: ${(err as Error).message.split('\n')[0]}`);
  }
}

async function filesWith(dir: string, exts: readonly string[]): Promise<string[]> {
  return (await listDir(dir)).filter((e) => e.isFile && matchExt(e.name, exts)).map((e) => e.name);
}

/** Options of `classFolderDataset`. */
export interface ClassFolderOptions {
  /** File extensions counted as images (case-insensitive). @default IMAGE_EXTENSIONS */
  extensions?: readonly string[];
  /** Class folders to use, in this order (others are ignored); e.g. to hold one class out. @default every sub-folder, sorted */
  classes?: readonly string[];
}

/** `root/<class>/*.{png,jpg,tif,...}`: classes sorted by name (label = index), files sorted by name. */
export async function classFolderDataset(root: string, options: ClassFolderOptions = {}): Promise<ClassFolderDataset> {
  const exts = options.extensions ?? IMAGE_EXTENSIONS;
  const dirs = (await listDir(root)).filter((e) => e.isDir).map((e) => e.name);
  const classes = options.classes ? [...options.classes] : dirs;
  if (classes.length === 0) throw new InputError(root, 'has no class sub-folders');
  const items: ClassItem[] = [];
  for (const [label, className] of classes.entries()) {
    if (!dirs.includes(className)) throw new InputError(join(root, className), 'class folder does not exist');
    const files = await filesWith(join(root, className), exts);
    if (files.length === 0) throw new InputError(join(root, className), `holds no images (${exts.join(', ')})`);
    for (const f of files) items.push({ path: join(root, className, f), label, className });
  }
  return { root, classes, items };
}

/** Options of `pairedFolderDataset`. */
export interface PairedFolderOptions {
  /** File extensions counted as images (case-insensitive). @default IMAGE_EXTENSIONS */
  extensions?: readonly string[];
  /** Text after the image's stem in the mask's stem, e.g. '_mask'. @default '' */
  maskSuffix?: string;
  /** Read both headers and require equal width and height. @default true */
  checkSizes?: boolean;
}

function pairUp(
  aDir: string,
  aFiles: string[],
  bDir: string,
  bFiles: string[],
  exts: readonly string[],
  suffix: string,
  what: [string, string],
): { stem: string; a: string; b: string }[] {
  const bByStem = new Map<string, string>();
  for (const f of bFiles) {
    const s = fileStem(f, exts);
    if (!s.endsWith(suffix)) continue;
    const key = s.slice(0, s.length - suffix.length);
    if (bByStem.has(key)) throw new InputError(join(bDir, f), `two ${what[1]} files share the stem ${key}: ${bByStem.get(key)} and ${f}`);
    bByStem.set(key, f);
  }
  const out: { stem: string; a: string; b: string }[] = [];
  const used = new Set<string>();
  for (const f of aFiles) {
    const stem = fileStem(f, exts);
    const m = bByStem.get(stem);
    if (m === undefined) throw new InputError(join(aDir, f), `has no ${what[1]} named ${stem}${suffix}.* in ${bDir}`);
    used.add(stem);
    out.push({ stem, a: join(aDir, f), b: join(bDir, m) });
  }
  for (const [stem, f] of bByStem) {
    if (!used.has(stem)) throw new InputError(join(bDir, f), `has no ${what[0]} named ${stem}.* in ${aDir}`);
  }
  return out;
}

/** Images in `imageDir` and masks in `maskDir` paired by file stem; InputError names any unpaired or mismatched file. */
export async function pairedFolderDataset(imageDir: string, maskDir: string, options: PairedFolderOptions = {}): Promise<PairItem[]> {
  const exts = options.extensions ?? IMAGE_EXTENSIONS;
  const suffix = options.maskSuffix ?? '';
  const imgs = await filesWith(imageDir, exts);
  if (imgs.length === 0) throw new InputError(imageDir, `holds no images (${exts.join(', ')})`);
  const pairs = pairUp(imageDir, imgs, maskDir, await filesWith(maskDir, exts), exts, suffix, ['image', 'mask']);
  if (options.checkSizes ?? true) {
    await mapLimit(pairs, 8, async (p) => {
      const [a, b] = await Promise.all([readImageHeader(p.a), readImageHeader(p.b)]);
      if (a.width !== b.width || a.height !== b.height) {
        throw new InputError(p.b, `mask is ${b.width}x${b.height} but its image ${p.a} is ${a.width}x${a.height}`);
      }
    });
  }
  return pairs.map((p) => ({ stem: p.stem, image: p.a, mask: p.b }));
}

/** Options of `volumePairDataset`. */
export interface VolumePairOptions {
  /** Text after the volume's stem in the label volume's stem, e.g. '_DLMUSE'. @default '' */
  labelSuffix?: string;
  /** Read both NIfTI headers and require the same grid size (dim[1..3]). @default true */
  checkShapes?: boolean;
}

/** NIfTI volumes in `volumeDir` and label volumes in `labelDir` paired by stem (.nii or .nii.gz). */
export async function volumePairDataset(volumeDir: string, labelDir: string, options: VolumePairOptions = {}): Promise<VolumePairItem[]> {
  const exts = VOLUME_EXTENSIONS;
  const vols = await filesWith(volumeDir, exts);
  if (vols.length === 0) throw new InputError(volumeDir, 'holds no NIfTI volumes (.nii, .nii.gz)');
  const pairs = pairUp(volumeDir, vols, labelDir, await filesWith(labelDir, exts), exts, options.labelSuffix ?? '', ['volume', 'label volume']);
  if (options.checkShapes ?? true) {
    await mapLimit(pairs, 4, async (p) => {
      const [a, b] = await Promise.all([readNiftiHeader(p.a), readNiftiHeader(p.b)]);
      const sa = a.dim.slice(1, 4).join('x');
      const sb = b.dim.slice(1, 4).join('x');
      if (sa !== sb) throw new InputError(p.b, `label volume is ${sb} but its volume ${p.a} is ${sa}`);
    });
  }
  return pairs.map((p) => ({ stem: p.stem, volume: p.a, label: p.b }));
}
