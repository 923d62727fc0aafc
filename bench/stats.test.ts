import { test } from 'node:test';
import assert from 'node:assert/strict';
import { median, quantileSorted, mulberry32, ratioInterval, neighbourPairs, type Pair } from './stats.js';

test('median and linear quantiles', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5); // (2 + 3) / 2
  // position (4 − 1) · 0.5 = 1.5 → 10 + 0.5 · (20 − 10)
  assert.equal(quantileSorted([0, 10, 20, 30], 0.5), 15);
  // position 3 · 0.025 = 0.075 → 0 + 0.075 · 10
  assert.ok(Math.abs(quantileSorted([0, 10, 20, 30], 0.025) - 0.75) < 1e-12);
  assert.throws(() => median([]), RangeError);
});

test('mulberry32 is seeded and uniform in [0, 1)', () => {
  const a = mulberry32(7);
  const b = mulberry32(7);
  const xs = Array.from({ length: 10000 }, () => a());
  assert.deepEqual(xs.slice(0, 5), Array.from({ length: 5 }, () => b()));
  assert.ok(xs.every((x) => x >= 0 && x < 1));
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  assert.ok(Math.abs(mean - 0.5) < 0.01, `mean ${mean}`); // sd of the mean = 0.289 / 100
});

test('ratioInterval: a constant ratio has a zero-width interval at that ratio', () => {
  const blocks: Pair[][] = [0, 1, 2].map((b) => [10, 20, 30].map((t) => ({ kensa: 1.1 * t * (b + 1), torch: t * (b + 1) })));
  const r = ratioInterval(blocks);
  for (const v of [r.ratio, r.low, r.high]) assert.ok(Math.abs(v - 1.1) < 1e-12);
});

test('ratioInterval: three one-pair blocks with ratios 1, 2, 3', () => {
  const blocks: Pair[][] = [[{ kensa: 1, torch: 1 }], [{ kensa: 4, torch: 2 }], [{ kensa: 3, torch: 1 }]];
  const r = ratioInterval(blocks);
  assert.equal(r.ratio, 2);
  // a resample's median is 1 when at least two of its three draws are block 1:
  // 3 · (1/3)² · (2/3) + (1/3)³ = 7/27 ≈ 0.26 > 0.025, so both tails reach the extremes
  assert.equal(r.low, 1);
  assert.equal(r.high, 3);
  assert.deepEqual(ratioInterval(blocks, { seed: 5 }), ratioInterval(blocks, { seed: 5 }));
});

test('ratioInterval: one block resamples its pairs', () => {
  // ratios 1, 2, 3, 4, 5: a resample's median is at most 2 when at least 3 of 5 draws are ≤ 2
  // (p = 2/5): P = Σ_{k≥3} C(5,k) 0.4^k 0.6^(5−k) = 0.317 > 0.025, so the low end reaches 2 or less
  const r = ratioInterval([[1, 2, 3, 4, 5].map((k) => ({ kensa: k, torch: 1 }))]);
  assert.equal(r.ratio, 3);
  assert.ok(r.low <= 2 && r.low >= 1 && r.high >= 4 && r.high <= 5, `${r.low} ${r.high}`);
});

test('ratioInterval: blocks that disagree widen the interval beyond the pairs of one block', () => {
  // each block has its own ratio (load shifted both engines unevenly); within a block pairs agree up to ±1 %
  const rand = mulberry32(3);
  const blocks: Pair[][] = [0.9, 1.0, 1.1, 0.95, 1.05, 1.0].map((r) =>
    Array.from({ length: 8 }, () => ({ kensa: 100 * r * (1 + 0.02 * (rand() - 0.5)), torch: 100 })),
  );
  const byBlock = ratioInterval(blocks);
  const pooled = ratioInterval([blocks.flat()]);
  assert.ok(byBlock.low < byBlock.ratio && byBlock.ratio < byBlock.high);
  assert.ok(byBlock.high - byBlock.low > 2 * (pooled.high - pooled.low), `${byBlock.high - byBlock.low} vs ${pooled.high - pooled.low}`);
});

test('ratioInterval covers the true ratio about 95 % of the time (simulated lognormal steps)', () => {
  const rand = mulberry32(11);
  const normal = (): number => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const truth = 1.2;
  let covered = 0;
  const runs = 200;
  let width = 0;
  for (let run = 0; run < runs; run++) {
    const blocks: Pair[][] = Array.from({ length: 6 }, () => {
      const load = Math.exp(0.2 * normal()); // shared by both engines within a block
      return Array.from({ length: 10 }, () => ({ kensa: 100 * truth * load * Math.exp(0.1 * normal()), torch: 100 * load }));
    });
    const r = ratioInterval(blocks, { resamples: 400, seed: run + 1 });
    if (r.low <= truth && truth <= r.high) covered++;
    width += (r.high - r.low) / runs;
  }
  // binomial sd at p = 0.95, n = 200 is 1.5 %; the two-stage bootstrap is conservative when
  // blocks do not differ (pairs are drawn twice over), so coverage lies between 0.9 and 1
  assert.ok(covered / runs >= 0.9, `coverage ${covered / runs}`);
  // the median of 60 ratios with log-sd 0.1 has sd ≈ 1.25 · 0.1 · 1.2 / √60 ≈ 0.019: a 95 %
  // interval ≈ 4 sd = 0.077 wide, ×√2 for the second stage ≈ 0.11; a single-stage interval ≈ 0.077
  assert.ok(width > 0.06 && width < 0.15, `mean width ${width}`);
});

test('neighbourPairs: a geometric load drift cancels exactly, the adjacent pair keeps one step of it', () => {
  // step s of the block's time sequence costs base · e^(c·s); kensa's base is 1.2 × PyTorch's
  const c = 0.05;
  const cost = (s: number, base: number): number => base * Math.exp(c * s);
  for (const torchFirst of [false, true]) {
    // kensa first: kensa at s = 2i, PyTorch at 2i + 1; PyTorch first: PyTorch at 2i, kensa at 2i + 1
    const block: Pair[] = Array.from({ length: 6 }, (_, i) => ({
      kensa: cost(torchFirst ? 2 * i + 1 : 2 * i, 1.2),
      torch: cost(torchFirst ? 2 * i : 2 * i + 1, 1),
    }));
    const n = neighbourPairs(block, torchFirst);
    // inner steps: 1.2 e^(cs) / √(e^(c(s−1)) e^(c(s+1))) = 1.2
    for (const p of n.slice(1, -1)) assert.ok(Math.abs(p.kensa / p.torch - 1.2) < 1e-12);
    // adjacent pairs: 1.2 e^(∓c) (PyTorch one step later, or one step earlier)
    for (const p of block) assert.ok(Math.abs(p.kensa / p.torch - 1.2 * Math.exp(torchFirst ? c : -c)) < 1e-12);
    // block ends have one neighbour: kensa-first's first step pairs with the PyTorch step after it
    const end = torchFirst ? n[5] : n[0];
    assert.ok(Math.abs(end.kensa / end.torch - 1.2 * Math.exp(torchFirst ? c : -c)) < 1e-12);
  }
  assert.deepEqual(neighbourPairs([{ kensa: 2, torch: 1 }], false), [{ kensa: 2, torch: 1 }]);
});
