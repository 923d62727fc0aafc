// Real data: PRI/VoI between the human annotators of one BSDS500 image, against sklearn/skimage
// values computed by scripts/gen-metric-fixtures.py from the same PNGs.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { dataset } from '../util/data-root.js';
import { assertClose, loadMetricFixture } from './fixture-loader.js';
import type { LabelMap } from './label-map.js';
import { randIndex } from './rand-index.js';
import { variationOfInformation } from './variation-of-information.js';

interface Fixture { image: string; annotators: number; pairs: { a: number; b: number; randIndex: number; voiNats: number; voiBitsSkimage: number }[] }

async function readGroundTruth(path: string): Promise<LabelMap> {
  // Channel 0 only: sharp hands grey PNGs back as 3 identical channels.
  const { data, info } = await sharp(path).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, info.width * info.height), width: info.width, height: info.height };
}

const bsds = dataset('bsds500');
test('bsds500 annotators: RI and VoI agree with sklearn/skimage', { skip: bsds.skip }, async () => {
  const fx = loadMetricFixture<Fixture>('bsds-annotators.json');
  const gts: LabelMap[] = [];
  for (let k = 0; k < fx.annotators; k++) {
    const p = join(bsds.path as string, 'val', 'ground-truth', `${fx.image}_${k}.png`);
    if (!existsSync(p)) throw new Error(`missing ${p}`);
    gts.push(await readGroundTruth(p));
  }
  for (const p of fx.pairs) {
    assertClose(randIndex(gts[p.a], gts[p.b]), p.randIndex, 1e-12, `RI ${p.a}-${p.b}`);
    assertClose(variationOfInformation(gts[p.a], gts[p.b]), p.voiNats, 1e-10, `VoI nats ${p.a}-${p.b}`);
    assertClose(variationOfInformation(gts[p.a], gts[p.b], { logBase: 2 }), p.voiBitsSkimage, 1e-10, `VoI bits ${p.a}-${p.b}`);
  }
});
