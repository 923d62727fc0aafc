// What a run folder is, for the views: its config.json (command and options as the CLI resolved
// them) and the JSON files it wrote, each read with a one-line error naming the file.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { COMMANDS } from '../../cli/registry.js';
import { InputError } from '../../util/errors.js';

export interface RunConfig {
  /** The registry command that wrote the run ('metric train'), or '' when none matches. */
  name: string;
  /** The command line as given. */
  command: string;
  argv: string[];
  options: Record<string, unknown>;
  date?: string;
}

/** A JSON file of a run folder, or an InputError naming it. */
export function readRunJson<T>(dir: string, name: string): T {
  const file = join(dir, name);
  if (!existsSync(file)) throw new InputError(file, 'does not exist');
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch (e) {
    throw new InputError(file, `is not valid JSON (${(e as Error).message.split('\n')[0]})`);
  }
}

/** config.json of a run folder, or undefined when it has none (an upload folder, a foreign folder). */
export function runConfig(dir: string): RunConfig | undefined {
  if (!existsSync(join(dir, 'config.json'))) return undefined;
  const c = readRunJson<Omit<RunConfig, 'name'>>(dir, 'config.json');
  if (typeof c?.command !== 'string' || !Array.isArray(c.argv) || typeof c.options !== 'object' || c.options === null) throw new InputError(join(dir, 'config.json'), 'lacks command, argv or options');
  // the longest registry name whose words start argv ('metric train' before a one-word command)
  const named = COMMANDS.map((k) => k.name).filter((n) => n.split(' ').every((w, i) => c.argv[i] === w)).sort((a, b) => b.length - a.length);
  return { ...c, name: named[0] ?? '' };
}

/** The interactive views a run folder offers, from the command that wrote it. */
export function runViews(dir: string, config: RunConfig | undefined): ('tiles' | 'flipper')[] {
  if (existsSync(join(dir, 'model.json')) || config?.name === 'metric identify') return ['tiles'];
  if (config?.name === 'explain') return ['flipper'];
  return [];
}
