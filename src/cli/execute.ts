// Runs one parsed command the way the CLI does: device check, threads and seed, a run folder when
// --out is given (config.json first; metrics.json, summary.json and report.html after), and the
// folder discarded again when the command fails before writing anything worth keeping. Used by
// main.ts and by commands that run other commands (kensa demo).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OptionError } from '../util/errors.js';
import { packageRoot } from '../util/data-root.js';
import { createProgress } from './progress.js';
import { RunFolder, checkRunFolder } from './run-folder.js';
import { SUMMARY_FILE } from '../report/summary.js';
import type { AnyCommand, CommandContext, CommandResult, CommonOptions } from './command.js';
import type { Parsed } from './parse.js';

export function kensaVersion(): string {
  return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}

/** What one executed command left. */
export interface Executed {
  result: CommandResult;
  /** The run folder's report.html; undefined when the command wrote no run folder. */
  report?: string;
}

/**
 * Runs `cmd` with options already parsed from `argv` (the words after the command's name, recorded
 * in config.json). Progress and log lines go to stderr unless --quiet. Throws what the command throws.
 */
export async function executeCommand(cmd: AnyCommand, argv: string[], parsed: Parsed): Promise<Executed> {
  const opts = parsed.options as Record<string, unknown> & CommonOptions;
  let run: RunFolder | undefined;
  let configWritten: Promise<void> | undefined;
  try {
    // a run folder that cannot be written fails now, not after hours of training
    if (cmd.writesRun && opts.out !== undefined) checkRunFolder(opts.out);
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
    const words = ['kensa', ...cmd.name.split(' '), ...argv];
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
            command: words.join(' '),
            argv: words.slice(1),
            date: new Date().toISOString(),
            kensa: kensaVersion(),
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
    if (folder === undefined) return { result };
    await folder.writeMetrics(result.json);
    if (result.summary) await folder.writeJson(SUMMARY_FILE, result.summary);
    const report = await folder.writeReport(`kensa ${cmd.name}`);
    return { result, report };
  } catch (e) {
    if (run !== undefined) {
      await configWritten?.catch(() => undefined);
      run.log(`failed: ${e instanceof Error ? e.message : String(e)}`);
      run.discardIfEmpty();
    }
    throw e;
  }
}
