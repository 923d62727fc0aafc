// State dicts cross between kensa and PyTorch through safetensors files: weights saved by kensa
// load into the same PyTorch model and give the same outputs, and the other way round.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { manualSeed, randn, tidy, noGrad, tensor } from '../engine/index.js';
import { loadSafetensors, saveSafetensors } from '../engine/safetensors.js';
import { Sequential, Conv2d, BatchNorm2d, ReLU, ConvTranspose2d, InstanceNorm2d, LeakyReLU, AdaptiveAvgPool2d, Flatten, Linear } from './index.js';
import { SGD } from '../optim/index.js';
import { assertClose } from '../testing/fixtures.js';
import { runTorchScript, torchSkipReason } from '../testing/python.js';

function makeNet(): Sequential {
  return new Sequential(
    new Conv2d(3, 8, 3, { padding: 1 }), new BatchNorm2d(8), new ReLU(),
    new ConvTranspose2d(8, 4, 2, { stride: 2 }), new InstanceNorm2d(4, { affine: true }), new LeakyReLU(0.2),
    new AdaptiveAvgPool2d(2), new Flatten(), new Linear(16, 5),
  );
}

test('kensa → PyTorch and PyTorch → kensa through safetensors give the same outputs', { skip: torchSkipReason() }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'kensa-st-'));
  const net = makeNet();
  try {
    manualSeed(9);
    const opt = new SGD(net.parameters(), { lr: 0.1 });
    const xb = randn([6, 3, 6, 6]);
    for (let i = 0; i < 3; i++) {
      opt.zeroGrad();
      tidy(() => net.forward(xb).pow(2).mean().backward());
      opt.step();
    }
    net.eval();
    const x = randn([2, 3, 6, 6]);
    net.save(join(dir, 'kensa_model.safetensors'), { producer: 'kensa' });
    saveSafetensors(join(dir, 'kensa_io.safetensors'), new Map([['x', x]]));
    runTorchScript('roundtrip.py', [dir]);
    tidy(() => {
      const yk = noGrad(() => net.forward(x));
      const yt = loadSafetensors(join(dir, 'torch_on_kensa.safetensors')).tensors.get('y')!;
      assertClose(yk, yt, 'PyTorch output with kensa weights');
    });
    // back: PyTorch-trained weights into a fresh kensa model
    const fresh = makeNet();
    fresh.load(join(dir, 'torch_model.safetensors'));
    fresh.eval();
    const io = loadSafetensors(join(dir, 'torch_io.safetensors')).tensors;
    tidy(() => assertClose(noGrad(() => fresh.forward(io.get('x')!)), io.get('y')!, 'kensa output with PyTorch weights'));
    fresh.dispose();
    assert.equal(loadSafetensors(join(dir, 'kensa_model.safetensors')).metadata.producer, 'kensa');
  } finally {
    net.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('safetensors: every dtype round-trips; bad files give one-line errors naming the file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kensa-st-'));
  try {
    const p = join(dir, 'a.safetensors');
    tidy(() => {
      const m = new Map([
        ['f32', tensor([1.5, -2])], ['f64', tensor([0.1], { dtype: 'float64' })], ['i64', tensor([[1, 2]], { dtype: 'int64' })],
        ['u8', tensor([255], { dtype: 'uint8' })], ['b', tensor([true, false])], ['i32', tensor([-7], { dtype: 'int32' })],
        ['empty', tensor(new Float32Array(0), { shape: [0, 3] })],
      ]);
      saveSafetensors(p, m, { note: 'x' });
      const back = loadSafetensors(p);
      for (const [k, t] of m) {
        assert.equal(back.tensors.get(k)!.dtype, t.dtype, k);
        assert.deepEqual(back.tensors.get(k)!.toArray(), t.toArray(), k);
      }
      assert.deepEqual(back.metadata, { note: 'x' });
    });
    assert.deepEqual(readdirSync(dir), ['a.safetensors'], 'no temp files left');
    const bad = join(dir, 'bad.safetensors');
    writeFileSync(bad, 'hello');
    assert.throws(() => loadSafetensors(bad), /bad\.safetensors: not a safetensors file/);
    writeFileSync(bad, Buffer.concat([Buffer.from([10, 0, 0, 0, 0, 0, 0, 0]), Buffer.from('{"a":{"dt')]));
    assert.throws(() => loadSafetensors(bad), /bad\.safetensors: truncated or not safetensors/);
    const good = readFileSync(p);
    writeFileSync(bad, good.subarray(0, good.length - 3));
    assert.throws(() => loadSafetensors(bad), /bad\.safetensors: tensor \w+: data offsets .* do not fit the file/);
    assert.throws(() => loadSafetensors(join(dir, 'missing.safetensors')), /missing\.safetensors: cannot read \(ENOENT\)/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
