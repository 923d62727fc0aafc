// Golden run on a real BSDS500 validation image, at a quarter of its size and 40 iterations to keep
// the suite fast: the labels, upsampled (nearest) to the ground truth's size, must beat the blank
// map by a margin on mIoU and on PRI. Skipped with a message when the data is absent.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { bestMatchMiou } from '../../metrics/best-match-miou.js';
import { probabilisticRandIndex } from '../../metrics/rand-index.js';
import { dataset } from '../../util/data-root.js';
import { readGroundTruths } from './evaluate-folder.js';
import { segmentByFeatureClustering } from './feature-clustering.js';
import { readResized } from './image-input.js';

const bsds = dataset('bsds500');
test('bsds500 golden: feature clustering beats the blank map (101085, quarter size, 40 iterations)', { skip: bsds.skip }, async (t) => {
  const root = join(bsds.path as string, 'val');
  const id = '101085';
  if (!existsSync(join(root, 'images', `${id}.jpg`))) return t.skip(`${id}.jpg absent from ${root}`);
  const gts = await readGroundTruths(join(root, 'ground-truth'), id);
  const { width: W, height: H } = gts[0];
  const w = Math.round(W / 4);
  const h = Math.round(H / 4);
  const input = await readResized(join(root, 'images', `${id}.jpg`), w, h);
  const r = segmentByFeatureClustering(input.planes, { maxIterations: 40 });
  const up = new Int32Array(W * H);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) up[y * W + x] = r.labels[Math.min(h - 1, Math.floor((y * h) / H)) * w + Math.min(w - 1, Math.floor((x * w) / W))];
  const pred = { data: up, width: W, height: H };
  const blank = { data: new Int32Array(W * H), width: W, height: H };
  const miou = bestMatchMiou(pred, gts).miou;
  const miouBlank = bestMatchMiou(blank, gts).miou;
  const pri = probabilisticRandIndex(pred, gts);
  const priBlank = probabilisticRandIndex(blank, gts);
  console.log(`# ${id}: ${r.iterations} iterations, ${r.labelCount} labels; mIoU ${miou.toFixed(3)} (blank ${miouBlank.toFixed(3)}), PRI ${pri.toFixed(3)} (blank ${priBlank.toFixed(3)})`);
  assert.ok(miou > miouBlank + 0.1, 'mIoU margin over blank');
  assert.ok(pri > priBlank + 0.2, 'PRI margin over blank');
});
