// A seeded mutation fuzzer for kensa's readers: real seed files are mutated (bit flips, truncation,
// inserted and duplicated chunks, zeroed ranges, huge header fields) and read in a child process
// (src/testing/fuzz-child.ts), one case at a time under a per-case time limit. Every outcome must be
// a success or a one-line InputError; anything else (another error, a hang, a native abort or a
// crash of the child) is a finding, reported with the seed, case and mutation that reproduce it.
import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync, rmSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Rng } from '../data/rng.js';
import { gzipInner, type FuzzTargetName } from './fuzz-targets.js';

/** One mutation of a seed file, described so a finding can be reproduced by name. */
export interface Mutation {
  kind: 'flip' | 'truncate' | 'insert' | 'duplicate' | 'zero' | 'huge-field' | 'none';
  detail: string;
}

/** Big values for header fields: sign bits, all ones, just past 2^31 and 2^53, NaN and infinities as float32. */
const HUGE32 = [0xffffffff, 0x7fffffff, 0x80000000, 0x0000ffff, 0x7f800000, 0x7fc00000, 0xff800000, 0x00010000];

/**
 * Applies 1-3 seeded mutations to `bytes` (never in place). Header fields live near the start, so
 * 'huge-field' writes a 16-, 32- or 64-bit big value at an aligned offset in the first `headerBytes`.
 */
export function mutate(bytes: Uint8Array, rng: Rng, headerBytes = 1024): { bytes: Uint8Array; mutations: Mutation[] } {
  let b: Uint8Array = new Uint8Array(bytes);
  const mutations: Mutation[] = [];
  const rounds = 1 + rng.int(3);
  for (let r = 0; r < rounds; r++) {
    const kinds: Mutation['kind'][] = ['flip', 'truncate', 'insert', 'duplicate', 'zero', 'huge-field', 'huge-field'];
    const kind = kinds[rng.int(kinds.length)];
    const n = b.length;
    // positions favour the header: half of them fall in the first headerBytes
    const pos = (): number => (n === 0 ? 0 : rng.bool() ? rng.int(Math.min(n, headerBytes)) : rng.int(n));
    if (kind === 'flip') {
      const k = 1 + rng.int(8);
      const at: number[] = [];
      for (let i = 0; i < k && n > 0; i++) {
        const p = pos();
        b[p] ^= 1 << rng.int(8);
        at.push(p);
      }
      mutations.push({ kind, detail: `bits at ${at.join(',')}` });
    } else if (kind === 'truncate') {
      const len = rng.bool(0.3) ? rng.int(Math.min(n, 64) + 1) : rng.int(n + 1);
      b = b.slice(0, len);
      mutations.push({ kind, detail: `to ${len} of ${n} bytes` });
    } else if (kind === 'insert') {
      const p = pos();
      const len = 1 + rng.int(rng.bool() ? 16 : 4096);
      const chunk = new Uint8Array(len).map(() => rng.int(256));
      b = concat(b.subarray(0, p), chunk, b.subarray(p));
      mutations.push({ kind, detail: `${len} random bytes at ${p}` });
    } else if (kind === 'duplicate') {
      if (n === 0) continue;
      const from = rng.int(n);
      const len = 1 + rng.int(Math.min(n - from, 8192));
      const to = pos();
      b = concat(b.subarray(0, to), b.slice(from, from + len), b.subarray(to));
      mutations.push({ kind, detail: `${len} bytes from ${from} copied to ${to}` });
    } else if (kind === 'zero') {
      if (n === 0) continue;
      const p = pos();
      const len = 1 + rng.int(Math.min(n - p, 256));
      b.fill(0, p, p + len);
      mutations.push({ kind, detail: `${len} bytes at ${p}` });
    } else {
      const width = [2, 4, 4, 8][rng.int(4)];
      const limit = Math.min(n, headerBytes) - width;
      if (limit <= 0) continue;
      const p = rng.int(Math.floor(limit / width) + 1) * width;
      const v = HUGE32[rng.int(HUGE32.length)];
      const view = new DataView(b.buffer, b.byteOffset, b.length);
      const le = rng.bool(0.75);
      if (width === 2) view.setUint16(p, v & 0xffff, le);
      else if (width === 4) view.setUint32(p, v >>> 0, le);
      else view.setBigUint64(p, (BigInt(v >>> 0) << 32n) | BigInt(v >>> 0), le);
      mutations.push({ kind, detail: `${width * 8}-bit ${le ? 'LE' : 'BE'} 0x${(v >>> 0).toString(16)} at ${p}` });
    }
  }
  return { bytes: b, mutations };
}

/** Odd values for a JSON field: huge, negative, fractional, wrong type, empty. */
const ODD_JSON: unknown[] = [2 ** 53, 2 ** 31, -1, 1.5, -(2 ** 40), 0, 'F32', null, [], [2 ** 31, 2 ** 31], [-1, 4], { a: 1 }, '', '../../../etc/passwd', 1e308, true];

/**
 * A structure-aware mutation of a JSON document or of a safetensors file's JSON header: one field
 * (at any depth) is replaced by an odd value, or removed; the file stays well-formed otherwise.
 */
export function mutateJsonField(bytes: Uint8Array, rng: Rng, kind: 'json' | 'safetensors'): { bytes: Uint8Array; mutations: Mutation[] } | undefined {
  let head: unknown;
  let rest: Uint8Array = new Uint8Array(0);
  try {
    if (kind === 'safetensors') {
      const n = Number(new DataView(bytes.buffer, bytes.byteOffset, bytes.length).getBigUint64(0, true));
      head = JSON.parse(Buffer.from(bytes.subarray(8, 8 + n)).toString('utf8'));
      rest = bytes.subarray(8 + n);
    } else head = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    return undefined;
  }
  // every (container, key) pair, depth-first
  const slots: [Record<string, unknown> | unknown[], string | number, string][] = [];
  const walk = (v: unknown, path: string): void => {
    if (Array.isArray(v)) v.forEach((x, i) => (slots.push([v, i, `${path}[${i}]`]), walk(x, `${path}[${i}]`)));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) (slots.push([v as Record<string, unknown>, k, `${path}.${k}`]), walk(x, `${path}.${k}`));
  };
  walk(head, '');
  if (slots.length === 0) return undefined;
  const [container, key, path] = slots[rng.int(slots.length)];
  let detail: string;
  if (rng.bool(0.15) && !Array.isArray(container)) {
    delete (container as Record<string, unknown>)[key as string];
    detail = `removed ${path}`;
  } else {
    const v = ODD_JSON[rng.int(ODD_JSON.length)];
    (container as Record<string | number, unknown>)[key] = v;
    detail = `${path} = ${JSON.stringify(v)}`;
  }
  const text = Buffer.from(JSON.stringify(head), 'utf8');
  if (kind === 'json') return { bytes: new Uint8Array(text), mutations: [{ kind: 'huge-field', detail }] };
  const len = new Uint8Array(8);
  new DataView(len.buffer).setBigUint64(0, BigInt(text.length), true);
  return { bytes: concat(len, text, rest), mutations: [{ kind: 'huge-field', detail }] };
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** A seed file of a target: its bytes and the file name cases are written under (the extension matters). */
export interface FuzzSeed {
  name: string;
  bytes: Uint8Array;
}

export interface FuzzCase {
  target: FuzzTargetName;
  seedName: string;
  index: number;
  mutations: Mutation[];
  file: string;
}

export type FuzzOutcome = 'ok' | 'input-error' | 'other-error' | 'multi-line-error' | 'hang' | 'crash';

export interface FuzzFinding {
  case: FuzzCase;
  outcome: Exclude<FuzzOutcome, 'ok' | 'input-error'>;
  /** The error's name and message, or the child's exit signal/code and last stderr. */
  detail: string;
}

export interface FuzzOptions {
  /** Seeds per target (the mutations apply to each in turn). */
  seeds: Partial<Record<FuzzTargetName, FuzzSeed[]>>;
  /** Cases per target. @default 50 */
  casesPerTarget?: number;
  /** Seed of the mutations; case i of a target is fully determined by (seed, target, i). @default 0 */
  seed?: number;
  /** Per-case time limit (a case running longer is a hang). @default 10000 */
  timeLimitMs?: number;
  /** Folder the case files are written to (a finding's file is kept there; the others are removed). */
  workDir: string;
  /** Called after each case. */
  onCase?(c: FuzzCase, outcome: FuzzOutcome): void;
}

export interface FuzzReport {
  cases: number;
  /** Outcome counts per target. */
  perTarget: Record<string, Record<FuzzOutcome, number>>;
  findings: FuzzFinding[];
  /** Up to 5 distinct InputError messages per target (to see what the readers answer). */
  samples: Record<string, string[]>;
  ms: number;
}

/** Targets whose files carry JSON (safetensors headers, checkpoint sidecars): they also get field-level mutations. */
const STRUCTURED: Partial<Record<FuzzTargetName, 'json' | 'safetensors'>> = { safetensors: 'safetensors', 'checkpoint-best': 'safetensors', 'checkpoint-resume': 'safetensors', 'checkpoint-sidecar': 'json' };

const CHILD = fileURLToPath(new URL('./fuzz-child.js', import.meta.url));

type Reply = { ok: true } | { ok: false; name: string; message: string };

/** A child that reads one case at a time; restarted after a crash or a hang. */
class Reader {
  private child?: ChildProcess;
  private stderr = '';
  private ready?: Promise<void>;

  private start(): Promise<void> {
    this.stderr = '';
    const child = fork(CHILD, [], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], execArgv: [] });
    child.stderr?.on('data', (d: Buffer) => (this.stderr = (this.stderr + d.toString()).slice(-2000)));
    this.child = child;
    return new Promise((res, rej) => {
      child.once('message', () => res());
      child.once('exit', (code, sig) => rej(new Error(`fuzz child exited at start (${sig ?? code}): ${this.stderr}`)));
    });
  }

  async read(target: string, file: string, timeLimitMs: number): Promise<{ outcome: FuzzOutcome; detail: string }> {
    if (!this.child || this.child.exitCode !== null || this.child.signalCode !== null) this.ready = this.start();
    await this.ready;
    const child = this.child!;
    return new Promise((res) => {
      let settled = false;
      const finish = (r: { outcome: FuzzOutcome; detail: string }): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
        res(r);
      };
      const onMessage = (m: Reply): void => {
        if (m.ok) return finish({ outcome: 'ok', detail: '' });
        if (m.message.includes('\n')) return finish({ outcome: 'multi-line-error', detail: `${m.name}: ${m.message}` });
        finish({ outcome: m.name === 'InputError' ? 'input-error' : 'other-error', detail: `${m.name}: ${m.message}` });
      };
      const onExit = (code: number | null, sig: string | null): void => {
        this.child = undefined;
        finish({ outcome: 'crash', detail: `child died (${sig ?? `exit ${code}`}): ${this.stderr.trim().split('\n').slice(-3).join(' | ')}` });
      };
      const timer = setTimeout(() => {
        child.off('exit', onExit);
        child.kill('SIGKILL');
        this.child = undefined;
        finish({ outcome: 'hang', detail: `no answer within ${timeLimitMs} ms` });
      }, timeLimitMs);
      child.on('message', onMessage);
      child.once('exit', onExit);
      child.send({ target, file });
    });
  }

  close(): void {
    this.child?.kill('SIGKILL');
    this.child = undefined;
  }
}

/** Runs the fuzzer: every target with seeds gets `casesPerTarget` mutated cases. */
export async function fuzz(o: FuzzOptions): Promise<FuzzReport> {
  const t0 = Date.now();
  const reader = new Reader();
  const perTarget: FuzzReport['perTarget'] = {};
  const findings: FuzzFinding[] = [];
  const samples: FuzzReport['samples'] = {};
  let cases = 0;
  mkdirSync(o.workDir, { recursive: true });
  try {
    for (const [target, seeds] of Object.entries(o.seeds) as [FuzzTargetName, FuzzSeed[]][]) {
      if (!seeds || seeds.length === 0) continue;
      const counts: Record<FuzzOutcome, number> = { ok: 0, 'input-error': 0, 'other-error': 0, 'multi-line-error': 0, hang: 0, crash: 0 };
      perTarget[target] = counts;
      for (let i = 0; i < (o.casesPerTarget ?? 50); i++) {
        const seedFile = seeds[i % seeds.length];
        const rng = Rng.derive(o.seed ?? 0, hashName(target), i);
        // half the cases of JSON-bearing targets change one field and keep the file well-formed
        const structured = STRUCTURED[target];
        const m = (structured && rng.bool() ? mutateJsonField(seedFile.bytes, rng, structured) : undefined) ?? mutate(seedFile.bytes, rng);
        const dir = join(o.workDir, `${target}-${i}`);
        mkdirSync(dir, { recursive: true });
        const out = gzipInner(target, m.bytes, seedFile.name);
        const file = join(dir, out.name);
        writeFileSync(file, out.bytes);
        const c: FuzzCase = { target, seedName: seedFile.name, index: i, mutations: m.mutations, file };
        const r = await reader.read(target, file, o.timeLimitMs ?? 10000);
        counts[r.outcome]++;
        cases++;
        o.onCase?.(c, r.outcome);
        const seen = (samples[target] ??= []);
        const msg = r.detail.split(o.workDir).join('<case>');
        if (r.outcome === 'input-error' && seen.length < 5 && !seen.includes(msg)) seen.push(msg);
        if (r.outcome === 'ok' || r.outcome === 'input-error') rmSync(dir, { recursive: true, force: true });
        else findings.push({ case: c, outcome: r.outcome, detail: r.detail });
      }
    }
  } finally {
    reader.close();
  }
  return { cases, perTarget, findings, samples, ms: Date.now() - t0 };
}

/** Reads one file through a target in the child (for regression tests of findings). */
export async function readInChild(target: FuzzTargetName | `harness-${'abort' | 'hang' | 'type-error' | 'multi-line'}`, file: string, timeLimitMs = 10000): Promise<{ outcome: FuzzOutcome; detail: string }> {
  const reader = new Reader();
  try {
    return await reader.read(target, file, timeLimitMs);
  } finally {
    reader.close();
  }
}

/** Copies a finding's file somewhere to keep (e.g. tests/fixtures/fuzz/). */
export function keepFinding(f: FuzzFinding, to: string): string {
  mkdirSync(to, { recursive: true });
  const dest = join(to, `${f.case.target}-${f.case.index}-${f.case.seedName}`);
  copyFileSync(f.case.file, dest);
  return dest;
}

function hashName(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619) >>> 0;
  return h;
}
