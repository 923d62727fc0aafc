// Every CAM method against maps computed by PyTorch on the same weights and images
// (scripts/gen-cam-fixtures.py: the methods written out in plain torch from their papers).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tidy } from '../../engine/index.js';
import { Sequential, Conv2d, BatchNorm2d, ReLU, MaxPool2d, Flatten, Linear } from '../../nn/index.js';
import { assertClose, fixturePath, loadFixture } from '../../testing/fixtures.js';
import { computeCam } from './cam.js';
import { CAM_METHODS } from './registry.js';

/**
 * Maps are in [0, 1], float32 on both sides; measured worst difference 0 (1.2e-7 for Eigen-CAM,
 * whose SVD runs in float64) with the same libtorch, 1e-5 absolute allows other BLAS builds.
 */
const TOL = { atol: 1e-5, rtol: 0 };

function fixtureNet(): Sequential {
  const net = new Sequential(
    new Conv2d(3, 4, 3, { padding: 1 }), new BatchNorm2d(4), new ReLU(),
    new Conv2d(4, 6, 3, { padding: 1 }), new BatchNorm2d(6), new ReLU(),
    new MaxPool2d(2), new Flatten(), new Linear(6 * 4 * 4, 3),
  );
  net.load(fixturePath('cam', 'cnn.safetensors'));
  return net.eval();
}

const TARGETS: Record<string, number[] | undefined> = { pred: undefined, class0: [0, 0], mixed: [2, 0] };

test('CAM fixtures: the network reproduces PyTorch logits', () => {
  const net = fixtureNet();
  const f = loadFixture('cam', 'maps.safetensors');
  tidy(() => assertClose(net.forward(f.get('input')!), f.get('logits')!, 'logits', { atol: 1e-4, rtol: 1e-5 }));
  net.dispose();
  for (const t of f.values()) t.dispose();
});

for (const m of CAM_METHODS) {
  test(`CAM fixtures: ${m.name} equals PyTorch for layers 5, 6 and 2+6, three targets`, () => {
    const net = fixtureNet();
    const f = loadFixture('cam', 'maps.safetensors');
    const x = f.get('input')!;
    let checked = 0;
    for (const layers of [['5'], ['6'], ['2', '6']]) {
      for (const [tname, classes] of Object.entries(TARGETS)) {
        const key = `${m.name}/${layers.join('+')}/${tname}`;
        const expected = f.get(key);
        assert.ok(expected, `fixture ${key} missing: run scripts/gen-cam-fixtures.py`);
        tidy(() => {
          const r = computeCam(net, x, { method: m, layers, target: classes, batchSize: 4 });
          if (classes === undefined) assert.deepEqual(r.classes, [1, 1], 'predicted classes as in PyTorch');
          assertClose(r.maps, expected, key, TOL);
        });
        checked++;
      }
    }
    assert.equal(checked, 9);
    net.dispose();
    for (const t of f.values()) t.dispose();
  });
}
