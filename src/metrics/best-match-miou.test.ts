import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OptionError } from '../util/errors.js';
import { bestMatchMiou, datasetMiou, segmentBestIous } from './best-match-miou.js';
import { assertClose } from './fixture-loader.js';
import type { LabelMap } from './label-map.js';

const strip = (data: number[]): LabelMap => ({ data: Int32Array.from(data), width: data.length, height: 1 });

test('best-match iou: hand-computed on a 1x4 strip', () => {
  // GT {0,1} | {2,3}; prediction ids [0 1 0 0]: id 0 covers pixels 0, 2, 3 (two pieces).
  const gt = strip([0, 0, 1, 1]);
  const pred = strip([0, 1, 0, 0]);
  // Without the split: GT A={0,1}: vs {0,2,3} 1/(2+3-1) = 1/4, vs {1} 1/(2+1-1) = 1/2 -> 1/2;
  // GT B={2,3}: vs {0,2,3} 2/(2+3-2) = 2/3 -> mean 7/12.
  assert.deepEqual([...segmentBestIous(pred, gt)], [1 / 2, 2 / 3]);
  assertClose(bestMatchMiou(pred, [gt], { relabelPrediction: false }).miou, 7 / 12, 1e-15, 'no split');
  // With the split: pieces {0}, {1}, {2,3}: A -> 1/2, B -> 1 -> 3/4.
  assertClose(bestMatchMiou(pred, [gt]).miou, 3 / 4, 1e-15, 'split');
});

test('best-match iou: annotators pooled by segment, fine and coarse modes', () => {
  // Prediction halves; annotator 1 equal to it (IoUs 1, 1); annotator 2 one segment (IoU 2/4).
  const pred = strip([0, 0, 1, 1]);
  const gts = [strip([0, 0, 1, 1]), strip([3, 3, 3, 3])];
  const all = bestMatchMiou(pred, gts);
  assertClose(all.miou, (1 + 1 + 0.5) / 3, 1e-15, 'pooled'); // not (1 + 0.5) / 2
  assert.deepEqual(all.perAnnotator, [1, 0.5]);
  assert.equal(all.bestAnnotator, 1);
  assert.equal(all.segmentCount, 3);
  assert.equal(bestMatchMiou(pred, gts, { annotators: 'fine' }).miou, 1);
  assert.equal(bestMatchMiou(pred, gts, { annotators: 'coarse' }).miou, 0.5);
  // Dataset pooling: (2.5 + 0.5) / (3 + 1).
  const other = bestMatchMiou(pred, [gts[1]]);
  assertClose(datasetMiou([all, other]), 3 / 4, 1e-15, 'dataset');
});

test('best-match iou: bad input is an option error', () => {
  assert.throws(() => bestMatchMiou(strip([0]), []), OptionError);
  assert.throws(() => bestMatchMiou(strip([0, 1]), [strip([0])]), OptionError);
  assert.throws(() => bestMatchMiou(strip([0]), [strip([0])], { annotators: 'mean' as 'all' }), OptionError);
  assert.throws(() => datasetMiou([]), OptionError);
});
