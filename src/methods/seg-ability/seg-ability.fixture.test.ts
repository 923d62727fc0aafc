// SA of every block of a small U-Net against PyTorch on the same weights and image
// (scripts/gen-seg-ability-fixtures.py): per-layer and per-unit SA with the truth and with the
// output as guide, and the layer maps pixel by pixel. Tolerance: SA within 1e-4 (a Dice changes by
// about 2 / (|P| + |T|) ≈ 0.004 per flipped pixel here, so this asks for the same maps), and at most
// 2 pixels of 1292 differing per map (float summation order may flip a pixel lying on a tie).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tidy } from '../../engine/index.js';
import { UNet } from '../../models/index.js';
import { loadFixture, loadJsonFixture } from '../../testing/fixtures.js';
import { activations, imageAbility, prototypeMap, unetLayerNames } from './segmentation-ability.js';

interface Score {
  layerSA: number;
  unitSA: number[];
}
interface Expected {
  widths: number[];
  height: number;
  width: number;
  outputDice: number;
  layers: { name: string; channels: number; truth: Score; output: Score }[];
}

test('SA per layer and per unit matches PyTorch on the same U-Net weights', () => {
  const exp = loadJsonFixture<Expected>('seg-ability', 'expected.json');
  const weights = loadFixture('seg-ability', 'unet.safetensors');
  const inputs = loadFixture('seg-ability', 'inputs.safetensors');
  const maps = loadFixture('seg-ability', 'maps.safetensors');
  const unet = new UNet({ inChannels: 1, outChannels: 1, widths: exp.widths, batchNorm: true });
  unet.loadStateDict(weights);
  unet.eval();
  const image = inputs.get('image')!;
  const truth = Uint8Array.from(inputs.get('truth')!.data() as Float32Array);
  assert.deepEqual(unetLayerNames(unet), exp.layers.map((l) => l.name));
  const r = imageAbility(unet, image, truth, { chunk: 3 }); // chunks of 3 channels: the accumulation across chunks is exercised
  const prob = inputs.get('prob')!.data() as Float32Array;
  // Output Dice thresholds the probability at 0.5: a pixel within 1e-5 of it may fall either way
  // with the thread count (summation order), and each such pixel moves Dice by at most
  // 2 / (|prediction| + |truth|); every other pixel must agree.
  const ties = prob.filter((p) => Math.abs(p - 0.5) < 1e-5).length;
  const sizes = prob.filter((p) => p > 0.5).length + truth.reduce((a, v) => a + (v > 0 ? 1 : 0), 0);
  const diceTol = 1e-4 + (ties * 2) / Math.max(1, sizes - ties);
  assert.ok(Math.abs(r.outputDice! - exp.outputDice) < diceTol, `output Dice ${r.outputDice} vs ${exp.outputDice} (${ties} pixel(s) at 0.5)`);
  let worstProb = 0;
  r.outputProb.forEach((p, i) => (worstProb = Math.max(worstProb, Math.abs(p - prob[i]))));
  assert.ok(worstProb < 1e-5, `output probability differs by ${worstProb}`);
  for (const [i, l] of r.layers.entries()) {
    const e = exp.layers[i];
    assert.equal(l.name, e.name);
    assert.equal(l.channels, e.channels);
    for (const guide of ['truth', 'output'] as const) {
      const got = l[guide]!;
      const want = e[guide];
      // output-guided SAs are scored against the thresholded output, so a tie pixel (above) moves them a little
      const tol = guide === 'output' && ties > 0 ? 2e-3 : 1e-4;
      assert.ok(Math.abs(got.layerSA - want.layerSA) < tol, `${l.name} ${guide} layer SA ${got.layerSA} vs ${want.layerSA}`);
      want.unitSA.forEach((w, u) => assert.ok(Math.abs(got.unitSA[u] - w) < tol, `${l.name} ${guide} unit ${u}: ${got.unitSA[u]} vs ${w}`));
    }
  }
  // the layer maps themselves, pixel by pixel
  const a = activations(unet, image);
  tidy(() => {
    const guide = inputs.get('truth')!.reshape([exp.height * exp.width]);
    for (const name of unetLayerNames(unet)) {
      const mine = prototypeMap(a, name, guide);
      const ref = maps.get(`${name}.truth`)!.data() as Float32Array;
      const differ = mine.reduce((n, v, p) => n + (v !== ref[p] ? 1 : 0), 0);
      assert.ok(differ <= 2, `${name}: ${differ} pixels differ`);
    }
  });
  a.dispose();
  for (const m of [weights, inputs, maps]) for (const t of m.values()) t.dispose();
  unet.dispose();
});
