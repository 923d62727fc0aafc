// The two image domains of a CycleGAN run: two class folders of one root, or two folders of
// their own, read as one ImageSet (labels 0 = A, 1 = B) and split by group (the subject of a
// volume, else the file), so held-apart subjects stay unseen for later explanation and testing.
import { readdir } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { fileItems, fileStem, imageSetFiles, loadImageSet, packImageSet, splitSubjects, subsetImageSet, type ImageSet, type ImageSetOptions } from '../../data/index.js';
import { InputError, OptionError } from '../../util/errors.js';

/** Where the domains are: `root` with sub-folders `a` and `b`, or the folders `dirA` and `dirB`. */
export interface DomainSource {
  root?: string;
  /** Class folder (with root) or display name (with dirA/dirB) of domain A. */
  a?: string;
  b?: string;
  dirA?: string;
  dirB?: string;
}

export interface Domains {
  names: { a: string; b: string };
  /** Every image of both domains; label 0 = A, 1 = B. */
  set: ImageSet;
}

async function folderItems(dir: string, label: number, name: string, o: ImageSetOptions): Promise<Parameters<typeof packImageSet>[1]> {
  const files = await imageSetFiles(dir).catch((e: NodeJS.ErrnoException) => {
    throw new InputError(dir, e.code === 'ENOENT' ? 'no such folder' : `cannot read (${e.message})`);
  });
  if (files.length === 0) throw new InputError(dir, 'holds no images or volumes');
  const out: Parameters<typeof packImageSet>[1] = [];
  for (const path of files) {
    for (const { slice, image } of await fileItems(path, o)) out.push({ image, label, group: `${name}/${fileStem(path)}`, source: slice === undefined ? { path } : { path, slice } });
  }
  return out;
}

/** Reads both domains with the same image options. */
export async function loadDomains(src: DomainSource, o: ImageSetOptions): Promise<Domains> {
  if (src.root !== undefined) {
    if (src.dirA !== undefined || src.dirB !== undefined) throw new OptionError('--data', 'give --data (with --a/--b) or --data-a and --data-b, not both');
    let classes: string[] | undefined = src.a !== undefined && src.b !== undefined ? [src.a, src.b] : undefined;
    if (classes === undefined) {
      const probe = await subFolders(src.root);
      if (probe.length !== 2 || src.a !== undefined || src.b !== undefined) throw new OptionError('--a', `name both domains' class folders with --a and --b (${src.root} has ${probe.join(', ') || 'none'})`);
      classes = probe;
    }
    if (classes[0] === classes[1]) throw new OptionError('--b', `must differ from --a (${classes[0]})`);
    const set = await loadImageSet(src.root, { ...o, classes });
    return { names: { a: classes[0], b: classes[1] }, set };
  }
  if (src.dirA === undefined || src.dirB === undefined) throw new OptionError('--data', 'is required (a root with one folder per domain), or give --data-a and --data-b');
  const names = { a: src.a ?? basename(resolve(src.dirA)), b: src.b ?? basename(resolve(src.dirB)) };
  if (names.a === names.b) throw new OptionError('--a', `both folders are named ${names.a}: name the domains with --a and --b`);
  const items = [...(await folderItems(src.dirA, 0, names.a, o)), ...(await folderItems(src.dirB, 1, names.b, o))];
  return { names, set: packImageSet([names.a, names.b], items) };
}

async function subFolders(root: string): Promise<string[]> {
  try {
    return (await readdir(root, { withFileTypes: true })).filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name).sort();
  } catch (e) {
    throw new InputError(root, (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such folder' : `cannot read (${(e as Error).message})`);
  }
}

/** Groups per split, as stored in a run's split.json. */
export interface GroupSplit {
  seed: number;
  fractions: [number, number, number];
  train: string[];
  val: string[];
  test: string[];
}

export interface DomainSplit {
  split: GroupSplit;
  train: { a: ImageSet; b: ImageSet };
  val: { a: ImageSet; b: ImageSet };
  test: { a: ImageSet; b: ImageSet };
}

/** Split by subject, stratified by domain name, under a seed: splitSubjects, as kensa classify splits. */
export function splitDomains(set: ImageSet, o: { valFraction: number; testFraction: number; seed: number }): DomainSplit {
  const fractions: [number, number, number] = [Number((1 - o.valFraction - o.testFraction).toFixed(12)), o.valFraction, o.testFraction];
  if (!(fractions[0] > 0)) throw new OptionError('--val-fraction', `with --test-fraction leaves no training images (${o.valFraction} + ${o.testFraction} ≥ 1)`);
  // the same subjects as kensa classify's split of the same folder, seed and fractions
  const subjects = splitSubjects(set, fractions, o.seed);
  const side = (gs: string[]): number[] => {
    const g = new Set(gs);
    return set.groups.flatMap((x, i) => (g.has(x) ? [i] : []));
  };
  const s = { train: side(subjects.train), val: side(subjects.val), test: side(subjects.test) };
  const part = (ix: number[]): { a: ImageSet; b: ImageSet } => ({
    a: subsetImageSet(set, ix.filter((i) => set.labels[i] === 0)),
    b: subsetImageSet(set, ix.filter((i) => set.labels[i] === 1)),
  });
  const out = { split: { seed: o.seed, fractions, train: subjects.train, val: subjects.val, test: subjects.test }, train: part(s.train), val: part(s.val), test: part(s.test) };
  for (const [k, name] of [['a', set.classes[0]], ['b', set.classes[1]]] as const) {
    if (out.train[k].count === 0) throw new OptionError('--val-fraction', `leaves no training images of domain ${name}`);
  }
  return out;
}
