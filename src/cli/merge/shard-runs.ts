// The run folders of one sharded folder job (`--shard R/N`), read and checked before they are
// merged: the same command, settings and inputs in every shard, parts 0..N-1 each exactly once,
// every run finished, no input in two shards, and the shards' sizes those of one split of a
// single list. Shard R holds inputs R, R+N, R+2N, ... of that list, so interleaving the shards'
// per-input results gives the unsharded run's order back.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InputError, OptionError } from '../../util/errors.js';
import { parseShard, type FileShard } from '../../distributed/shard.js';

/** What config.json records of a command run (src/cli/execute.ts writes it). */
export interface RunConfig {
  /** Words after `kensa`: the command's name, then its arguments. */
  argv: string[];
  options: Record<string, unknown>;
  positionals: string[];
}

/** One finished shard run folder. */
export interface ShardRun {
  dir: string;
  config: RunConfig;
  shard: FileShard;
  /** The parsed metrics.json (the command's JSON result). */
  metrics: unknown;
}

/**
 * Options that may differ between the shards of one job: where and how each ran, not what it
 * computed (--threads changes float rounding at most; --device likewise, so a job may mix
 * machines with and without a GPU).
 */
export const PER_SHARD_OPTIONS = new Set(['shard', 'out', 'threads', 'workers', 'device', 'quiet', 'json', 'debug', 'resume', 'liveEvery']);

function readJson(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new InputError(path, 'missing: not a finished kensa run folder');
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new InputError(path, `is not valid JSON (${(e as Error).message.split('\n')[0]})`);
  }
}

function readConfig(dir: string): RunConfig {
  const path = join(dir, 'config.json');
  const c = readJson(path) as Partial<RunConfig> | null;
  if (!c || !Array.isArray(c.argv) || typeof c.options !== 'object' || c.options === null || !Array.isArray(c.positionals)) {
    throw new InputError(path, 'is not a kensa run config (no argv, options and positionals)');
  }
  return c as RunConfig;
}

/** The command name (one or two words) a config's argv starts with, among `names`. */
export function commandOf(c: RunConfig, names: readonly string[]): string | undefined {
  return names.filter((n) => n.split(' ').every((w, i) => c.argv[i] === w)).sort((a, b) => b.length - a.length)[0];
}

const show = (v: unknown): string => JSON.stringify(v) ?? 'unset';

/**
 * Reads and checks the shard run folders of one job of one of `commands`; returns them in part
 * order (0..N-1) with the command's name.
 */
export function readShardRuns(dirs: string[], commands: readonly string[]): { command: string; runs: ShardRun[] } {
  if (dirs.length === 0) throw new OptionError('SHARD_DIR', 'give the run folders of every shard of the job');
  const runs: ShardRun[] = [];
  let command: string | undefined;
  for (const d of dirs) {
    const dir = resolve(d);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new InputError(d, 'is not a run folder');
    const config = readConfig(dir);
    const name = commandOf(config, commands);
    if (name === undefined) throw new InputError(join(dir, 'config.json'), `records 'kensa ${config.argv.slice(0, 2).join(' ')}', not a sharded folder job (${commands.join(', ')})`);
    if (command !== undefined && name !== command) throw new InputError(d, `is a '${name}' run, the first shard a '${command}' run`);
    command = name;
    const shard = parseShard(typeof config.options.shard === 'string' ? config.options.shard : undefined);
    if (shard === undefined) throw new InputError(d, 'was not run with --shard R/N');
    runs.push({ dir, config, shard, metrics: readJson(join(dir, 'metrics.json')) });
  }
  const first = runs[0];
  for (const r of runs.slice(1)) {
    if (r.shard.count !== first.shard.count) throw new InputError(r.dir, `is part ${r.shard.index}/${r.shard.count}, ${first.dir} part ${first.shard.index}/${first.shard.count}: not one job`);
    if (show(r.config.positionals) !== show(first.config.positionals)) throw new InputError(r.dir, `ran on ${show(r.config.positionals)}, ${first.dir} on ${show(first.config.positionals)}`);
    const keys = new Set([...Object.keys(r.config.options), ...Object.keys(first.config.options)]);
    for (const k of keys) {
      if (PER_SHARD_OPTIONS.has(k)) continue;
      if (show(r.config.options[k]) !== show(first.config.options[k])) throw new InputError(r.dir, `was run with ${k} = ${show(r.config.options[k])}, ${first.dir} with ${show(first.config.options[k])}: not one job`);
    }
  }
  const n = first.shard.count;
  const byPart: (ShardRun | undefined)[] = new Array(n).fill(undefined);
  for (const r of runs) {
    const other = byPart[r.shard.index];
    if (other) throw new InputError(r.dir, `and ${other.dir} are both part ${r.shard.index}/${n} (overlapping shards)`);
    byPart[r.shard.index] = r;
  }
  const missing = byPart.flatMap((r, i) => (r ? [] : [`${i}/${n}`]));
  if (missing.length) throw new OptionError('SHARD_DIR', `part${missing.length > 1 ? 's' : ''} ${missing.join(', ')} of the job ${missing.length > 1 ? 'are' : 'is'} missing (give the run folders of all ${n} shards)`);
  return { command: command!, runs: byPart as ShardRun[] };
}

/**
 * Puts per-shard lists back in the unsharded order (item k of part R is item k·N + R), after
 * checking that no key is in two shards and that the sizes are one split of a single list
 * (part R of T items holds ⌈(T − R)/N⌉).
 */
export function interleave<T>(runs: ShardRun[], items: T[][], key: (item: T) => string): { item: T; part: number; local: number }[] {
  const n = runs.length;
  const total = items.reduce((a, l) => a + l.length, 0);
  const seen = new Map<string, number>();
  for (const [r, list] of items.entries()) {
    const expected = Math.ceil((total - r) / n);
    if (list.length !== expected) throw new InputError(runs[r].dir, `holds ${list.length} input(s) where part ${r}/${n} of ${total} holds ${expected}: inputs are missing, or the shards ran on different folder contents`);
    for (const it of list) {
      const k = key(it);
      const at = seen.get(k);
      if (at !== undefined) throw new InputError(runs[r].dir, `and ${runs[at].dir} both hold ${k} (overlapping shards)`);
      seen.set(k, r);
    }
  }
  return Array.from({ length: total }, (_, g) => ({ item: items[g % n][Math.floor(g / n)], part: g % n, local: Math.floor(g / n) }));
}
