// Golden run on real BSDS500 validation images: the baselines must beat the blank map on mIoU and
// PRI, with all metrics finite. VoI is only printed: it favours under-segmentation, and the blank
// map often has the lowest VoI. Skipped with a message when the data is absent.
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { bestMatchMiou } from '../../../metrics/best-match-miou.js';
import type { LabelMap } from '../../../metrics/label-map.js';
import { probabilisticRandIndex } from '../../../metrics/rand-index.js';
import { meanVariationOfInformation } from '../../../metrics/variation-of-information.js';
import { dataset } from '../../../util/data-root.js';
import { segmentationBaselines } from './registry.js';
import type { RgbImage } from './rgb-image.js';

const IMAGES = ['101085', '108005', '130026'];

async function load(root: string, id: string): Promise<{ image: RgbImage; gts: LabelMap[] }> {
  const { data, info } = await sharp(join(root, 'val', 'images', `${id}.jpg`)).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const gts: LabelMap[] = [];
  for (let k = 0; existsSync(join(root, 'val', 'ground-truth', `${id}_${k}.png`)); k++) {
    const g = await sharp(join(root, 'val', 'ground-truth', `${id}_${k}.png`)).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
    gts.push({ data: new Uint8Array(g.data), width: g.info.width, height: g.info.height });
  }
  return { image: { data: new Uint8Array(data), width: info.width, height: info.height }, gts };
}

const bsds = dataset('bsds500');
test('bsds500 golden: k-means and Felzenszwalb beat the blank map', { skip: bsds.skip }, async () => {
  const root = bsds.path as string;
  const available = new Set(readdirSync(join(root, 'val', 'images')));
  const ids = IMAGES.filter((id) => available.has(`${id}.jpg`));
  assert.ok(ids.length > 0, 'none of the chosen validation images is present');
  const mean: Record<string, { miou: number; pri: number; voi: number }> = {};
  for (const b of segmentationBaselines) mean[b.name] = { miou: 0, pri: 0, voi: 0 };
  for (const id of ids) {
    const { image, gts } = await load(root, id);
    assert.ok(gts.length >= 4, `${id}: ${gts.length} annotators`);
    for (const b of segmentationBaselines) {
      const seg = b.segment(image);
      const m = mean[b.name];
      m.miou += bestMatchMiou(seg, gts).miou / ids.length;
      m.pri += probabilisticRandIndex(seg, gts) / ids.length;
      m.voi += meanVariationOfInformation(seg, gts) / ids.length;
    }
  }
  for (const [name, m] of Object.entries(mean)) {
    for (const v of Object.values(m)) assert.ok(Number.isFinite(v));
    console.log(`# ${name}: mIoU ${m.miou.toFixed(3)}, PRI ${m.pri.toFixed(3)}, VoI ${m.voi.toFixed(3)} (${ids.length} images)`);
  }
  assert.ok(mean['kmeans-colour'].miou > mean.blank.miou + 0.05, 'k-means mIoU margin over blank');
  assert.ok(mean.felzenszwalb.miou > mean.blank.miou + 0.05, 'Felzenszwalb mIoU margin over blank');
  assert.ok(mean['kmeans-colour'].pri > mean.blank.pri, 'k-means PRI over blank');
  assert.ok(mean.felzenszwalb.pri > mean.blank.pri, 'Felzenszwalb PRI over blank');
});
