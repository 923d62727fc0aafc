// The label-free estimate on hand-made layer scores: the mean output-guided unit SA of the named
// layers, and 0 for an empty output (where units that also find nothing would score 1).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { labelFreeEstimate } from './summary.js';

const score = (unitSA: number[]) => ({ layerSA: 0, unitSA: Float64Array.from(unitSA) });
const layers = [
  { name: 'dec1', channels: 2, output: score([0.2, 0.6]) },
  { name: 'dec0', channels: 2, output: score([1, 0.4]) },
  { name: 'head', channels: 1, output: score([0.9]) },
];

test('labelFreeEstimate: mean unit SA of the named layers; 0 for an empty output; unknown layers refused', () => {
  const found = { layers, outputMask: Uint8Array.from([0, 1, 0]) };
  assert.ok(Math.abs(labelFreeEstimate(found, ['dec1', 'dec0']) - 0.55) < 1e-12);
  assert.ok(Math.abs(labelFreeEstimate(found, ['head']) - 0.9) < 1e-12);
  // the same unit scores on an output that marks nothing: no object to vouch for
  assert.equal(labelFreeEstimate({ layers, outputMask: new Uint8Array(3) }, ['dec1', 'dec0']), 0);
  assert.throws(() => labelFreeEstimate(found, ['down9']), /--estimate-layers: none of down9 was analysed/);
});
