// The command registry as browser forms, and a browser's run request turned back into CLI argv,
// checked against the same option specs the CLI parses (unknown options, --out and flags in
// positionals refused).
import { COMMANDS } from '../cli/registry.js';
import { HttpError } from './security.js';

/** Common options a browser run may set (out, json, quiet and debug are the server's). */
const COMMON_OPTIONS: Record<string, { kind: string }> = { seed: { kind: 'integer' }, threads: { kind: 'integer' }, device: { kind: 'string' } };
export const kebab = (s: string): string => s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** One option of a form: the registry's spec plus its key and flag. */
export interface FormOption {
  key: string;
  flag: string;
  kind: string;
  description: string;
  default?: unknown;
  choices?: readonly string[];
  min?: number;
  max?: number;
  required?: boolean;
}

export interface CommandForm {
  name: string;
  summary: string;
  positionals: { name: string; description: string; required?: boolean }[];
  writesRun: boolean;
  options: FormOption[];
}

/** The registry as form descriptions (name, summary, positionals, options with kinds/defaults). */
export function commandForms(): CommandForm[] {
  return COMMANDS.filter((c) => c.name !== 'serve').map((c) => ({
    name: c.name, summary: c.summary, positionals: [...(c.positionals ?? [])], writesRun: c.writesRun ?? false,
    options: Object.entries(c.options).map(([key, spec]) => ({ key, flag: `--${kebab(key)}`, ...(spec as Omit<FormOption, 'key' | 'flag'>) })),
  }));
}

/** CLI argv for a run request, checked against the command's option specs. */
export function runArgv(body: unknown): { command: string; argv: string[]; writesRun: boolean } {
  const b = (body ?? {}) as { command?: unknown; positionals?: unknown; options?: unknown };
  const cmd = COMMANDS.find((c) => c.name === b.command && c.name !== 'serve');
  if (!cmd) throw new HttpError(400, 'unknown command');
  const positionals = b.positionals ?? [];
  if (!Array.isArray(positionals) || positionals.some((p) => typeof p !== 'string' || p.startsWith('-'))) throw new HttpError(400, 'positionals must be strings not starting with -');
  const argv = [...(positionals as string[])];
  const options = (b.options ?? {}) as Record<string, unknown>;
  if (typeof options !== 'object' || Array.isArray(options)) throw new HttpError(400, 'options must be an object');
  for (const [key, value] of Object.entries(options)) {
    const spec = (cmd.options as Record<string, { kind: string }>)[key] ?? COMMON_OPTIONS[key];
    if (!spec || key === 'out') throw new HttpError(400, `unknown option ${key}`);
    if (value === undefined || value === null || value === '') continue;
    if (spec.kind === 'boolean') {
      if (value === true) argv.push(`--${kebab(key)}`);
      else if (value !== false) throw new HttpError(400, `${key} must be boolean`);
    } else {
      if (typeof value !== 'string' && typeof value !== 'number') throw new HttpError(400, `${key} must be a string or number`);
      argv.push(`--${kebab(key)}`, String(value));
    }
  }
  return { command: cmd.name, argv, writesRun: cmd.writesRun ?? false };
}
