// Real data: best-match mIoU of skimage's Felzenszwalb labels (stored in the fixture) against the
// annotators of one BSDS500 image, compared with an independent numpy/skimage implementation.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import sharp from 'sharp';
import { dataset } from '../util/data-root.js';
import { bestMatchMiou } from './best-match-miou.js';
import { assertClose, loadMetricFixture } from './fixture-loader.js';
import type { LabelMap } from './label-map.js';

interface Fixture {
  image: string;
  width: number;
  height: number;
  labelsU16GzipBase64: string;
  miouAgainstAnnotators: { miou: number; perAnnotator: number[]; bestAnnotator: number; segmentCount: number };
}

const bsds = dataset('bsds500');
test('bsds500 mIoU: agrees with the numpy re-implementation (4-connected split, pooled annotators)', { skip: bsds.skip }, async () => {
  const fx = loadMetricFixture<Fixture>('felzenszwalb-bsds.json');
  const raw = gunzipSync(Buffer.from(fx.labelsU16GzipBase64, 'base64'));
  const pred: LabelMap = { data: new Uint16Array(raw.buffer, raw.byteOffset, raw.length / 2), width: fx.width, height: fx.height };
  const gts: LabelMap[] = [];
  for (let k = 0; k < fx.miouAgainstAnnotators.perAnnotator.length; k++) {
    const path = join(bsds.path as string, 'val', 'ground-truth', `${fx.image}_${k}.png`);
    const { data, info } = await sharp(path).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
    gts.push({ data: new Uint8Array(data), width: info.width, height: info.height });
  }
  const r = bestMatchMiou(pred, gts);
  const ref = fx.miouAgainstAnnotators;
  assert.equal(r.segmentCount, ref.segmentCount);
  assertClose(r.miou, ref.miou, 1e-12, 'pooled mIoU');
  ref.perAnnotator.forEach((v, i) => assertClose(r.perAnnotator[i], v, 1e-12, `annotator ${i}`));
  assertClose(r.bestAnnotator, ref.bestAnnotator, 1e-12, 'best annotator');
});
