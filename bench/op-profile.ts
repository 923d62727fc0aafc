// Opt-in profile of the calls kensa makes into its native addon: while profileNative() runs, every
// addon entry point is wrapped to count calls and time them, ATen operators by schema name
// ("aten::conv2d") and the other entry points by their own name ("grad", "dispose", "backward").
// Nothing is wrapped outside profileNative(), so normal runs pay nothing.
import { performance } from 'node:perf_hooks';
import { native } from '../src/engine/native.js';

export interface OpStat {
  /** Operator or entry-point name. */
  name: string;
  /** Step phase the calls fell in (see markPhase). */
  phase: string;
  calls: number;
  /** Wall time spent inside the addon, ms. */
  ms: number;
}

export interface NativeProfile {
  stats: OpStat[];
  /** Wall time of each phase (from markPhase to the next mark), ms. */
  phaseMs: Record<string, number>;
  /** Wall time of the whole profiled function, ms. */
  totalMs: number;
  /** Tensor handles the addon handed out (each one is a JS Tensor wrapper). */
  handlesCreated: number;
}

let phaseListener: ((phase: string) => void) | undefined;

/** Marks the start of a step phase (forward, backward, optimizer, ...); free when not profiling. */
export function markPhase(phase: string): void {
  if (phaseListener !== undefined) phaseListener(phase);
}

type Fn = (...args: unknown[]) => unknown;

function countHandles(r: unknown): number {
  if (typeof r === 'number') return 1;
  if (Array.isArray(r)) return r.reduce((n: number, x) => n + (typeof x === 'number' ? 1 : 0), 0);
  return 0;
}

// entry points whose result is (or holds) new tensor handles
const HANDLE_RESULTS = new Set(['call', 'fromBuffer', 'grad', 'autogradGrad']);

export interface ProfileOptions {
  /** Count and time every addon call; false times the phases only (no per-call cost). @default true */
  calls?: boolean;
}

/** Runs fn with every addon entry point counted and timed. */
export function profileNative(fn: () => void, o: ProfileOptions = {}): NativeProfile {
  const addon = native as unknown as Record<string, Fn>;
  const originals = new Map<string, Fn>();
  const stats = new Map<string, OpStat>();
  const opNames = new Map<number, string>();
  const phaseMs: Record<string, number> = {};
  let phase = 'step';
  let phaseStart = performance.now();
  let handlesCreated = 0;
  phaseListener = (p) => {
    const now = performance.now();
    phaseMs[phase] = (phaseMs[phase] ?? 0) + now - phaseStart;
    phase = p;
    phaseStart = now;
  };
  const schemaOf = addon.schema;
  const opName = (id: number): string => {
    let n = opNames.get(id);
    if (n === undefined) {
      const s = String(schemaOf(id));
      n = s.slice(0, s.indexOf('('));
      opNames.set(id, n);
    }
    return n;
  };
  const record = (name: string, ms: number): void => {
    const key = `${phase}\u0000${name}`;
    const s = stats.get(key);
    if (s === undefined) stats.set(key, { name, phase, calls: 1, ms });
    else {
      s.calls += 1;
      s.ms += ms;
    }
  };
  for (const [key, f] of Object.entries(addon)) {
    if (typeof f !== 'function' || o.calls === false) continue;
    originals.set(key, f);
    const handles = HANDLE_RESULTS.has(key);
    addon[key] = (...args: unknown[]): unknown => {
      const t0 = performance.now();
      const r = f(...args);
      const ms = performance.now() - t0;
      record(key === 'call' ? opName(args[0] as number) : key, ms);
      if (handles) handlesCreated += countHandles(r);
      return r;
    };
  }
  const t0 = performance.now();
  let end = t0;
  try {
    fn();
  } finally {
    end = performance.now();
    phaseMs[phase] = (phaseMs[phase] ?? 0) + end - phaseStart;
    phaseListener = undefined;
    for (const [key, f] of originals) addon[key] = f;
  }
  return { stats: [...stats.values()].sort((a, b) => b.ms - a.ms), phaseMs, totalMs: end - t0, handlesCreated };
}
