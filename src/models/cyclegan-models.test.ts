// CycleGAN's networks: parameter counts and names of the reference layout, output shapes at 128²
// and 256² with both upsampling modes, N(0, 0.02) initialisation, a resize-conv generator's forward
// pass and input gradient against PyTorch, and input checks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { grad, manualSeed, randn, tidy, liveTensors } from '../engine/index.js';
import { assertClose, loadFixture, loadJsonFixture } from '../testing/fixtures.js';
import { CycleGanGenerator, PatchDiscriminator, patchSize, UPSAMPLE_MODES } from './index.js';

const fx = loadFixture('cyclegan', 'cyclegan.safetensors');
const meta = loadJsonFixture<{ parameterCounts: Record<string, number> }>('cyclegan', 'cyclegan.json');

test('parameter counts equal the reference networks built in PyTorch (11,378,179 for the 3-channel 9-block generator)', () => {
  const c = meta.parameterCounts;
  // 3-channel counts: the reference prints 11.378 M (G) and 2.765 M (D)
  const cases: [() => { parameterCount(): number; dispose(): void }, number][] = [
    [() => new CycleGanGenerator({ inChannels: 3, outChannels: 3, ngf: 64, blocks: 9, initStd: 0 }), c.generator_3ch_ngf64_9blocks],
    [() => new CycleGanGenerator({ ngf: 64, blocks: 6, initStd: 0 }), c.generator_1ch_ngf64_6blocks],
    [() => new CycleGanGenerator({ ngf: 64, blocks: 6, upsample: 'resize-conv', initStd: 0 }), c.generator_1ch_ngf64_6blocks_resizeconv],
    [() => new PatchDiscriminator({ inChannels: 3, ndf: 64, initStd: 0 }), c.discriminator_3ch_ndf64],
    [() => new PatchDiscriminator({ ndf: 64, initStd: 0 }), c.discriminator_1ch_ndf64],
  ];
  assert.equal(c.generator_3ch_ngf64_9blocks, 11378179);
  for (const [make, n] of cases) {
    const m = make();
    assert.equal(m.parameterCount(), n);
    m.dispose();
  }
});

test('state dict names follow the reference layout (model.<i>, conv_block.<j>)', () => {
  const g = new CycleGanGenerator({ ngf: 4, blocks: 1, initStd: 0 });
  const d = new PatchDiscriminator({ ndf: 4, initStd: 0 });
  const gKeys = [...fx.keys()].filter((k) => k.startsWith('initial.gA2B.')).map((k) => k.slice('initial.gA2B.'.length)).sort();
  const dKeys = [...fx.keys()].filter((k) => k.startsWith('initial.dA.')).map((k) => k.slice('initial.dA.'.length)).sort();
  assert.deepEqual([...g.stateDict().keys()].sort(), gKeys);
  assert.ok(gKeys.includes('model.10.conv_block.1.weight'));
  assert.deepEqual([...d.stateDict().keys()].sort(), dKeys);
  g.dispose();
  d.dispose();
});

test('generator output shapes at 128² and 256², both upsampling modes; discriminator patch maps', () => {
  manualSeed(0);
  for (const size of [128, 256]) {
    for (const upsample of UPSAMPLE_MODES) {
      const g = new CycleGanGenerator({ ngf: 8, blocks: size === 256 ? 9 : 6, upsample });
      tidy(() => {
        const y = g.forward(randn([2, 1, size, size]));
        assert.deepEqual(y.shape, [2, 1, size, size], `${upsample} at ${size}`);
        const v = y.data() as Float32Array;
        assert.ok(v.every((x) => Number.isFinite(x) && x > -1 && x < 1), 'tanh range');
      });
      g.dispose();
    }
    const d = new PatchDiscriminator({ ndf: 8 });
    // 128 → 64 → 32 → 16 (stride 2) → 15 → 14 (4×4, stride 1, pad 1); 256 → … → 30
    tidy(() => assert.deepEqual(d.forward(randn([1, 1, size, size])).shape, [1, 1, size / 8 - 2, size / 8 - 2]));
    d.dispose();
  }
  assert.equal(patchSize(3), 70);
  assert.equal(patchSize(1), 16); // 4 + 3·2 + 3·2
});

test('N(0, 0.02) initialisation: weight std ≈ 0.02, biases 0', () => {
  manualSeed(3);
  const g = new CycleGanGenerator({ ngf: 16, blocks: 2 });
  const w = g.model.at(7).stateDict().get('weight')!.data() as Float32Array; // 32→64 stride-2 conv, 18,432 weights
  const mean = w.reduce((a, b) => a + b, 0) / w.length;
  const std = Math.sqrt(w.reduce((a, b) => a + (b - mean) ** 2, 0) / w.length);
  assert.ok(Math.abs(std - 0.02) < 0.001, `std ${std}`); // sampling error of the std ≈ 0.02/√(2·18432) ≈ 1e-4
  assert.ok(Math.abs(mean) < 0.001, `mean ${mean}`);
  assert.ok((g.model.at(7).stateDict().get('bias')!.data() as Float32Array).every((b) => b === 0));
  g.dispose();
});

test('resize-conv generator (nearest ×2, reflect pad, 3×3 conv): forward and input gradient equal PyTorch', () => {
  const g = new CycleGanGenerator({ ngf: 4, blocks: 1, upsample: 'resize-conv', initStd: 0 });
  const state = new Map([...fx].filter(([k]) => k.startsWith('rc.model.')).map(([k, t]) => [k.slice(3), t]));
  g.loadStateDict(state);
  tidy(() => {
    const x = fx.get('rc.input')!.clone().requiresGrad_();
    const y = g.forward(x);
    assertClose(y, fx.get('rc.output')!, 'resize-conv forward', { atol: 1e-5 });
    const [gx] = grad(y.mul(fx.get('rc.weight')!).sum(), [x]);
    assertClose(gx!, fx.get('rc.inputGrad')!, 'resize-conv input grad', { atol: 1e-4 });
  });
  g.dispose();
});

test('forward leaves only its output alive; bad inputs are one-line range errors', () => {
  const g = new CycleGanGenerator({ ngf: 4, blocks: 1 });
  const x = randn([1, 1, 16, 16]);
  const before = liveTensors();
  const y = g.forward(x);
  assert.equal(liveTensors() - before, 1);
  y.dispose();
  assert.throws(() => tidy(() => g.forward(randn([1, 1, 18, 18]))), /divisible by 4, got \[1, 1, 18, 18\]/);
  assert.throws(() => tidy(() => g.forward(randn([1, 3, 16, 16]))), /3 channels, the network takes 1/);
  assert.throws(() => new CycleGanGenerator({ upsample: 'pixel-shuffle' as never }), /upsample must be one of/);
  x.dispose();
  g.dispose();
});
