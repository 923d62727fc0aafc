// One merger per sharded folder job: it puts the shards' per-input results back in one run folder
// (outputs copied under their unsharded names), recomputes the run's metrics over every input
// and gives the command's result and report summary as the unsharded run would.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from '../../util/atomic-write.js';
import { InputError } from '../../util/errors.js';
import { readFigureManifest } from '../../report/run-figures.js';
import type { CommandContext, CommandResult } from '../command.js';
import type { RunFolder } from '../run-folder.js';
import type { ShardRun } from './shard-runs.js';

export interface ShardMerger {
  /** The command whose shard run folders this merges, e.g. 'segment-predict'. */
  command: string;
  /**
   * Checks the shards' results, then (only then: a refused merge leaves no folder) writes the
   * merged outputs into ctx.run(); returns what the unsharded command would have returned.
   */
  merge(runs: ShardRun[], ctx: CommandContext): Promise<CommandResult>;
}

/** Files to copy from the shards into the merged run, all checked to be there before any is written. */
export class OutputCopies {
  private readonly list: { src: string; to: string }[] = [];

  /** `rel` of shard `run`, as `to` in the merged run; an optional file is copied when present. */
  add(run: ShardRun, rel: string, to = rel, optional = false): this {
    const src = join(run.dir, rel);
    if (existsSync(src)) this.list.push({ src, to });
    else if (!optional) throw new InputError(src, 'missing: the shard run is incomplete');
    return this;
  }

  /** Copies every file (each write atomic). */
  async write(out: RunFolder): Promise<void> {
    for (const { src, to } of this.list) {
      mkdirSync(dirname(out.path(to)), { recursive: true });
      await writeFileAtomic(out.path(to), readFileSync(src));
    }
  }
}

/** A shard's figure `name` (its SVG, caption and kind), or undefined when the shard has none of that name. */
export async function readFigure(run: ShardRun, name: string): Promise<{ svg: string; caption: string; kind?: string } | undefined> {
  const entry = (await readFigureManifest(run.dir)).figures.find((f) => f.name === name);
  if (!entry) return undefined;
  const src = join(run.dir, entry.file);
  if (!existsSync(src)) throw new InputError(src, 'missing: listed in figures.json but not there');
  return { svg: readFileSync(src, 'utf8'), caption: entry.caption, kind: entry.kind };
}

/** The metrics.json field `key` of a shard, checked to be a list. */
export function listOf<T>(run: ShardRun, value: unknown, what: string): T[] {
  if (!Array.isArray(value)) throw new InputError(join(run.dir, 'metrics.json'), `has no ${what} list`);
  return value as T[];
}

/** Refuses shards whose `field` (a model's identity: its folder, epoch, threshold...) differs. */
export function sameAcross(runs: ShardRun[], field: string, value: (r: ShardRun) => unknown): void {
  const first = JSON.stringify(value(runs[0]));
  for (const r of runs.slice(1)) {
    const v = JSON.stringify(value(r));
    if (v !== first) throw new InputError(r.dir, `has ${field} ${v}, ${runs[0].dir} ${first}: the shards used different models or settings`);
  }
}

export function mean(v: number[]): number {
  return v.length === 0 ? 0 : v.reduce((a, b) => a + b, 0) / v.length;
}
