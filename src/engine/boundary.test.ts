// The native boundary: every addon entry point (src/engine/native.ts) given wrong types, wrong
// shapes and dtypes, disposed or made-up handles and huge sizes (allocation failure) must throw a
// JS Error (or return), and the process must survive. The probes (src/testing/fuzz-native.ts) run
// in a child process that prints a line before and after each; a native abort shows as the child
// dying after a "start" line, and the harness then goes on from the next probe.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { PROBES } from '../testing/fuzz-native.js';

const CHILD = fileURLToPath(new URL('../testing/fuzz-native.js', import.meta.url));

interface Line { i?: number; phase: 'start' | 'end' | 'done'; threw?: string; isError?: boolean; live?: number; threads?: number }

test(`native boundary: ${PROBES.length} bad calls over every entry point throw JS Errors and never abort the process`, () => {
  const crashed: string[] = [];
  const ends = new Map<number, Line>();
  let done: Line | undefined;
  for (let from = 0; from < PROBES.length; ) {
    const r = spawnSync(process.execPath, [CHILD, '--probe-from', String(from)], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, KENSA_THREADS: '1' } });
    const lines = r.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Line);
    for (const l of lines) if (l.phase === 'end') ends.set(l.i!, l);
    done = lines.find((l) => l.phase === 'done');
    if (done) break;
    const last = lines.filter((l) => l.phase === 'start').at(-1);
    const at = last?.i ?? from;
    crashed.push(`${PROBES[at].name} (${r.signal ?? `exit ${r.status}`}: ${r.stderr.trim().split('\n').slice(-2).join(' | ').slice(0, 300)})`);
    from = at + 1;
  }
  assert.deepEqual(crashed, [], 'probes that killed the process');
  const notErrors = [...ends.values()].filter((l) => l.threw !== undefined && !l.isError).map((l) => `${PROBES[l.i!].name}: ${l.threw}`);
  assert.deepEqual(notErrors, [], 'thrown values that are not Error objects');
  // most probes must throw; the few that may legitimately succeed are listed
  // (dispose is idempotent; a negative seed is a valid uint64 seed; the raw setGrad does not check
  // shapes and dtypes, the Tensor.grad setter does: see its probes)
  const MAY_RETURN = new Set(['dispose: twice', 'dispose: made-up handle', 'manualSeed: negative', 'setGrad: wrong shape', 'setGrad: wrong dtype']);
  const returned = [...ends.values()].filter((l) => l.threw === undefined).map((l) => PROBES[l.i!].name).filter((n) => !MAY_RETURN.has(n));
  assert.deepEqual(returned, [], 'bad calls that returned as if fine');
  assert.ok(done, 'the child ran to the end');
});
