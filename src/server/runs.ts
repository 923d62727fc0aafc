// Runs started from the browser: each is a CLI worker process (`node main.js <cmd> ... --json
// --out <runs>/<id>`), its stderr lines kept as progress events and its stdout as the result.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

export type RunState = 'running' | 'done' | 'failed' | 'cancelled';

export interface RunEvent {
  kind: 'log' | 'end';
  text: string;
}

export interface ServerRun {
  id: string;
  command: string;
  state: RunState;
  events: RunEvent[];
  /** Parsed --json stdout once done. */
  result?: unknown;
  child: ChildProcess;
  listeners: Set<(e: RunEvent) => void>;
}

export interface RunManagerOptions {
  /** The CLI entry (dist/src/cli/main.js). */
  cliPath: string;
  /** Where each run's folder is created. */
  runsDir: string;
}

export class RunManager {
  readonly runs = new Map<string, ServerRun>();
  constructor(private readonly opts: RunManagerOptions) {}

  /** Starts `kensa <command> <argv> --json`, with `--out <runs>/<id>` when the command writes a run folder. */
  start(command: string, argv: string[], writesRun: boolean): ServerRun {
    const id = `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomBytes(3).toString('hex')}`;
    const args = [this.opts.cliPath, ...command.split(' '), ...argv, '--json', ...(writesRun ? ['--out', join(this.opts.runsDir, id)] : [])];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const run: ServerRun = { id, command, state: 'running', events: [], child, listeners: new Set() };
    const emit = (e: RunEvent): void => {
      run.events.push(e);
      for (const l of run.listeners) l(e);
    };
    let stdout = '';
    let partial = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => {
      const lines = (partial + d.toString()).split(/\r|\n/);
      partial = lines.pop() ?? '';
      for (const l of lines) if (l.trim()) emit({ kind: 'log', text: l });
    });
    child.on('close', (code) => {
      if (partial.trim()) emit({ kind: 'log', text: partial });
      if (run.state === 'running') run.state = code === 0 ? 'done' : 'failed';
      try {
        run.result = stdout.trim() ? JSON.parse(stdout) : undefined;
      } catch {
        run.result = stdout;
      }
      emit({ kind: 'end', text: run.state });
    });
    this.runs.set(id, run);
    return run;
  }

  cancel(id: string): boolean {
    const run = this.runs.get(id);
    if (!run || run.state !== 'running') return false;
    run.state = 'cancelled';
    run.child.kill('SIGTERM');
    return true;
  }

  stopAll(): void {
    for (const r of this.runs.values()) if (r.state === 'running') this.cancel(r.id);
  }
}
