// The addon's heap policy (native/src/addon.cc, "Heap policy"): the blocks a step frees stay
// mapped for the next step, so a repeated step costs no page faults, where glibc's defaults
// (KENSA_MALLOC_TUNE=0) trim them and fault them in again; and a big tensor allocated and freed
// in a loop does not pile up freed copies in the heap. Page-fault and RSS counts, not timings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mallocPolicy } from './index.js';

const engine = new URL('./index.js', import.meta.url).href;

interface ChildResult {
  faults: number;
  rssMb: number;
  policy: unknown;
}

/** Runs `round` (an expression over the engine `e`) 10 times after 10 warm-ups in a fresh process (after 2, the
 * first rounds still fault ~600 pages in as the new process's own heaps settle; after 10, ~1). */
function inChild(round: string, env: Record<string, string>): ChildResult {
  const script = `
    const e = await import(${JSON.stringify(engine)});
    const round = () => { ${round}; };
    for (let i = 0; i < 10; i++) round();
    const f0 = process.resourceUsage().minorPageFault;
    for (let i = 0; i < 10; i++) round();
    const faults = (process.resourceUsage().minorPageFault - f0) / 10;
    console.log(JSON.stringify({ faults, rssMb: process.memoryUsage().rss / 2 ** 20, policy: e.mallocPolicy() }));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env: { ...process.env, ...env } });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as ChildResult;
}

const policy = mallocPolicy();
const skip = policy.tuned ? false : `heap policy off here (${policy.reason})`;
const OFF = { KENSA_MALLOC_TUNE: '0' };

test('mallocPolicy reports the thresholds; KENSA_MALLOC_TUNE=0 and malloc GLIBC_TUNABLES turn it off', { skip }, () => {
  assert.deepEqual(policy, { tuned: true, mmapThreshold: 32 * 2 ** 20, trimThreshold: 2 ** 30 });
  assert.deepEqual(inChild('', OFF).policy, { tuned: false, reason: 'KENSA_MALLOC_TUNE=0' });
  assert.deepEqual(inChild('', { GLIBC_TUNABLES: 'glibc.malloc.arena_max=2' }).policy, { tuned: false, reason: 'GLIBC_TUNABLES sets malloc tunables' });
});

// An M1-like step: eight 8 MiB activations ([64, 32, 32, 32] float32) made in one scope and freed
// together at its end: 8 · 2048 = 16 384 pages a round.
const STEP = 'e.tidy(() => { let h = e.ones([64, 32, 32, 32]); for (let i = 0; i < 7; i++) h = h.mul(1.5); })';
const STEP_PAGES = 8 * 2048;

test('a repeated step reuses its freed blocks without page faults; glibc defaults fault them in again', { skip }, (t) => {
  const control = inChild(STEP, OFF);
  // glibc trims the heap top above 2 x its mmap threshold (here 16 MiB after the first 8 MiB
  // free): the 64 MiB a step frees go back to the OS and return as faults
  if (control.faults < STEP_PAGES / 2) {
    t.skip(`glibc defaults fault only ${control.faults} pages a step here (transparent huge pages?)`);
    return;
  }
  const tuned = inChild(STEP, {});
  assert.ok(tuned.faults < STEP_PAGES / 20, `tuned: ${tuned.faults} faults a step, glibc defaults ${control.faults} (${STEP_PAGES} pages)`);
});

test('a 64 MiB tensor allocated and freed in a loop is mmapped as under glibc defaults (no freed copies pile up)', { skip }, () => {
  const BIG = 'e.zeros([16 << 20]).dispose()';
  const control = inChild(BIG, OFF);
  const tuned = inChild(BIG, {});
  // with the mmap threshold at 1 GiB this pattern kept ~7 freed 64 MiB copies (RSS +448 MiB)
  assert.ok(tuned.rssMb < control.rssMb + 64, `RSS ${tuned.rssMb.toFixed(0)} MiB tuned vs ${control.rssMb.toFixed(0)} MiB glibc defaults`);
});
