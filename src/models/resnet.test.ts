// ResNet: torchvision's resnet18 parameter count and names, shapes of features and every stage,
// options (width, input channels, small stem), no leaked intermediates, learns a toy task.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { manualSeed, randn, tensor, tidy, liveTensors } from '../engine/index.js';
import { F } from '../nn/index.js';
import { Adam } from '../optim/index.js';
import { ResNet } from './index.js';

test('ResNet-18 defaults: torchvision resnet18 parameter count (11 689 512) and state-dict names', () => {
  const net = new ResNet({ numClasses: 1000 });
  assert.equal(net.parameterCount(), 11689512);
  const names = [...net.stateDict().keys()];
  for (const n of ['conv1.weight', 'bn1.running_var', 'layer1.0.conv1.weight', 'layer2.0.downsample.0.weight', 'layer4.1.bn2.bias', 'fc.weight']) {
    assert.ok(names.includes(n), `has ${n}`);
  }
  net.dispose();
});

test('ResNet: width, input channels, small stem; features and every stage; nothing leaked', () => {
  manualSeed(0);
  const net = new ResNet({ inChannels: 1, width: 4, stem: 'small' });
  assert.equal(net.featureSize, 32);
  const x = randn([2, 1, 32, 32]);
  const before = liveTensors();
  const f = net.forwardFeaturesOnly(x);
  assert.deepEqual(f.shape, [2, 32]);
  assert.equal(liveTensors() - before, 1, 'only the features stay alive');
  f.dispose();
  const acts = net.forwardIntermediates(x);
  assert.deepEqual([...acts.keys()], ['stem', 'layer1', 'layer2', 'layer3', 'layer4', 'features']);
  assert.deepEqual(acts.get('stem')!.shape, [2, 4, 32, 32]);
  assert.deepEqual(acts.get('layer2')!.shape, [2, 8, 16, 16]);
  assert.deepEqual(acts.get('layer4')!.shape, [2, 32, 4, 4]);
  for (const t of acts.values()) t.dispose();
  const big = new ResNet({ inChannels: 3, width: 8 });
  tidy(() => assert.deepEqual(big.forwardIntermediates(randn([1, 3, 64, 64])).get('layer1')!.shape, [1, 8, 16, 16]));
  assert.throws(() => net.forwardFeatures(x), /no logits/);
  assert.throws(() => new ResNet({ width: 0 }), /width/);
  x.dispose();
  net.dispose();
  big.dispose();
});

test('ResNet: a tiny one learns bright vs dark images', () => {
  manualSeed(1);
  const net = new ResNet({ inChannels: 1, width: 4, blocks: [1, 1], stem: 'small', numClasses: 2 });
  const opt = new Adam(net.parameters(), { lr: 1e-2 });
  const x = tidy(() => randn([16, 1, 8, 8]).add(tensor([...Array(8).fill(-1), ...Array(8).fill(1)]).view([16, 1, 1, 1])));
  const y = tensor([...Array(8).fill(0), ...Array(8).fill(1)], { dtype: 'int64' });
  let last = Infinity;
  for (let i = 0; i < 30; i++) {
    opt.zeroGrad();
    last = tidy(() => {
      const l = F.crossEntropy(net.forward(x), y);
      l.backward();
      return l.item();
    });
    opt.step();
  }
  assert.ok(last < 0.2, `loss ${last}`);
  opt.dispose();
  net.dispose();
  x.dispose();
  y.dispose();
});
