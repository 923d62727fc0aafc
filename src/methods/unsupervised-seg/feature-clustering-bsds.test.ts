// Golden run on a real BSDS500 validation image, at a quarter of its size and 40 iterations to keep
// the suite fast; the labels are upsampled (nearest) to the ground truth's size. Meaning check: the
// mIoU must beat the strongest content-free control (the blank map, and regular grids with the
// method's label count and with its connected-segment count, each at 16 phases) by a margin, and
// agree with PyTorch's mIoU on the same budget (scripts/torchref/unsup_seg_bsds_reference.py).
// Skipped with a message when the data is absent.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { bestMatchMiou } from '../../metrics/best-match-miou.js';
import { connectedComponents } from '../../metrics/connected-components.js';
import { probabilisticRandIndex } from '../../metrics/rand-index.js';
import { loadJsonFixture } from '../../testing/fixtures.js';
import { blankLabelMap, strongestControl } from '../../testing/negative-controls.js';
import { dataset } from '../../util/data-root.js';
import { readGroundTruths } from './evaluate-folder.js';
import { segmentByFeatureClustering } from './feature-clustering.js';
import { readResized } from './image-input.js';

interface TorchReference { image: string; iterations: number; miouMean: number; miouSd: number; runs: { seed: number; miou: number }[] }

// Margin over the strongest control, from measured spreads on this image at this budget: kensa
// seeds 0-4 give mIoU 0.264, 0.299, 0.300, 0.303, 0.274 (sd 0.018); the strongest control's score
// over the 16 grid phases has sd 0.005-0.009 (grids of 30 and 416 cells). Margin = 2 combined sd:
// 2 * sqrt(0.018^2 + 0.009^2) = 0.040. (Seed 0, the one run here, clears it by 0.020.)
const MIOU_MARGIN = 0.04;
// PyTorch agreement: a single kensa run must lie within 3 sd of PyTorch's runs over 10 seeds
// (sd 0.013 in the fixture, so about ±0.040 around its mean 0.291).
const TORCH_SDS = 3;

const bsds = dataset('bsds500');
test('bsds500 golden: feature clustering mIoU beats blank and grid controls by 0.04 and is within 3 sd of PyTorch (101085, quarter size, 40 iterations)', { skip: bsds.skip }, async (t) => {
  const root = join(bsds.path as string, 'val');
  const ref = loadJsonFixture<TorchReference>('unsupervised-seg', 'bsds-reference.json');
  const id = ref.image;
  if (!existsSync(join(root, 'images', `${id}.jpg`))) return t.skip(`${id}.jpg absent from ${root}`);
  const gts = await readGroundTruths(join(root, 'ground-truth'), id);
  const { width: W, height: H } = gts[0];
  const w = Math.round(W / 4);
  const h = Math.round(H / 4);
  const input = await readResized(join(root, 'images', `${id}.jpg`), w, h);
  const r = segmentByFeatureClustering(input.planes, { maxIterations: ref.iterations });
  const up = new Int32Array(W * H);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) up[y * W + x] = r.labels[Math.min(h - 1, Math.floor((y * h) / H)) * w + Math.min(w - 1, Math.floor((x * w) / W))];
  const pred = { data: up, width: W, height: H };
  const segments = connectedComponents(pred).count;
  const miou = bestMatchMiou(pred, gts).miou;
  const control = strongestControl(W, H, [r.labelCount, segments], (m) => bestMatchMiou(m, gts).miou);
  // PRI is printed, not asserted: a grid beats the method on it at this budget (grid 0.875-0.879
  // against kensa's 0.829-0.850 over seeds 0-4), since PRI rewards never joining distant pixels.
  const pri = probabilisticRandIndex(pred, gts);
  const priBlank = probabilisticRandIndex(blankLabelMap(W, H), gts);
  const priControl = strongestControl(W, H, [r.labelCount, segments], (m) => probabilisticRandIndex(m, gts));
  console.log(`# ${id}: ${r.iterations} iterations, ${r.labelCount} labels, ${segments} segments; mIoU ${miou.toFixed(4)} (strongest control ${control.score.toFixed(4)}: ${control.name}; PyTorch ${ref.miouMean.toFixed(4)} ± ${ref.miouSd.toFixed(4)}); PRI ${pri.toFixed(4)} (blank ${priBlank.toFixed(4)}, best grid ${priControl.score.toFixed(4)})`);
  assert.equal(r.iterations, ref.iterations, 'the budget the reference ran at (no early stop)');
  assert.ok(miou > control.score + MIOU_MARGIN, `mIoU ${miou} vs strongest control ${control.score} (${control.name}) + ${MIOU_MARGIN}`);
  const tol = TORCH_SDS * ref.miouSd;
  assert.ok(Math.abs(miou - ref.miouMean) <= tol, `mIoU ${miou} vs PyTorch ${ref.miouMean} ± ${tol}`);
});
