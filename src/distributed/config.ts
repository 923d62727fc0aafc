// Where a rank finds its group: the environment torchrun sets (MASTER_ADDR, MASTER_PORT, RANK,
// WORLD_SIZE, LOCAL_RANK) or a tcp://HOST:PORT address with a rank and a world size.
import { OptionError } from '../util/errors.js';

/** One rank's place in a process group. */
export interface DistConfig {
  /** Address of rank 0's store. */
  host: string;
  port: number;
  rank: number;
  worldSize: number;
  /** Rank on this machine (device index for CUDA). @default rank */
  localRank: number;
  /** Collective and rendezvous timeout in milliseconds. @default 1 800 000 (30 min, as PyTorch) */
  timeoutMs: number;
}

export const DEFAULT_TIMEOUT_MS = 30 * 60 * 1000;

function int(name: string, v: string, min: number): number {
  if (!/^\d+$/.test(v.trim())) throw new OptionError(name, `expected a non-negative integer, got '${v}'`);
  const n = Number(v);
  if (n < min) throw new OptionError(name, `must be at least ${min}, got ${n}`);
  return n;
}

function port(name: string, v: string): number {
  const p = int(name, v, 1);
  if (p > 65535) throw new OptionError(name, `is not a port (1..65535): ${p}`);
  return p;
}

function timeoutOf(env: NodeJS.ProcessEnv): number {
  const t = env.KENSA_DIST_TIMEOUT;
  if (t === undefined || t === '') return DEFAULT_TIMEOUT_MS;
  const s = Number(t);
  if (!(s > 0) || !Number.isFinite(s)) throw new OptionError('KENSA_DIST_TIMEOUT', `expected a positive number of seconds, got '${t}'`);
  return Math.round(s * 1000);
}

/**
 * The group this process belongs to according to torchrun's variables, or undefined when
 * WORLD_SIZE is unset (a single process). KENSA_DIST_TIMEOUT (seconds) sets the timeout.
 */
export function distConfigFromEnv(env: NodeJS.ProcessEnv = process.env): DistConfig | undefined {
  if (env.WORLD_SIZE === undefined || env.WORLD_SIZE === '') return undefined;
  const worldSize = int('WORLD_SIZE', env.WORLD_SIZE, 1);
  for (const k of ['RANK', 'MASTER_ADDR', 'MASTER_PORT'] as const) {
    if (env[k] === undefined || env[k] === '') throw new OptionError(k, `is unset while WORLD_SIZE=${worldSize} (set MASTER_ADDR, MASTER_PORT, RANK and WORLD_SIZE, or run under kensa launch)`);
  }
  const rank = int('RANK', env.RANK!, 0);
  if (rank >= worldSize) throw new OptionError('RANK', `${rank} is not below WORLD_SIZE=${worldSize}`);
  const localRank = env.LOCAL_RANK ? int('LOCAL_RANK', env.LOCAL_RANK, 0) : rank;
  return { host: env.MASTER_ADDR!, port: port('MASTER_PORT', env.MASTER_PORT!), rank, worldSize, localRank, timeoutMs: timeoutOf(env) };
}

/** A rank of a group met at tcp://HOST:PORT (the --dist-url form). */
export function distConfigFromUrl(url: string, rank: number, worldSize: number, timeoutMs = DEFAULT_TIMEOUT_MS): DistConfig {
  const m = /^tcp:\/\/(\[[^\]]+\]|[^:/]+):(\d+)\/?$/.exec(url);
  if (!m) throw new OptionError('--dist-url', `expected tcp://HOST:PORT, got '${url}'`);
  if (!Number.isInteger(worldSize) || worldSize < 1) throw new OptionError('--world-size', `must be a positive integer, got ${worldSize}`);
  if (!Number.isInteger(rank) || rank < 0 || rank >= worldSize) throw new OptionError('--rank', `must be in 0..${worldSize - 1}, got ${rank}`);
  return { host: m[1].replace(/^\[|\]$/g, ''), port: port('--dist-url', m[2]), rank, worldSize, localRank: rank, timeoutMs };
}

/** torchrun's variables for one rank (what kensa launch gives each child). */
export function distEnv(c: DistConfig): Record<string, string> {
  return {
    MASTER_ADDR: c.host,
    MASTER_PORT: String(c.port),
    RANK: String(c.rank),
    WORLD_SIZE: String(c.worldSize),
    LOCAL_RANK: String(c.localRank),
    LOCAL_WORLD_SIZE: String(c.worldSize),
    KENSA_DIST_TIMEOUT: String(c.timeoutMs / 1000),
  };
}
