// Turns argv into a command's typed options: every value is checked against its spec, and every
// problem is an OptionError naming the option.
import { OptionError } from '../util/errors.js';
import type { AnyCommand, CommonOptions, OptionKind, OptionSpecs } from './command.js';
import { cpus } from 'node:os';

export const COMMON_OPTIONS: OptionSpecs<CommonOptions> = {
  out: { kind: 'string', description: 'run folder for config, log, metrics, figures, checkpoints and report.html', placeholder: 'DIR' },
  seed: { kind: 'integer', description: 'seed for every random choice', default: 0, min: 0 },
  threads: { kind: 'integer', description: 'libtorch intra-op threads', default: cpus().length, min: 1 },
  device: { kind: 'string', description: "'cpu' or 'cuda[:N]'", default: 'cpu' },
  json: { kind: 'boolean', description: 'print a machine-readable result on stdout', default: false },
  debug: { kind: 'boolean', description: 'show stack traces on errors', default: false },
  quiet: { kind: 'boolean', description: 'no progress output', default: false },
};

/** An option spec with its value type erased (what the parser works on). */
interface AnySpec {
  kind: OptionKind;
  description: string;
  default?: unknown;
  required?: boolean;
  choices?: readonly string[];
  min?: number;
  max?: number;
  placeholder?: string;
}

export interface Parsed {
  options: Record<string, unknown>;
  positionals: string[];
  help: boolean;
}

const camelToKebab = (s: string): string => s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

export function allOptions(cmd: AnyCommand): [string, AnySpec][] {
  const own = Object.entries(cmd.options as unknown as Record<string, AnySpec>);
  const common = Object.entries(COMMON_OPTIONS as unknown as Record<string, AnySpec>).filter(([k]) => k !== 'out' || cmd.writesRun);
  return [...own, ...common];
}

function convert(flag: string, spec: AnySpec, raw: string): unknown {
  switch (spec.kind) {
    case 'string':
      if (spec.choices && !spec.choices.includes(raw)) throw new OptionError(flag, `expected one of ${spec.choices.join(', ')}, got '${raw}'`);
      return raw;
    case 'number':
    case 'integer': {
      const v = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(v)) throw new OptionError(flag, `expected a number, got '${raw}'`);
      if (spec.kind === 'integer' && !Number.isInteger(v)) throw new OptionError(flag, `expected an integer, got '${raw}'`);
      if (spec.min !== undefined && v < spec.min) throw new OptionError(flag, `must be at least ${spec.min}, got ${raw}`);
      if (spec.max !== undefined && v > spec.max) throw new OptionError(flag, `must be at most ${spec.max}, got ${raw}`);
      return v;
    }
    case 'boolean':
      if (raw === 'true' || raw === '1' || raw === 'yes') return true;
      if (raw === 'false' || raw === '0' || raw === 'no') return false;
      throw new OptionError(flag, `expected true or false, got '${raw}'`);
  }
}

/** Parses argv (after the command name) for cmd. */
export function parseArgs(cmd: AnyCommand, argv: string[]): Parsed {
  const specs = new Map(allOptions(cmd).map(([k, s]) => [camelToKebab(k), { key: k, spec: s }]));
  const options: Record<string, unknown> = {};
  const positionals: string[] = [];
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--help' || a === '-h') {
      help = true;
      continue;
    }
    if (a === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!a.startsWith('--') || a === '--') {
      positionals.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    let name = a.slice(2, eq < 0 ? undefined : eq);
    let negated = false;
    if (!specs.has(name) && name.startsWith('no-') && specs.get(name.slice(3))?.spec.kind === 'boolean') {
      name = name.slice(3);
      negated = true;
    }
    const entry = specs.get(name);
    if (entry === undefined) throw new OptionError(`--${name}`, `unknown option for 'kensa ${cmd.name}' (see --help)`);
    let value: unknown;
    if (entry.spec.kind === 'boolean') {
      value = eq >= 0 ? convert(`--${name}`, entry.spec, a.slice(eq + 1)) : !negated;
    } else {
      const raw = eq >= 0 ? a.slice(eq + 1) : argv[++i];
      if (raw === undefined || (eq < 0 && raw.startsWith('--'))) throw new OptionError(`--${name}`, 'needs a value');
      value = convert(`--${name}`, entry.spec, raw);
    }
    options[entry.key] = value;
  }
  for (const [key, spec] of allOptions(cmd)) {
    if (options[key] === undefined) {
      if (spec.default !== undefined) options[key] = spec.default;
      else if (spec.required && !help) throw new OptionError(`--${camelToKebab(key)}`, 'is required');
    }
  }
  const pos = cmd.positionals ?? [];
  if (!help) {
    const required = pos.filter((p) => p.required ?? true).length;
    if (positionals.length < required) throw new OptionError(pos[positionals.length].name, `missing (usage: ${usage(cmd)})`);
    if (!pos.some((p) => p.variadic) && positionals.length > pos.length) {
      throw new OptionError(positionals[pos.length], `unexpected argument (usage: ${usage(cmd)})`);
    }
  }
  return { options, positionals, help };
}

export function usage(cmd: AnyCommand): string {
  const pos = (cmd.positionals ?? []).map((p) => {
    const n = p.variadic ? `${p.name}...` : p.name;
    return (p.required ?? true) ? n : `[${n}]`;
  });
  return ['kensa', cmd.name, ...pos, '[options]'].join(' ');
}

/** The --help text, generated from the specs. */
export function helpText(cmd: AnyCommand): string {
  const lines = [`${usage(cmd)}`, '', cmd.summary, ''];
  if (cmd.positionals?.length) {
    lines.push('Arguments:');
    for (const p of cmd.positionals) lines.push(`  ${p.name.padEnd(26)} ${p.description}`);
    lines.push('');
  }
  lines.push('Options:');
  for (const [key, spec] of allOptions(cmd)) {
    const flag = `--${camelToKebab(key)}${spec.kind === 'boolean' ? '' : ` ${spec.placeholder ?? (spec.kind === 'string' ? 'VALUE' : 'N')}`}`;
    const extra = [
      spec.choices ? `one of: ${spec.choices.join(', ')}` : '',
      spec.default !== undefined ? `default: ${String(spec.default)}` : spec.required ? 'required' : '',
    ].filter(Boolean);
    lines.push(`  ${flag.padEnd(26)} ${spec.description}${extra.length ? ` (${extra.join('; ')})` : ''}`);
  }
  lines.push(`  ${'--help'.padEnd(26)} this text`);
  return lines.join('\n');
}
