// Contract over the registry: every method gives [N,H,W] maps in [0, 1] with no NaN, the same
// maps twice, leaks nothing, and works on the default layer of MiniVgg and ResNet.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { manualSeed, randn, tidy, liveTensors } from '../../engine/index.js';
import { MiniVgg, ResNet } from '../../models/index.js';
import { Sequential, Conv2d, ReLU, AdaptiveAvgPool2d, Flatten, Linear } from '../../nn/index.js';
import { computeCam } from './cam.js';
import { defaultCamLayer } from './default-layer.js';
import { CAM_METHODS, CAM_METHOD_NAMES, CAM_CONTROLS, CAM_CHOICES, camMethod } from './registry.js';
import { RandomMap } from './random-map.js';

test('registry: unique names, each resolves to itself, and every method says what it needs', () => {
  assert.equal(new Set(CAM_METHOD_NAMES).size, CAM_METHODS.length);
  assert.deepEqual(CAM_METHOD_NAMES, ['gradcam', 'gradcam++', 'xgradcam', 'hirescam', 'layercam', 'scorecam', 'eigencam']);
  for (const m of CAM_METHODS) {
    assert.equal(camMethod(m.name), m);
    assert.ok(m.title.length > 0 && /^(arXiv:|doi:)/.test(m.reference), m.name);
  }
  assert.deepEqual(CAM_CHOICES, [...CAM_METHOD_NAMES, 'random']);
  assert.equal(camMethod('random'), CAM_CONTROLS[0]);
  assert.throws(() => camMethod('grad-cam'), /unknown CAM method 'grad-cam' \(choose from gradcam, .*, random\)/);
});

test('random control: a map per image seeded by its content (same in any batch), blind to the network', () => {
  manualSeed(3);
  const a = new MiniVgg({ inChannels: 1, inputSize: 16, widths: [4, 8], denseWidth: 0, numClasses: 2 });
  const b = new MiniVgg({ inChannels: 1, inputSize: 16, widths: [4, 8], denseWidth: 0, numClasses: 2 });
  const x = randn([3, 1, 16, 16]);
  const before = liveTensors();
  try {
    tidy(() => {
      const m = new RandomMap();
      const layers = [defaultCamLayer(a)];
      const all = computeCam(a, x, { method: m, layers }).maps;
      const other = computeCam(b, x, { method: m, layers }).maps; // other weights, same images
      const last = computeCam(a, x.narrow(0, 2, 1), { method: m, layers }).maps; // image 2 alone
      assert.deepEqual(Array.from(other.data() as Float32Array), Array.from(all.data() as Float32Array), 'the network does not matter');
      assert.deepEqual(Array.from(last.data() as Float32Array), Array.from(all.select(0, 2).data() as Float32Array), 'the batch does not matter');
      const d = all.data() as Float32Array;
      const n = 16 * 16;
      let same = 0;
      for (let p = 0; p < n; p++) if (d[p] === d[n + p]) same++;
      assert.ok(same < n / 4, `two images share ${same} of ${n} values`);
    });
    assert.equal(liveTensors(), before, 'no tensor leaks');
  } finally {
    x.dispose();
    a.dispose();
    b.dispose();
  }
});

test('default layers: the last conv block of MiniVgg and ResNet, the last Conv2d otherwise', () => {
  const vgg = new MiniVgg({ inChannels: 1, inputSize: 16, widths: [4, 8], denseWidth: 0, numClasses: 2 });
  const vggBn = new MiniVgg({ inChannels: 1, inputSize: 16, widths: [4, 8], denseWidth: 0, numClasses: 2, batchNorm: true });
  const res = new ResNet({ inChannels: 1, width: 4, numClasses: 2, stem: 'small' });
  const res3 = new ResNet({ inChannels: 1, width: 4, blocks: [1, 3], numClasses: 2, stem: 'small' });
  const plain = new Sequential(new Conv2d(1, 2, 3), new ReLU(), new Conv2d(2, 3, 3), new AdaptiveAvgPool2d(1), new Flatten(), new Linear(3, 2));
  try {
    assert.equal(defaultCamLayer(vgg), 'features.8'); // conv relu conv relu pool conv relu conv [relu] pool
    assert.equal(defaultCamLayer(vggBn), 'features.12');
    assert.equal(defaultCamLayer(res), 'layer4.1');
    assert.equal(defaultCamLayer(res3), 'layer2.2');
    assert.equal(defaultCamLayer(plain), '2');
    assert.throws(() => defaultCamLayer(new Sequential(new Flatten(), new Linear(4, 2))), /layer: Sequential has no Conv2d layer/);
  } finally {
    for (const n of [vgg, vggBn, res, res3, plain]) n.dispose();
  }
});

const NETS = [
  { name: 'MiniVgg', make: () => new MiniVgg({ inChannels: 3, inputSize: 16, widths: [4, 8], denseWidth: 8, numClasses: 3, batchNorm: true }), size: 16 },
  { name: 'ResNet', make: () => new ResNet({ inChannels: 3, width: 4, blocks: [1, 1], numClasses: 3, stem: 'small' }), size: 12 },
];

for (const spec of NETS) {
  for (const m of [...CAM_METHODS, ...CAM_CONTROLS]) {
    test(`contract: ${m.name} on ${spec.name} (default layer, and two layers)`, () => {
      manualSeed(1);
      const net = spec.make();
      const x = randn([2, 3, spec.size, spec.size]);
      const before = liveTensors();
      try {
        const layer = defaultCamLayer(net);
        for (const layers of [[layer], spec.name === 'MiniVgg' ? ['features.2', layer] : ['layer1.0.conv2', layer]]) {
          tidy(() => {
            const a = computeCam(net, x, { method: m, layers, batchSize: 3 });
            const b = computeCam(net, x, { method: m, layers, batchSize: 3 });
            assert.deepEqual(a.maps.shape, [2, spec.size, spec.size]);
            const d = a.maps.data() as Float32Array;
            assert.ok(d.every((v) => Number.isFinite(v) && v >= 0 && v <= 1), `${m.name}: values in [0, 1], no NaN`);
            for (let i = 0; i < 2; i++) {
              const top = a.maps.select(0, i).max().item();
              assert.ok(top === 0 || Math.abs(top - 1) < 1e-6, `${m.name}: image ${i} is min-max scaled (max ${top}) or all 0`);
            }
            assert.deepEqual(Array.from(b.maps.data() as Float32Array), Array.from(d), `${m.name}: same output twice`);
          });
        }
        assert.equal(liveTensors(), before, 'no tensor leaks');
      } finally {
        x.dispose();
        net.dispose();
      }
    });
  }
}
