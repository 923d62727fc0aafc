#!/usr/bin/env node
// kensa's command line: finds the command, parses and checks its options, sets seed, threads and
// device, runs it with a run folder when --out is given, and prints the result (JSON with --json).
// Errors are one line naming the file or option; stack traces only with --debug.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OptionError } from '../util/errors.js';
import { packageRoot } from '../util/data-root.js';
import { COMMANDS, findCommand } from './registry.js';
import { helpText, parseArgs } from './parse.js';
import { createProgress } from './progress.js';
import { RunFolder } from './run-folder.js';
import type { CommandContext, CommonOptions } from './command.js';
import { SUMMARY_FILE } from '../report/summary.js';

function version(): string {
  return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}

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
  let run: RunFolder | undefined;
  let configWritten: Promise<void> | undefined;
  try {
    if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
      process.stdout.write(`${generalHelp()}\n`);
      return 0;
    }
    if (argv[0] === '--version') {
      process.stdout.write(`${version()}\n`);
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
    // the engine loads libtorch: only now, so --help stays instant
    const engine = await import('../engine/index.js');
    if (opts.device !== 'cpu') {
      if (!/^cuda(:\d+)?$/.test(opts.device)) throw new OptionError('--device', `expected cpu or cuda[:N], got '${opts.device}'`);
      const n = engine.cudaDeviceCount();
      const index = Number(opts.device.split(':')[1] ?? 0);
      if (index >= n) throw new OptionError('--device', `${opts.device} requested but this libtorch sees ${n} CUDA device(s)`);
    }
    engine.setNumThreads(opts.threads);
    engine.manualSeed(opts.seed);
    const ctx: CommandContext = {
      log(message) {
        if (!opts.quiet) process.stderr.write(`${message}\n`);
        run?.log(message);
      },
      progress(o) {
        return createProgress(o, process.stderr, opts.quiet);
      },
      run() {
        if (!cmd.writesRun || opts.out === undefined) return undefined;
        if (run === undefined) {
          run = new RunFolder(opts.out);
          configWritten = run.writeConfig({
            command: ['kensa', ...argv].join(' '),
            argv,
            date: new Date().toISOString(),
            kensa: version(),
            libtorch: engine.libtorchVersion(),
            options: opts,
            positionals: parsed.positionals,
          });
          // a failing command may discard the folder before this write lands: never an unhandled rejection
          configWritten.catch(() => undefined);
        }
        return run;
      },
    };
    const result = await cmd.run(opts, parsed.positionals, ctx);
    const folder = ctx.run();
    await configWritten;
    if (folder !== undefined) {
      await folder.writeMetrics(result.json);
      if (result.summary) await folder.writeJson(SUMMARY_FILE, result.summary);
      const report = await folder.writeReport(`kensa ${cmd.name}`);
      if (!opts.quiet) process.stderr.write(`report: ${report}\n`);
    }
    process.stdout.write(opts.json ? `${JSON.stringify(result.json)}\n` : `${result.text}\n`);
    return 0;
  } catch (e) {
    if (run !== undefined) {
      await configWritten?.catch(() => undefined);
      run.log(`failed: ${e instanceof Error ? e.message : String(e)}`);
      run.discardIfEmpty();
    }
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
