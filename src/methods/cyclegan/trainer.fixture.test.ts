// Two CycleGAN training steps against PyTorch (scripts/gen-cyclegan-fixtures.py): the same tiny
// networks (32² grey images, ngf 4, one residual block, ndf 4, 3 layers) from the same initial
// weights, the same images, the pool off. Every generator term and both discriminator losses of
// step 1 and of step 2 (which depends on step 1's Adam updates of all four networks) agree to
// rtol 1e-4; the weights after both steps agree to atol 2e-6 + rtol 1e-4 (Adam moves each weight
// by ≤ 2·lr = 4e-4 here; conv biases right before an instance norm are left out: the norm cancels
// them, so their gradients are rounding noise on both sides); the vanilla-GAN terms agree too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tidy, type Tensor } from '../../engine/index.js';
import type { ImageSet } from '../../data/index.js';
import { Rng } from '../../data/index.js';
import { assertClose, loadFixture, loadJsonFixture } from '../../testing/fixtures.js';
import { buildCycleGan, cycleGanTask, disposeNets } from './trainer.js';
import { discriminatorLoss, generatorPass, type CycleGanNets } from './losses.js';

interface Meta {
  config: { size: number; ngf: number; blocks: number; ndf: number; layers: number };
  steps: Record<string, number>[];
  vanillaStep1: Record<string, number>;
  comparedParams: string[];
}

const fx = loadFixture('cyclegan', 'cyclegan.safetensors');
const meta = loadJsonFixture<Meta>('cyclegan', 'cyclegan.json');

function nets(): CycleGanNets {
  const c = meta.config;
  const n = buildCycleGan({ generator: { ngf: c.ngf, blocks: c.blocks, initStd: 0 }, discriminator: { ndf: c.ndf, layers: c.layers, initStd: 0 } });
  for (const [name, m] of Object.entries(n)) {
    const prefix = `initial.${name}.`;
    m.loadStateDict(new Map([...fx].filter(([k]) => k.startsWith(prefix)).map(([k, t]) => [k.slice(prefix.length), t])));
  }
  return n;
}

/** An ImageSet of [0, 1] images from a [N,1,S,S] tensor in [−1, 1]. */
function setOf(x: Tensor, cls: string): ImageSet {
  const data = tidy(() => x.add(1).mul(0.5).data() as Float32Array);
  const [count, channels, size] = x.shape;
  return { classes: [cls], channels, size, count, data, labels: new Int32Array(count), groups: Array.from({ length: count }, (_, i) => `${cls}/${i}`), sources: Array.from({ length: count }, (_, i) => ({ path: `${cls}${i}` })) };
}

const close = (a: number, b: number, what: string, rtol = 1e-4): void => assert.ok(Math.abs(a - b) <= 1e-6 + rtol * Math.abs(b), `${what}: ${a} vs PyTorch ${b}`);

test('two CycleGAN steps: every loss term and the updated weights equal PyTorch', () => {
  const n = nets();
  const realA = fx.get('realA')!;
  const realB = fx.get('realB')!;
  const task = cycleGanTask(n, setOf(realA, 'a'), setOf(realB, 'b'), { poolSize: 0, flip: false, epochs: 10, decayEpochs: 10 });
  task.beginEpoch!(0);
  assert.equal(task.optimizerG.lr, 2e-4);
  for (let s = 0; s < 2; s++) {
    const m = tidy(() => task.trainStep(realA.narrow(0, s, 1), realB.narrow(0, s, 1), { a: new Rng(0), b: new Rng(1) }));
    for (const [k, v] of Object.entries(meta.steps[s])) close((m as unknown as Record<string, number>)[k], v, `step ${s + 1} ${k}`);
  }
  const state = new Map<string, Tensor>();
  for (const [name, m] of Object.entries(n)) for (const [k, t] of m.stateDict()) state.set(`${name}.${k}`, t);
  // per generator 8 conv weights + the output conv's bias, per discriminator 5 weights + 2 biases: 2·9 + 2·7
  assert.equal(meta.comparedParams.length, 32);
  for (const k of meta.comparedParams) {
    const init = fx.get(`initial.${k}`)!;
    const want = fx.get(`final.${k}`)!;
    assertClose(state.get(k)!, want, `weights after 2 steps: ${k}`, { atol: 2e-6, rtol: 1e-4 });
    // and the step really moved them (so the comparison is not of unchanged weights)
    assert.ok(tidy(() => want.sub(init).abs().max().item()) > 1e-5, `${k} moved`);
  }
  disposeNets(n);
});

test('vanilla GAN (BCE on logits): step-1 loss terms equal PyTorch', () => {
  const n = nets();
  const realA = fx.get('realA')!.narrow(0, 0, 1);
  const realB = fx.get('realB')!.narrow(0, 0, 1);
  tidy(() => {
    const g = generatorPass(n, realA, realB, { ganMode: 'vanilla' });
    for (const [k, t] of Object.entries(g.terms)) close(t.item(), meta.vanillaStep1[k], `vanilla ${k}`);
    close(discriminatorLoss(n.dA, realA, g.fakeA, 'vanilla').item(), meta.vanillaStep1.dA, 'vanilla dA');
    close(discriminatorLoss(n.dB, realB, g.fakeB, 'vanilla').item(), meta.vanillaStep1.dB, 'vanilla dB');
  });
  disposeNets(n);
});
