// Layers against PyTorch: seeded default initialisation, forward, input and parameter gradients,
// and batch-norm running statistics.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { manualSeed, tidy, grad, type Tensor } from '../engine/index.js';
import { BatchNorm2d, Conv2d, Conv3d, ConvTranspose2d, InstanceNorm2d, Linear, Module, type TensorModule } from './index.js';
import { assertClose, loadFixture } from '../testing/fixtures.js';

const fx = loadFixture('engine', 'layers.safetensors');

// Same order as layer_fixtures() in scripts/gen-fixtures.py (seed 100 + position).
const LAYERS: [string, () => TensorModule][] = [
  ['conv', () => new Conv2d(3, 5, 3, { stride: 2, padding: 1 })],
  ['conv_nobias_groups', () => new Conv2d(4, 6, [3, 1], { padding: [1, 0], groups: 2, bias: false })],
  ['conv_reflect', () => new Conv2d(2, 3, 3, { padding: 1, paddingMode: 'reflect' })],
  ['convT', () => new ConvTranspose2d(3, 4, 2, { stride: 2 })],
  ['convT_pad', () => new ConvTranspose2d(3, 2, 3, { stride: 2, padding: 1, outputPadding: 1 })],
  ['linear', () => new Linear(7, 3)],
  ['bn', () => new BatchNorm2d(3)],
  ['inorm', () => new InstanceNorm2d(3)],
  ['inorm_affine', () => new InstanceNorm2d(3, { affine: true })],
  ['conv3d', () => new Conv3d(2, 3, 3, { padding: 1 })],
];

LAYERS.forEach(([name, make], i) => {
  test(`layer ${name}: seeded init, forward and gradients match PyTorch`, () => {
    manualSeed(100 + i);
    const m = make();
    try {
      const state = (m as Module).stateDict();
      const expectedKeys = [...fx.keys()].filter((k) => k.startsWith(`${name}/init/`)).map((k) => k.slice(`${name}/init/`.length));
      assert.deepEqual([...state.keys()].sort(), expectedKeys.sort(), 'state dict keys');
      for (const [k, t] of state) assertClose(t, fx.get(`${name}/init/${k}`)!, `${name} init ${k}`, { atol: 0, rtol: 0 });
      tidy(() => {
        const x = fx.get(`${name}/x`)!.clone().requiresGrad_();
        const y = m.forward(x);
        assertClose(y, fx.get(`${name}/y`)!, `${name} forward`);
        const params = (m as Module).namedParameters();
        const gs = grad(y.mul(fx.get(`${name}/w`)!).sum(), [x, ...params.map(([, p]) => p)]);
        assertClose(gs[0]!, fx.get(`${name}/xgrad`)!, `${name} input grad`, { atol: 1e-4 });
        params.forEach(([k], j) => assertClose(gs[j + 1]!, fx.get(`${name}/grad/${k}`)!, `${name} grad ${k}`, { atol: 1e-4 }));
        for (const [k, t] of (m as Module).stateDict()) assertClose(t, fx.get(`${name}/after/${k}`)!, `${name} state after ${k}`);
        if (name === 'bn') {
          m.train(false);
          assertClose(m.forward(x), fx.get('bn/y_eval')!, 'bn eval forward');
        }
      });
    } finally {
      (m as Module).dispose();
    }
  });
});

test('loadStateDict rejects wrong shapes and unknown keys with a clear message', () => {
  const m = new Linear(3, 2);
  const other = new Linear(4, 2);
  try {
    assert.throws(() => m.loadStateDict(other.stateDict()), /weight has shape \[2x3\] here but \[2x4\]/);
    const extra = new Map<string, Tensor>([...m.stateDict(), ['foo', m.weight]]);
    assert.throws(() => m.loadStateDict(extra), /unexpected keys \[foo\]/);
    assert.deepEqual(m.loadStateDict(extra, { strict: false }).unexpected, ['foo']);
  } finally {
    m.dispose();
    other.dispose();
  }
});
