// The addon's BLAS thread policy (native/src/addon.cc, "BLAS thread policy"): at load OpenBLAS is
// set to one thread, so its own pool does not compete with libtorch's OpenMP threads, unless the
// user chose (OPENBLAS_NUM_THREADS / GOTO_NUM_THREADS, or KENSA_BLAS_THREADS). The thread counts
// are read back from OpenBLAS itself (openblas_get_num_threads), each case in a fresh process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { blasPolicy, type BlasPolicy } from './index.js';

const engine = new URL('./index.js', import.meta.url).href;

function inChild(env: Record<string, string | undefined>): BlasPolicy {
  const script = `const e = await import(${JSON.stringify(engine)}); console.log(JSON.stringify(e.blasPolicy()));`;
  const childEnv: Record<string, string | undefined> = { ...process.env };
  for (const k of ['OPENBLAS_NUM_THREADS', 'GOTO_NUM_THREADS', 'KENSA_BLAS_THREADS']) delete childEnv[k];
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env: { ...childEnv, ...env } });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as BlasPolicy;
}

// OpenBLAS caps a count from its environment at the number of cores when it starts
const TWO = Math.min(2, availableParallelism());

const here = blasPolicy();
const skip = here.openblas ? false : `no OpenBLAS in this libtorch (${here.reason ?? 'not found'})`;

test('blasPolicy: OpenBLAS set to 1 thread by default; the user\'s OPENBLAS_NUM_THREADS / GOTO_NUM_THREADS left alone', { skip }, () => {
  assert.deepEqual(inChild({}), { openblas: true, set: true, threads: 1 });
  assert.deepEqual(inChild({ OPENBLAS_NUM_THREADS: '2' }), { openblas: true, set: false, threads: TWO, reason: 'OPENBLAS_NUM_THREADS or GOTO_NUM_THREADS is set' });
  assert.deepEqual(inChild({ GOTO_NUM_THREADS: '2' }), { openblas: true, set: false, threads: TWO, reason: 'OPENBLAS_NUM_THREADS or GOTO_NUM_THREADS is set' });
});

test('blasPolicy: KENSA_BLAS_THREADS=N sets N (over OPENBLAS_NUM_THREADS), 0 leaves OpenBLAS as it is, a bad value is named', { skip }, () => {
  assert.deepEqual(inChild({ KENSA_BLAS_THREADS: '3' }), { openblas: true, set: true, threads: 3 });
  assert.deepEqual(inChild({ KENSA_BLAS_THREADS: '1', OPENBLAS_NUM_THREADS: '2' }), { openblas: true, set: true, threads: 1 });
  assert.deepEqual(inChild({ KENSA_BLAS_THREADS: '0', OPENBLAS_NUM_THREADS: '2' }), { openblas: true, set: false, threads: TWO, reason: 'KENSA_BLAS_THREADS=0' });
  for (const bad of ['x', '-1', '2.5']) {
    const p = inChild({ KENSA_BLAS_THREADS: bad, OPENBLAS_NUM_THREADS: '2' });
    assert.deepEqual(p, { openblas: true, set: false, threads: TWO, reason: 'KENSA_BLAS_THREADS is not a thread count (left as it is)' }, bad);
  }
});
