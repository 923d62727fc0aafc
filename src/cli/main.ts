#!/usr/bin/env node
// kensa's command line: finds the command, parses and checks its options, sets seed, threads and
// device, runs it with a run folder when --out is given, and prints the result (JSON with --json).
// Errors are one line naming the file or option; stack traces only with --debug.
import { OptionError } from '../util/errors.js';
import { COMMANDS, findCommand } from './registry.js';
import { helpText, parseArgs } from './parse.js';
import { executeCommand, kensaVersion } from './execute.js';
import type { CommonOptions } from './command.js';

function generalHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length)) + 2;
  return [
    'kensa — trustworthy CNNs for scientific images',
    '',
    'usage: kensa <command> [arguments] [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)} ${c.summary}`),
    '',
    "Run 'kensa <command> --help' for a command's options.",
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const debug = argv.includes('--debug');
  try {
    if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
      process.stdout.write(`${generalHelp()}\n`);
      return 0;
    }
    if (argv[0] === '--version') {
      process.stdout.write(`${kensaVersion()}\n`);
      return 0;
    }
    const found = findCommand(argv);
    if (found === undefined) throw new OptionError(argv[0], "unknown command (run 'kensa --help')");
    const { cmd, words } = found;
    const parsed = parseArgs(cmd, argv.slice(words));
    if (parsed.help) {
      process.stdout.write(`${helpText(cmd)}\n`);
      return 0;
    }
    const opts = parsed.options as Record<string, unknown> & CommonOptions;
    const { result, report } = await executeCommand(cmd, argv.slice(words), parsed);
    if (report !== undefined && !opts.quiet) process.stderr.write(`report: ${report}\n`);
    process.stdout.write(opts.json ? `${JSON.stringify(result.json)}\n` : `${result.text}\n`);
    return 0;
  } catch (e) {
    if (debug && e instanceof Error) process.stderr.write(`${e.stack}\n`);
    const msg = e instanceof Error ? e.message.split('\n')[0] : String(e);
    process.stderr.write(`kensa: ${msg}\n`);
    return e instanceof OptionError ? 2 : 1;
  }
}

// Run when executed directly (not when imported by tests).
const invoked = process.argv[1] ?? '';
if (invoked.endsWith('main.js') || invoked.endsWith('kensa')) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`kensa: ${String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
