// CAM on a network with hand-set weights (answers worked out below), scale (in)variance of the
// target per method, several layers, and bad layer / target names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { manualSeed, randn, tensor, tidy, liveTensors, type Tensor } from '../../engine/index.js';
import { Sequential, Conv2d, ReLU, AdaptiveAvgPool2d, Flatten, Linear, BatchNorm2d, MaxPool2d } from '../../nn/index.js';
import { computeCam } from './cam.js';
import { CAM_METHODS } from './registry.js';
import { classTarget } from './targets.js';

/**
 * conv 2×2 stride 2 (channel 1 = block mean, channel 2 = −block mean), ReLU, global mean pool,
 * linear W = [[2, −1], [0, 1]], no biases. The 4×4 input has constant 2×2 blocks with values
 * [[1, 2], [3, −4]], so at the ReLU (layer '1'):
 *   A1 = [[1, 2], [3, 0]], A2 = [[0, 0], [0, 4]]; pooled p = (6/4, 4/4) = (1.5, 1); y = (2·1.5 − 1, 1) = (2, 1).
 * Class 0: dy0/dA1 = 2/4 = 0.5, dy0/dA2 = −1/4 everywhere, so Grad-CAM weights (0.5, −0.25) and
 *   map = 0.5·A1 − 0.25·A2 = [[0.5, 1], [1.5, −1]] → ReLU [[0.5, 1], [1.5, 0]].
 * Bilinear 2 → 4 (align_corners false) maps a row [a, b] to [a, .75a + .25b, .25a + .75b, b]:
 *   rows [.5, .625, .875, 1], [.75, .75, .75, .75], [1.25, 1, .5, .25], [1.5, 1.125, .375, 0];
 *   min 0, max 1.5, so the map is those values / 1.5.
 * Class 1: weights (0, 0.25), map = 0.25·A2 = [[0, 0], [0, 1]] → rows 0, [0, 1/16, 3/16, 1/4],
 *   [0, 3/16, 9/16, 3/4], [0, 1/4, 3/4, 1] (max 1).
 * The gradients are constant over the map, so HiResCAM, LayerCAM and XGrad-CAM (w = Σ g·A / Σ A)
 * give the same maps; Grad-CAM++ keeps only channel 1 (α = .25 / (2·.25 + 6·.125) = 0.2 on its
 * positive gradient) for class 0, which is proportional to A1, i.e. the same map again.
 */
function handNet(): Sequential {
  const net = new Sequential(new Conv2d(1, 2, 2, { stride: 2, bias: false }), new ReLU(), new AdaptiveAvgPool2d(1), new Flatten(), new Linear(2, 2, false));
  const q = 0.25;
  net.loadStateDict(
    new Map([
      ['0.weight', tensor([[[[q, q], [q, q]]], [[[-q, -q], [-q, -q]]]])],
      ['4.weight', tensor([[2, -1], [0, 1]])],
    ]),
  );
  return net;
}

function handInput(): Tensor {
  const b = [[1, 2], [3, -4]];
  return tensor([[Array.from({ length: 4 }, (_, y) => Array.from({ length: 4 }, (_, x) => b[y >> 1][x >> 1]))]]);
}

const CLASS0 = [[0.5, 0.625, 0.875, 1], [0.75, 0.75, 0.75, 0.75], [1.25, 1, 0.5, 0.25], [1.5, 1.125, 0.375, 0]].map((r) => r.map((v) => v / 1.5));
const CLASS1 = [[0, 0, 0, 0], [0, 1 / 16, 3 / 16, 1 / 4], [0, 3 / 16, 9 / 16, 3 / 4], [0, 1 / 4, 3 / 4, 1]];

function assertMap(actual: Tensor, expected: number[][], what: string, tol = 1e-6): void {
  const a = actual.data() as Float32Array;
  const e = expected.flat();
  assert.equal(a.length, e.length, what);
  e.forEach((v, i) => assert.ok(Math.abs(a[i] - v) <= tol, `${what}: pixel ${i} is ${a[i]}, expected ${v}`));
}

test('Grad-CAM on a hand-set network equals the map worked out on paper', () => {
  const net = handNet();
  const x = handInput();
  const before = liveTensors();
  tidy(() => {
    const r = computeCam(net, x, { method: 'gradcam', layers: '1' });
    assert.deepEqual(r.classes, [0], 'predicted class is 0 (y = (2, 1))');
    assert.deepEqual(Array.from(r.output.data() as Float32Array), [2, 1]);
    assert.deepEqual(r.maps.shape, [1, 4, 4]);
    assertMap(r.maps, CLASS0, 'class 0');
    assertMap(computeCam(net, x, { method: 'gradcam', layers: '1', target: 1 }).maps, CLASS1, 'class 1');
  });
  assert.equal(liveTensors(), before, 'no tensor leaks');
  for (const name of ['hirescam', 'layercam', 'xgradcam', 'gradcam++']) {
    tidy(() => assertMap(computeCam(net, x, { method: name, layers: '1', target: 0 }).maps, CLASS0, `${name} class 0`, 1e-5));
  }
  for (const name of ['hirescam', 'layercam', 'xgradcam']) {
    tidy(() => assertMap(computeCam(net, x, { method: name, layers: '1', target: [1] }).maps, CLASS1, `${name} class 1`, 1e-5));
  }
  x.dispose();
  net.dispose();
});

function randomNet(): Sequential {
  manualSeed(3);
  const net = new Sequential(
    new Conv2d(3, 5, 3, { padding: 1 }), new BatchNorm2d(5), new ReLU(),
    new Conv2d(5, 6, 3, { padding: 1 }), new ReLU(), new MaxPool2d(2), new Flatten(), new Linear(6 * 5 * 5, 4),
  );
  return net;
}

test('scale invariance: the methods that claim it give the same map for 7·score and 0.01·score; the others do change', () => {
  const net = randomNet();
  manualSeed(11);
  const x = randn([2, 3, 10, 10]);
  for (const m of CAM_METHODS) {
    tidy(() => {
      const base = computeCam(net, x, { method: m, layers: ['4'], target: classTarget([2, 1]) }).maps;
      let worst = 0;
      for (const c of [7, 0.01]) {
        const scaled = computeCam(net, x, { method: m, layers: ['4'], target: (o, img) => classTarget([2, 1])(o, img).mul(c) }).maps;
        worst = Math.max(worst, scaled.sub(base).abs().max().item());
      }
      if (m.scaleInvariant) assert.ok(worst < 1e-4, `${m.name}: maps differ by ${worst} under a scaled target`);
      else assert.ok(worst > 1e-3, `${m.name}: claims no scale invariance but the maps differ by only ${worst}`);
    });
  }
  x.dispose();
  net.dispose();
});

test('several layers: the mean of the per-layer maps, normalised again; training mode is restored', () => {
  const net = randomNet();
  manualSeed(5);
  const x = randn([1, 3, 10, 10]);
  tidy(() => {
    const a = computeCam(net, x, { layers: '2', target: 0 }).maps;
    const b = computeCam(net, x, { layers: '5', target: 0 }).maps;
    const both = computeCam(net, x, { layers: ['2', '5'], target: 0 }).maps;
    const mean = a.add(b).div(2);
    const lo = mean.min().item();
    const hi = mean.max().item();
    const expected = mean.sub(lo).div(hi - lo);
    assert.ok(both.sub(expected).abs().max().item() < 1e-5);
  });
  assert.equal(net.training, true, 'the network was in training mode before and is again');
  x.dispose();
  net.dispose();
});

test('bad layer names, non-map layers and target lists give one-line errors', () => {
  const net = randomNet();
  const x = randn([2, 3, 10, 10]);
  const before = liveTensors();
  assert.throws(() => computeCam(net, x, { layers: 'features.9' }), /layer: Sequential has no layer 'features.9' \(layers: 0, 1, 2/);
  assert.throws(() => computeCam(net, x, { layers: '7' }), /layer: '7' gives a \[2,4\] tensor, not a \[N,C,H,W\] feature map/);
  assert.throws(() => computeCam(net, x, { layers: ['2', '2'] }), /named twice/);
  assert.throws(() => computeCam(net, x, { layers: '2', target: [0] }), /target: 1 classes for 2 images/);
  assert.throws(() => computeCam(net, x, { layers: '2', target: 9 }), /target: class 9 does not exist: the network has 4 outputs/);
  assert.throws(() => computeCam(net, x, { layers: '2', method: 'gradcam+' }), /method: unknown CAM method 'gradcam\+' \(choose from gradcam, gradcam\+\+/);
  assert.equal(liveTensors(), before, 'failures release what they made');
  assert.equal(Object.prototype.hasOwnProperty.call(net.at(7), 'forward'), false, 'hooks removed after a failure');
  x.dispose();
  net.dispose();
});
