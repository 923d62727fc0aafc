// The contract every kensa command implements: typed options described once (parsing, help text
// and docs come from the description), positional arguments, and a run() that returns a result.
import type { RunFolder } from './run-folder.js';
import type { Progress, ProgressOptions } from './progress.js';
import type { ReportSummary } from '../report/summary.js';

export type OptionKind = 'string' | 'number' | 'integer' | 'boolean';

export interface OptionSpec<T> {
  kind: T extends boolean ? 'boolean' : T extends number ? 'number' | 'integer' : 'string';
  description: string;
  /** Value when the option is not given (shown in --help); omit for required or optional options. */
  default?: T;
  /** Fail when missing and no default. @default false */
  required?: boolean;
  /** Allowed values for strings. */
  choices?: readonly string[];
  /** Inclusive bounds for numbers. */
  min?: number;
  max?: number;
  /** Placeholder in help, e.g. DIR. */
  placeholder?: string;
}

export type OptionSpecs<O> = { [K in keyof O]-?: OptionSpec<NonNullable<O[K]>> };

/** Options every command accepts. */
export interface CommonOptions {
  /** Run folder for config, log, metrics, figures, checkpoints and report.html. */
  out?: string;
  /** Seed for every random choice. @default 0 */
  seed: number;
  /** libtorch intra-op threads. @default number of cores */
  threads: number;
  /** 'cpu' or 'cuda[:N]'. @default 'cpu' */
  device: string;
  /** Machine-readable result on stdout. @default false */
  json: boolean;
  /** Stack traces on errors. @default false */
  debug: boolean;
  /** No progress output. @default false */
  quiet: boolean;
}

export interface PositionalSpec {
  name: string;
  description: string;
  /** @default true */
  required?: boolean;
  /** Takes every remaining argument. @default false */
  variadic?: boolean;
}

export interface CommandContext {
  /** A log line: to stderr (unless quiet) and the run folder's log.txt. */
  log(message: string): void;
  /** A progress bar with ETA on a TTY, plain lines otherwise. */
  progress(options: ProgressOptions): Progress;
  /** The run folder, created on first use; undefined when the command was given no --out. */
  run(): RunFolder | undefined;
}

export interface Command<O> {
  /** One word, or two for a family ("metric train"). */
  name: string;
  summary: string;
  positionals?: PositionalSpec[];
  options: OptionSpecs<O>;
  /** Whether the command writes a run folder (then --out is offered). @default false */
  writesRun?: boolean;
  /** Does the work; the result is printed (as JSON with --json) and stored in metrics.json. */
  run(opts: O & CommonOptions, args: string[], ctx: CommandContext): Promise<CommandResult>;
}

export interface CommandResult {
  /** What --json prints. */
  json: unknown;
  /** What a person sees on stdout without --json. */
  text: string;
  /** The answer first: the report's opening section (summary.json in the run folder). @default none */
  summary?: ReportSummary;
}

/** Erases a command's option type for the registry. */
export type AnyCommand = Command<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export function defineCommand<O>(c: Command<O>): Command<O> {
  return c;
}
