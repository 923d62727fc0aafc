// Model contracts: shapes, finite outputs, intermediates, input checks, and that each can learn.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { manualSeed, randn, rand, tidy, liveTensors } from '../engine/index.js';
import { F } from '../nn/index.js';
import { Adam } from '../optim/index.js';
import { MiniVgg, UNet, UnsupSegNet } from './index.js';

test('MiniVgg: logits, features, intermediates, too-small input rejected', () => {
  manualSeed(0);
  const net = new MiniVgg({ inChannels: 1, inputSize: 16, widths: [8, 16], denseWidth: 32, numClasses: 4, batchNorm: true });
  tidy(() => {
    const x = randn([3, 1, 16, 16]);
    assert.deepEqual(net.forward(x).shape, [3, 4]);
    const { features, logits } = net.forwardFeatures(x);
    assert.deepEqual(features.shape, [3, 32]);
    assert.deepEqual(logits.shape, [3, 4]);
    const acts = net.forwardIntermediates(x);
    assert.deepEqual(acts.get('features.0')!.shape, [3, 8, 16, 16]);
  });
  assert.throws(() => new MiniVgg({ inputSize: 4, widths: [8, 8, 8] }), /too small/);
  net.dispose();
});

test('UNet: output size, every block activation, divisibility check, no leaked intermediates', () => {
  manualSeed(0);
  const net = new UNet({ inChannels: 1, outChannels: 2, widths: [4, 8, 16] });
  const x = randn([2, 1, 16, 16]);
  const before = liveTensors();
  const y = net.forward(x);
  assert.deepEqual(y.shape, [2, 2, 16, 16]);
  assert.equal(liveTensors() - before, 1, 'forward leaves only its output alive');
  y.dispose();
  const { output, intermediates } = net.forwardIntermediates(x);
  assert.deepEqual([...intermediates.keys()].sort(), ['dec0', 'dec1', 'down0', 'down1', 'down2', 'head']);
  assert.deepEqual(intermediates.get('down2')!.shape, [2, 16, 4, 4]);
  assert.deepEqual(intermediates.get('dec0')!.shape, [2, 4, 16, 16]);
  for (const t of intermediates.values()) t.dispose();
  output.dispose();
  assert.throws(() => tidy(() => net.forward(randn([1, 1, 10, 10]))), /divisible by 4/);
  x.dispose();
  net.dispose();
});

test('UNet learns a thresholding task (loss falls by half in 60 steps)', () => {
  manualSeed(1);
  const net = new UNet({ inChannels: 1, outChannels: 1, widths: [4, 8] });
  const opt = new Adam(net.parameters(), { lr: 0.01 });
  const x = rand([4, 1, 16, 16]);
  const y = tidy(() => x.gt(0.5).float());
  const losses: number[] = [];
  for (let i = 0; i < 60; i++) {
    opt.zeroGrad();
    losses.push(tidy(() => {
      const l = F.binaryCrossEntropyWithLogits(net.forward(x), y);
      l.backward();
      return l.item();
    }));
    opt.step();
  }
  assert.ok(losses[59] < losses[0] / 2, `loss ${losses[0].toFixed(3)} → ${losses[59].toFixed(3)}`);
  [x, y].forEach((t) => t.dispose());
  opt.dispose();
  net.dispose();
});

test('UnsupSegNet: q-channel response at input size', () => {
  manualSeed(0);
  const net = new UnsupSegNet({ channels: 10, nConv: 3 });
  tidy(() => assert.deepEqual(net.forward(rand([1, 3, 12, 9])).shape, [1, 10, 12, 9]));
  assert.equal(net.namedParameters().filter(([n]) => n.endsWith('weight')).length, 8, '4 convs + 4 BN');
  net.dispose();
});
