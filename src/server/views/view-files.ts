// What a run folder is, for the views: its config.json (command and options as the CLI resolved
// them) and the JSON files it wrote, each read with a one-line error naming the file.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../util/errors.js';

export interface RunConfig {
  command: string;
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
  const c = readRunJson<RunConfig>(dir, 'config.json');
  if (typeof c?.command !== 'string' || typeof c.options !== 'object' || c.options === null) throw new InputError(join(dir, 'config.json'), 'lacks command or options');
  return c;
}

/** The interactive views a run folder offers, from the command that wrote it. */
export function runViews(dir: string, config: RunConfig | undefined): ('tiles' | 'flipper')[] {
  if (existsSync(join(dir, 'model.json')) || config?.command === 'metric identify') return ['tiles'];
  if (config?.command === 'explain') return ['flipper'];
  return [];
}
