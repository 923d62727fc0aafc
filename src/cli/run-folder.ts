// A run folder: config.json (resolved options, command, date, versions), log.txt, metrics.json,
// figures/ (via the report layer), checkpoints/, and report.html at the end.
import { accessSync, appendFileSync, constants, existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { writeFileAtomic, writeProblem } from '../util/atomic-write.js';
import { OptionError } from '../util/errors.js';
import { listCheckpoints } from '../train/checkpoint-files.js'; // no engine: --help stays instant
import { RunFigures } from '../report/run-figures.js';
import { writeReport } from '../report/report.js';
import { replicaRunDir } from '../distributed/replica.js';

export class RunFolder {
  readonly dir: string;
  readonly figures: RunFigures;
  /** Whether this process created the folder (then a failed run with nothing worth keeping removes it). */
  readonly created: boolean;
  constructor(dir: string) {
    // a rank > 0 of a data-parallel job (kensa launch) works in a private copy: only rank 0 writes here
    this.dir = resolve(replicaRunDir(dir));
    this.created = !existsSync(this.dir);
    try {
      mkdirSync(this.dir, { recursive: true });
    } catch (e) {
      // a read-only mount reports ENOENT from a recursive mkdir: name the real cause when there is one
      throw cannotCreate(this.dir, folderProblem(this.dir) ?? e);
    }
    this.figures = new RunFigures(this.dir);
  }
  path(...parts: string[]): string {
    return join(this.dir, ...parts);
  }
  async writeConfig(config: Record<string, unknown>): Promise<void> {
    await writeFileAtomic(this.path('config.json'), `${JSON.stringify(config, null, 2)}\n`);
  }
  async writeMetrics(metrics: unknown): Promise<void> {
    await writeFileAtomic(this.path('metrics.json'), `${JSON.stringify(metrics, null, 2)}\n`);
  }
  async writeJson(name: string, value: unknown): Promise<void> {
    await writeFileAtomic(this.path(name), `${JSON.stringify(value, null, 2)}\n`);
  }
  /** Appends to log.txt; best effort (on a full disk the next result write fails with the error that matters). */
  log(line: string): void {
    try {
      appendFileSync(this.path('log.txt'), `${new Date().toISOString()} ${line}\n`);
    } catch {
      /* no space for the log line */
    }
  }
  /** Folder for checkpoints (created on demand). */
  checkpointDir(): string {
    const d = this.path('checkpoints');
    mkdirSync(d, { recursive: true });
    return d;
  }
  /**
   * Whether --resume could continue from this folder: a complete epoch checkpoint in checkpoints/
   * (or in one of its subfolders, e.g. openset-eval's folds), or a finished reference training.
   */
  hasCheckpoints(): boolean {
    return holdsCheckpoints(this.dir);
  }
  async writeReport(title: string): Promise<string> {
    return writeReport(this.dir, { title });
  }
  /** Whether a per-item command (segment over a folder) left finished items' records (images/*.json) that --resume skips. */
  hasItemRecords(): boolean {
    const d = this.path('images');
    return existsSync(d) && readdirSync(d).some((f) => f.endsWith('.json'));
  }
  /** After a failure: remove a folder this run created unless it holds work --resume can continue from (a checkpoint, finished items). */
  discardIfEmpty(): boolean {
    if (this.created && !this.hasCheckpoints() && !this.hasItemRecords()) {
      rmSync(this.dir, { recursive: true, force: true });
      return true;
    }
    return false;
  }
}

/** A complete epoch checkpoint in `dir`/checkpoints (or a subfolder of it), a finished reference training, or such a checkpoint in a cross-validation fold (`dir`/folds/*). */
function holdsCheckpoints(dir: string): boolean {
  const f = join(dir, 'folds');
  if (existsSync(f) && readdirSync(f, { withFileTypes: true }).some((e) => e.isDirectory() && holdsCheckpoints(join(f, e.name)))) return true;
  const d = join(dir, 'checkpoints');
  if (!existsSync(d)) return false;
  if (existsSync(join(d, 'reference.json')) || listCheckpoints(d).length > 0) return true;
  return readdirSync(d, { withFileTypes: true }).some((e) => e.isDirectory() && listCheckpoints(join(d, e.name)).length > 0);
}

/**
 * Before any work: throws the OptionError a run folder at `dir` would give later (a file in the
 * way, a folder that cannot be written into, a parent that cannot be created), so an hours-long
 * training run does not fail at its first checkpoint. Creates nothing.
 */
export function checkRunFolder(dir: string): void {
  const d = resolve(replicaRunDir(dir));
  if (existsSync(d)) {
    if (!statSync(d).isDirectory()) throw new OptionError('--out', `${d}: is a file, not a folder`);
    try {
      accessSync(d, constants.W_OK);
    } catch (e) {
      throw new OptionError('--out', `${d}: ${writeProblem(e).replace('cannot write', 'cannot write into the run folder')}`);
    }
    return;
  }
  const problem = folderProblem(d);
  if (problem !== undefined) throw cannotCreate(d, problem);
}

/** The --out error for a run folder that cannot be created, naming the cause. */
function cannotCreate(dir: string, cause: unknown): OptionError {
  return new OptionError('--out', `${dir}: ${writeProblem(cause).replace('cannot write', 'cannot create the run folder')}`);
}

/** Why `dir` cannot be created: the nearest existing ancestor's write error (or that it is a file), if it has one. */
function folderProblem(dir: string): unknown {
  let d = dirname(dir);
  while (!existsSync(d) && dirname(d) !== d) d = dirname(d);
  if (!statSync(d).isDirectory()) return Object.assign(new Error(`${d} is a file`), { code: 'ENOTDIR' });
  try {
    accessSync(d, constants.W_OK);
    return undefined;
  } catch (e) {
    return e;
  }
}
