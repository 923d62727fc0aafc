import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ema, lineCurves } from './line-curves.js';

test('ema is debiased: a constant series stays constant', () => {
  assert.deepEqual(ema([2, 2, 2], 0.9).map((v) => +v.toFixed(12)), [2, 2, 2]);
  // weight 0.5: s1 = 0.5·1 / (1 − 0.5) = 1; s2 = (0.25 + 1.5) / 0.75 = 2.333…
  assert.deepEqual(ema([1, 3], 0.5).map((v) => +v.toFixed(6)), [1, 2.333333]);
});

test('non-finite values (a diverged loss) are skipped, not drawn', async () => {
  const svg = await lineCurves.render({ series: [{ name: 'train', x: [0, 1, 2], y: [1, NaN, Infinity] }] });
  assert.ok(!svg.includes('NaN'));
});

test('bad input gives clear errors', async () => {
  await assert.rejects(lineCurves.render({ series: [{ name: 'a', x: [1, 2], y: [1] }] }), /series "a" has 2 x values but 1 y values/);
  await assert.rejects(lineCurves.render({ series: [{ name: 'a', x: [], y: [] }, { name: 'a', x: [], y: [] }] }), /name "a" appears twice/);
  await assert.rejects(lineCurves.render({ series: [{ name: 'a', x: [1], y: [1] }] }, { smoothing: 1 }), /smoothing/);
});

test('smoothing draws the faint raw curve plus the smoothed one', async () => {
  const series = [{ name: 'loss', x: [0, 1, 2, 3], y: [4, 1, 3, 0.5] }];
  const plain = await lineCurves.render({ series });
  const smooth = await lineCurves.render({ series }, { smoothing: 0.6 });
  assert.equal((plain.match(/aria-roledescription="line mark"/g) ?? []).length, 1);
  assert.equal((smooth.match(/aria-roledescription="line mark"/g) ?? []).length, 2);
});
