// Module plumbing: names, train/eval, parameter counts, devices, intermediates, layer contracts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { manualSeed, randn, tidy, liveTensors, ones } from '../engine/index.js';
import {
  Sequential, Conv2d, BatchNorm2d, ReLU, MaxPool2d, Flatten, Linear, Dropout, Identity, Upsample, AvgPool2d,
  AdaptiveAvgPool2d, LeakyReLU, Sigmoid, Tanh, ConvTranspose2d, InstanceNorm2d, type TensorModule,
} from './index.js';

test('Sequential names children like PyTorch and counts parameters', () => {
  const net = new Sequential(new Conv2d(1, 2, 3), new BatchNorm2d(2), new ReLU(), new Flatten(), new Linear(8, 3));
  try {
    assert.deepEqual([...net.stateDict().keys()], [
      '0.weight', '0.bias', '1.weight', '1.bias', '4.weight', '4.bias', '1.running_mean', '1.running_var', '1.num_batches_tracked',
    ]);
    // conv 2·1·3·3 + 2, bn 2 + 2, linear 3·8 + 3 = 20 + 4 + 27
    assert.equal(net.parameterCount(), 51);
    assert.equal(net.parameters().every((p) => p.requiresGrad), true);
    net.eval();
    assert.equal(net.at(1).training, false);
    net.train();
    assert.equal(net.at(1).training, true);
    assert.match(net.summary(), /1: BatchNorm2d \(4 params\)/);
  } finally {
    net.dispose();
  }
});

test('forwardIntermediates returns every child output and releases the rest', () => {
  manualSeed(0);
  const net = new Sequential(new Conv2d(1, 2, 3, { padding: 1 }), new ReLU(), new MaxPool2d(2));
  const x = randn([1, 1, 4, 4]);
  const before = liveTensors();
  const { output, intermediates } = net.forwardIntermediates(x, ['0', '2']);
  assert.deepEqual([...intermediates.keys()], ['0', '2']);
  assert.deepEqual(intermediates.get('2')!.shape, [1, 2, 2, 2]);
  assert.deepEqual(output.shape, [1, 2, 2, 2]);
  assert.equal(liveTensors() - before, 3, 'output + two kept intermediates');
  [output, ...intermediates.values(), x].forEach((t) => t.dispose());
  net.dispose();
});

test('dropout is active in training and identity in eval', () => {
  tidy(() => {
    const d = new Dropout(0.5);
    const x = ones([1000]);
    const train = d.forward(x);
    const zeros = train.eq(0).sum().item();
    assert.ok(zeros > 400 && zeros < 600, `about half dropped (${zeros})`);
    assert.equal(train.max().item(), 2, 'survivors scaled by 1/(1-p)');
    d.eval();
    assert.equal(d.forward(x).sum().item(), 1000);
  });
});

// Contract tests over every layer: output shape, finite values, same output under the same seed.
const LAYERS: [string, () => TensorModule, number[], number[]][] = [
  ['Conv2d', () => new Conv2d(3, 4, 3, { stride: 2, padding: 1 }), [2, 3, 8, 8], [2, 4, 4, 4]],
  ['ConvTranspose2d', () => new ConvTranspose2d(3, 2, 2, { stride: 2 }), [1, 3, 4, 4], [1, 2, 8, 8]],
  ['Linear', () => new Linear(5, 2), [3, 5], [3, 2]],
  ['BatchNorm2d', () => new BatchNorm2d(3), [2, 3, 4, 4], [2, 3, 4, 4]],
  ['InstanceNorm2d', () => new InstanceNorm2d(3), [2, 3, 4, 4], [2, 3, 4, 4]],
  ['ReLU', () => new ReLU(), [2, 3], [2, 3]],
  ['LeakyReLU', () => new LeakyReLU(0.2), [2, 3], [2, 3]],
  ['Sigmoid', () => new Sigmoid(), [2, 3], [2, 3]],
  ['Tanh', () => new Tanh(), [2, 3], [2, 3]],
  ['Dropout', () => new Dropout(0.3), [2, 3], [2, 3]],
  ['MaxPool2d', () => new MaxPool2d(2), [1, 2, 6, 6], [1, 2, 3, 3]],
  ['AvgPool2d', () => new AvgPool2d(3, { stride: 1, padding: 1 }), [1, 2, 5, 5], [1, 2, 5, 5]],
  ['AdaptiveAvgPool2d', () => new AdaptiveAvgPool2d(1), [2, 3, 5, 7], [2, 3, 1, 1]],
  ['Upsample', () => new Upsample({ scaleFactor: 2, mode: 'bilinear' }), [1, 1, 3, 3], [1, 1, 6, 6]],
  ['Identity', () => new Identity(), [2, 2], [2, 2]],
  ['Flatten', () => new Flatten(), [2, 3, 4], [2, 12]],
];

for (const [name, make, inShape, outShape] of LAYERS) {
  test(`layer contract: ${name} (shape, finite, seeded determinism, no leaks)`, () => {
    const run = (): number[] =>
      tidy(() => {
        manualSeed(123);
        const m = make();
        const x = randn(inShape);
        const y = m.forward(x);
        assert.deepEqual(y.shape, outShape);
        assert.equal(y.isfinite().all().item(), 1);
        const out = Array.from(y.data() as Float32Array);
        m.dispose();
        return out;
      });
    const before = liveTensors();
    assert.deepEqual(run(), run());
    assert.equal(liveTensors(), before);
  });
}
