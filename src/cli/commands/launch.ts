// kensa launch: N local ranks of one data-parallel job, like torchrun --standalone: each child
// gets MASTER_ADDR, MASTER_PORT (a free port unless given), RANK, WORLD_SIZE, LOCAL_RANK; its
// output lines are prefixed by rank; when one rank fails or is killed, the others are stopped and
// launch fails naming it. With --nnodes/--node-rank it runs this machine's share of a larger job.
import { spawn, type ChildProcess } from 'node:child_process';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { defineCommand } from '../command.js';
import { OptionError } from '../../util/errors.js';
import { distEnv } from '../../distributed/config.js';
import { freePort } from '../../distributed/free-port.js';

export interface LaunchOptions {
  /** Ranks on this machine. @default 1 */ nproc: number;
  /** Machines in the job. @default 1 */ nnodes: number;
  /** This machine's index (its ranks are nodeRank·nproc … +nproc−1). @default 0 */ nodeRank: number;
  /** Address of the machine with rank 0. @default '127.0.0.1' */ masterAddr: string;
  /** Port of rank 0's store; 0 = a free one (single machine only). @default 0 */ masterPort: number;
  /** Seconds a collective or the rendezvous may wait for a peer. @default 1800 */ timeout: number;
  /** libtorch threads per rank for kensa commands (0 = cores / nproc). @default 0 */ threadsPerRank: number;
}

interface RankRun {
  rank: number;
  child: ChildProcess;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Copies a child's stream to ours line by line, each line prefixed. */
function prefixLines(from: NodeJS.ReadableStream, to: NodeJS.WritableStream, prefix: string): void {
  let rest = '';
  from.on('data', (d: Buffer) => {
    const parts = (rest + d.toString()).split('\n');
    rest = parts.pop() ?? '';
    for (const p of parts) to.write(`${prefix}${p}\n`);
  });
  from.on('end', () => {
    if (rest !== '') to.write(`${prefix}${rest}\n`);
  });
}

export const launchCommand = defineCommand<LaunchOptions>({
  name: 'launch',
  summary: 'run a kensa command (or any program) as N data-parallel ranks with torchrun\'s environment, output prefixed by rank',
  positionals: [{ name: 'command', description: "after --: a kensa command and its options (e.g. -- classify train --data D --out R), or a program", variadic: true }],
  options: {
    nproc: { kind: 'integer', description: 'ranks on this machine', default: 1, min: 1, max: 256 },
    nnodes: { kind: 'integer', description: 'machines in the job', default: 1, min: 1 },
    nodeRank: { kind: 'integer', description: "this machine's index among --nnodes", default: 0, min: 0 },
    masterAddr: { kind: 'string', description: 'address of the machine with rank 0', default: '127.0.0.1', placeholder: 'HOST' },
    masterPort: { kind: 'integer', description: "port of rank 0's store (0 = a free one; needs a fixed one with --nnodes > 1)", default: 0, min: 0, max: 65535 },
    timeout: { kind: 'number', description: 'seconds a collective or the rendezvous may wait for a peer', default: 1800, min: 0.1 },
    threadsPerRank: { kind: 'integer', description: 'libtorch threads per rank of a kensa command (0 = cores / nproc)', default: 0, min: 0 },
  },
  async run(o, args, ctx) {
    if (args.length === 0) throw new OptionError('command', "missing: give the command after -- (e.g. kensa launch --nproc 2 -- classify train ...)");
    if (o.nodeRank >= o.nnodes) throw new OptionError('--node-rank', `${o.nodeRank} is not below --nnodes ${o.nnodes}`);
    if (o.nnodes > 1 && o.masterPort === 0) throw new OptionError('--master-port', 'must be given when --nnodes > 1 (every machine needs the same port)');
    const { findCommand } = await import('../registry.js');
    const kensa = findCommand(args) !== undefined;
    if (kensa && findCommand(args)!.cmd.name === 'launch') throw new OptionError('command', 'kensa launch cannot launch itself');
    const port = o.masterPort || (await freePort(o.masterAddr));
    const worldSize = o.nnodes * o.nproc;
    const threads = o.threadsPerRank || Math.max(1, Math.floor(cpus().length / o.nproc));
    const childArgs = kensa && !args.includes('--threads') && !args.includes('--') ? [...args, '--threads', String(threads)] : args;
    const [cmd, ...cmdArgs] = kensa ? [process.execPath, fileURLToPath(new URL('../main.js', import.meta.url)), ...childArgs] : childArgs;
    ctx.log(`launch: ${o.nproc} rank(s) of ${worldSize} on ${o.masterAddr}:${port}: ${args.join(' ')}`);
    const ranks: RankRun[] = [];
    for (let local = 0; local < o.nproc; local++) {
      const rank = o.nodeRank * o.nproc + local;
      const env = { ...process.env, ...distEnv({ host: o.masterAddr, port, rank, worldSize, localRank: local, timeoutMs: o.timeout * 1000 }), LOCAL_WORLD_SIZE: String(o.nproc), OMP_NUM_THREADS: String(threads) };
      const child = spawn(cmd, cmdArgs, { env, stdio: ['ignore', 'pipe', 'pipe'] });
      prefixLines(child.stdout!, process.stdout, `[rank ${rank}] `);
      prefixLines(child.stderr!, process.stderr, `[rank ${rank}] `);
      const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => {
        child.on('error', (e) => {
          process.stderr.write(`[rank ${rank}] ${e.message}\n`);
          res({ code: 127, signal: null });
        });
        child.on('close', (code, signal) => res({ code, signal }));
      });
      ranks.push({ rank, child, done });
    }
    // stop the others when one fails, and pass our own SIGINT/SIGTERM on
    const stopAll = (sig: NodeJS.Signals): void => {
      for (const r of ranks) if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill(sig);
    };
    const onSignal = (sig: NodeJS.Signals): void => stopAll(sig);
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    let firstFailure: string | undefined;
    let killTimer: NodeJS.Timeout | undefined;
    try {
      const results = await Promise.all(
        ranks.map(async (r) => {
          const res = await r.done;
          if ((res.code !== 0 || res.signal !== null) && firstFailure === undefined) {
            firstFailure = res.signal ? `rank ${r.rank} was killed by ${res.signal}` : `rank ${r.rank} exited with code ${res.code}`;
            // the others usually fail by themselves at once (their collectives see the closed
            // connection) and say why; those still running after 3 s are stopped
            killTimer = setTimeout(() => {
              stopAll('SIGTERM');
              killTimer = setTimeout(() => stopAll('SIGKILL'), 5000);
              killTimer.unref();
            }, 3000);
            killTimer.unref();
          }
          return { rank: r.rank, code: res.code, signal: res.signal };
        }),
      );
      if (firstFailure !== undefined) throw new Error(`launch: ${firstFailure}; the other ranks were stopped`);
      return { json: { worldSize, nproc: o.nproc, masterAddr: o.masterAddr, masterPort: port, ranks: results }, text: `launch: ${o.nproc} rank(s) finished` };
    } finally {
      if (killTimer) clearTimeout(killTimer);
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  },
});
