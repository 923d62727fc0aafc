import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OptionError } from '../util/errors.js';
import { connectedComponents } from './connected-components.js';
import { loadMetricFixture } from './fixture-loader.js';

interface Case { width: number; height: number; labels: number[]; four: number[]; eight: number[] }

test('connected components: hand-computed checkerboard', () => {
  // [1 0 1 / 0 1 0 / 1 0 1]: no two equal labels share an edge -> 9 components with 4-connectivity;
  // with 8-connectivity the 1s join along diagonals, and so do the four 0s -> 2 components.
  const map = { data: Uint8Array.from([1, 0, 1, 0, 1, 0, 1, 0, 1]), width: 3, height: 3 };
  const four = connectedComponents(map);
  assert.equal(four.count, 9);
  assert.deepEqual([...four.map.data], [0, 1, 2, 3, 4, 5, 6, 7, 8]);
  const eight = connectedComponents(map, { connectivity: 8 });
  assert.equal(eight.count, 2);
  assert.deepEqual([...eight.map.data], [0, 1, 0, 1, 0, 1, 0, 1, 0]);
  // A U shape joins through its bottom row: [0 1 0 / 0 1 0 / 0 0 0] -> the 0s form one piece.
  const u = connectedComponents({ data: Int32Array.from([0, 1, 0, 0, 1, 0, 0, 0, 0]), width: 3, height: 3 });
  assert.deepEqual([...u.map.data], [0, 1, 0, 0, 1, 0, 0, 0, 0]);
});

test('connected components: agree with skimage.measure.label (connectivity 1 and 2)', () => {
  const { components } = loadMetricFixture<{ components: Case[] }>('segmentation.json');
  for (const c of components) {
    const m = { data: Int32Array.from(c.labels), width: c.width, height: c.height };
    assert.deepEqual([...connectedComponents(m, { connectivity: 4 }).map.data], c.four);
    assert.deepEqual([...connectedComponents(m, { connectivity: 8 }).map.data], c.eight);
  }
});

test('connected components: bad connectivity is an option error', () => {
  const m = { data: new Int32Array(4), width: 2, height: 2 };
  assert.throws(() => connectedComponents(m, { connectivity: 6 as 4 }), OptionError);
});
