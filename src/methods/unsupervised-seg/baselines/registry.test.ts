// Contract tests generated from the baseline registry.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OptionError } from '../../../util/errors.js';
import { segmentationBaseline, segmentationBaselines } from './registry.js';

function noiseImage(w: number, h: number, seed: number): { data: Uint8Array; width: number; height: number } {
  const data = new Uint8Array(w * h * 3);
  let s = seed;
  for (let i = 0; i < data.length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    data[i] = (s >>> 16) & 255;
  }
  return { data, width: w, height: h };
}

for (const b of segmentationBaselines) {
  test(`baseline contract: ${b.name} returns a valid, deterministic label map`, () => {
    const image = noiseImage(23, 17, 3);
    const seg = b.segment(image);
    assert.equal(seg.width, 23);
    assert.equal(seg.height, 17);
    assert.equal(seg.data.length, 23 * 17);
    const seen = new Set<number>();
    for (const v of seg.data) {
      assert.ok(Number.isInteger(v) && v >= 0 && v < seg.count, `id ${v} outside 0..${seg.count - 1}`);
      seen.add(v);
    }
    assert.equal(seen.size, seg.count, 'every id in 0..count-1 is used');
    assert.deepEqual(b.segment(image), seg, 'same input, same output');
    assert.deepEqual(b.segment(image, b.defaults), seg, 'defaults object = left-out options');
    assert.throws(() => b.segment({ data: new Uint8Array(5), width: 2, height: 2 }), OptionError);
    assert.equal(segmentationBaseline(b.name), b);
  });
}

test('baseline registry: unique names; unknown name is an option error', () => {
  const names = segmentationBaselines.map((b) => b.name);
  assert.equal(new Set(names).size, names.length);
  assert.throws(() => segmentationBaseline('slic'), /known: blank/);
});
