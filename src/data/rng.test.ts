import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng, hashSeed } from './rng.js';

// Expected values from scripts/transcribe-rng.py, a Python transcription of the published
// xoshiro128** C code, MurmurHash3's fmix32 and the golden-gamma increment, composed the way
// rng.ts seeds: h = mix(seed), s0 = mix(h), s1 = mix(s0), ... with mix(x) = fmix32(x + 0x9e3779b9).
// (That is iterated mixing, not SplitMix's Weyl-counter sequence, which would give
// [939911724, 3948730756, 321366731, 3317318717] for seed 42; the script prints both.)
test('xoshiro128** from state [1,2,3,4] matches the reference sequence', () => {
  const r = Rng.fromState([1, 2, 3, 4]);
  assert.deepEqual(
    Array.from({ length: 6 }, () => r.nextU32()),
    [11520, 0, 5927040, 70819200, 2031721883, 1637235492],
  );
});

test('seed 42: state, first four outputs and first two doubles equal the transcription', () => {
  const r = new Rng(42);
  assert.deepEqual(r.state, [3612297920, 3251192044, 35248278, 478083850]);
  assert.deepEqual(
    Array.from({ length: 4 }, () => r.nextU32()),
    [808763780, 201677515, 21775456, 2093832829],
  );
  const d = new Rng(42);
  assert.deepEqual([d.next(), d.next()], [0.18830499087986874, 0.005069997068557375]);
});

test('same seed gives the same stream; derived streams differ by key', () => {
  const a = Rng.derive(7, 1, 2);
  const b = Rng.derive(7, 1, 2);
  const c = Rng.derive(7, 2, 1);
  const xa = Array.from({ length: 8 }, () => a.next());
  assert.deepEqual(xa, Array.from({ length: 8 }, () => b.next()));
  assert.notDeepEqual(xa, Array.from({ length: 8 }, () => c.next()));
  assert.notEqual(hashSeed(7, 1, 2), hashSeed(7, 2, 1));
});

test('uniform, int and normal have the right moments', () => {
  const r = new Rng(1);
  const n = 100000;
  let s = 0;
  let s2 = 0;
  const counts = new Array(6).fill(0);
  for (let i = 0; i < n; i++) {
    const u = r.next();
    assert.ok(u >= 0 && u < 1);
    counts[r.int(6)]++;
    const z = r.normal();
    s += z;
    s2 += z * z;
  }
  // mean of n standard normals has sd 1/sqrt(n) ≈ 0.003
  assert.ok(Math.abs(s / n) < 0.015, `normal mean ${s / n}`);
  assert.ok(Math.abs(s2 / n - 1) < 0.02, `normal variance ${s2 / n}`);
  // each face expected n/6 ≈ 16667, sd ≈ 118
  for (const c of counts) assert.ok(Math.abs(c - n / 6) < 600, `int(6) counts ${counts}`);
});

test('permutation holds every index once', () => {
  const p = new Rng(3).permutation(100);
  assert.deepEqual([...p].sort((x, y) => x - y), Array.from({ length: 100 }, (_, i) => i));
  assert.throws(() => new Rng(0).int(0), RangeError);
});
