// Writing segmentation results: a label PNG (8-bit when every id fits, 16-bit otherwise) and a
// colour overlay of the labels over the image, both atomically.
import { readImage, writePng } from '../../io/index.js';
import { blendLabels } from '../../report/figures/label-map.js';
import { InputError } from '../../util/errors.js';
import type { LabelMap } from '../../metrics/label-map.js';

/** Writes labels as a grey PNG holding the ids themselves. */
export async function writeLabelPng(path: string, map: LabelMap): Promise<void> {
  let max = 0;
  for (const v of map.data) if (v > max) max = v;
  if (max > 65535) throw new InputError(path, `label ${max} does not fit a 16-bit PNG`);
  const data = max < 256 ? Uint8Array.from(map.data) : Uint16Array.from(map.data);
  await writePng(path, { width: map.width, height: map.height, channels: 1, bitDepth: max < 256 ? 8 : 16, data });
}

/** Reads a label PNG written by {@link writeLabelPng} (or any 8/16-bit image; first channel). */
export async function readLabelPng(path: string): Promise<LabelMap> {
  const img = await readImage(path);
  const n = img.width * img.height;
  const data = new Int32Array(n);
  for (let i = 0; i < n; i++) data[i] = img.data[i * img.channels];
  return { data, width: img.width, height: img.height };
}

/** Writes labels in palette colours blended over the RGB image ([H, W, 3] bytes). */
export async function writeOverlayPng(path: string, map: LabelMap, rgb: Uint8Array, alpha = 0.6): Promise<void> {
  // ids shifted by one so that label 0 gets a colour too (the palette leaves the background uncoloured)
  const shifted = Int32Array.from(map.data, (v) => v + 1);
  const rgba = blendLabels({ width: map.width, height: map.height, channels: 1, data: shifted }, { width: map.width, height: map.height, channels: 3, data: rgb }, { alpha, background: null });
  await writePng(path, { width: map.width, height: map.height, channels: 4, bitDepth: 8, data: rgba });
}
