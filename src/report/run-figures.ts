// A run folder's figures: `figures/<name>.svg` files listed, with captions, in `figures.json`.
// Every write is atomic, and writes from one RunFigures are serialised so the manifest never loses an entry.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError, OptionError } from '../util/errors.js';
import { writeFileAtomic } from './atomic-write.js';
import type { FigureKind } from './types.js';

/** File name of the manifest inside a run folder. */
export const FIGURES_MANIFEST = 'figures.json';

/** One figure of a run. */
export interface FigureEntry {
  /** Unique within the run; also the file stem. */
  name: string;
  /** Path relative to the run folder, e.g. 'figures/roc.svg'. */
  file: string;
  /** Caption shown under the figure in the report ('' when none). */
  caption: string;
  /** Figure kind that drew it, when known. */
  kind?: string;
}

/** Contents of figures.json. */
export interface FigureManifest {
  version: 1;
  figures: FigureEntry[];
}

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/** Read a run's manifest: absent → no figures; garbled → InputError naming the file. */
export async function readFigureManifest(runDir: string): Promise<FigureManifest> {
  const path = join(runDir, FIGURES_MANIFEST);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, figures: [] };
    throw new InputError(path, `cannot read: ${(err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new InputError(path, `not valid JSON (${(err as Error).message})`);
  }
  const figures = (json as { figures?: unknown })?.figures;
  if (!Array.isArray(figures)) throw new InputError(path, 'expected {"version": 1, "figures": [...]}');
  return {
    version: 1,
    figures: figures.map((f, i) => {
      const e = f as Partial<FigureEntry>;
      if (typeof e?.name !== 'string' || typeof e.file !== 'string') throw new InputError(path, `figures[${i}] needs string "name" and "file"`);
      return { name: e.name, file: e.file, caption: typeof e.caption === 'string' ? e.caption : '', ...(typeof e.kind === 'string' ? { kind: e.kind } : {}) };
    }),
  };
}

/** Options of `RunFigures.addFigure`. */
export interface AddFigureOptions {
  /** Caption shown in the report. @default '' */
  caption?: string;
  /** Figure kind recorded in the manifest. @default none */
  kind?: string;
}

/** Writes figures into a run folder and keeps `figures.json` in step. */
export class RunFigures {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(readonly runDir: string) {}

  /** Write an SVG as `figures/<name>.svg` and list it (replacing an entry of the same name in place). */
  addFigure(name: string, svg: string, options: AddFigureOptions = {}): Promise<FigureEntry> {
    if (!NAME_RE.test(name) || name.includes('..')) throw new OptionError('name', `figure name must be 1–100 of [A-Za-z0-9._-], not starting with a dot: ${JSON.stringify(name)}`);
    if (typeof svg !== 'string' || !svg.trimStart().startsWith('<svg')) throw new OptionError('svg', `figure "${name}" is not an SVG document`);
    const entry: FigureEntry = { name, file: `figures/${name}.svg`, caption: options.caption ?? '', ...(options.kind ? { kind: options.kind } : {}) };
    const run = async (): Promise<FigureEntry> => {
      await writeFileAtomic(join(this.runDir, entry.file), svg);
      const manifest = await readFigureManifest(this.runDir);
      const at = manifest.figures.findIndex((f) => f.name === name);
      if (at >= 0) manifest.figures[at] = entry;
      else manifest.figures.push(entry);
      await writeFileAtomic(join(this.runDir, FIGURES_MANIFEST), JSON.stringify(manifest, null, 2) + '\n');
      return entry;
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** Render `data` with a registered figure kind and add it. */
  async add<D, O>(kind: FigureKind<D, O>, name: string, data: D, options?: O, caption?: string): Promise<FigureEntry> {
    const svg = await kind.render(data, options);
    return this.addFigure(name, svg, { caption, kind: kind.name });
  }

  /** Figures listed so far. */
  async list(): Promise<FigureEntry[]> {
    await this.queue;
    return (await readFigureManifest(this.runDir)).figures;
  }
}
