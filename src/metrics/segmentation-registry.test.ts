// Contract tests generated from the segmentation-metric registry.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LabelMap } from './label-map.js';
import { evaluateSegmentation, segmentationMetric, segmentationMetrics } from './segmentation-registry.js';

// 8x6 image with two annotators: left/right halves, and left/right with the right half cut in two.
const W = 8;
const H = 6;
function build(f: (x: number, y: number) => number): LabelMap {
  const d = new Int32Array(W * H);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) d[y * W + x] = f(x, y);
  return { data: d, width: W, height: H };
}
const gts = [build((x) => (x < 4 ? 1 : 2)), build((x, y) => (x < 4 ? 1 : y < 3 ? 2 : 3))];
const good = build((x) => (x < 4 ? 9 : 4));
const blank = build(() => 0);

for (const m of segmentationMetrics) {
  test(`segmentation contract: ${m.name} is finite and prefers the right split over a blank map`, () => {
    const g = m.compute(good, gts);
    const b = m.compute(blank, gts);
    assert.ok(Number.isFinite(g) && Number.isFinite(b));
    assert.ok(m.higherIsBetter ? g > b : g < b, `${m.name}: good ${g}, blank ${b}`);
    assert.equal(segmentationMetric(m.name), m);
  });
}

test('segmentation registry: unique names, evaluate covers all, unknown name is an error', () => {
  const names = segmentationMetrics.map((m) => m.name);
  assert.equal(new Set(names).size, names.length);
  assert.deepEqual(Object.keys(evaluateSegmentation(good, gts)), names);
  assert.throws(() => segmentationMetric('dice'), /known: miou/);
});
