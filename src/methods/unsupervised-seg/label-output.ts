// Writing segmentation results: a label PNG (8-bit when every id fits, 16-bit otherwise) and a
// colour overlay of the labels over the image, both atomically.
import { readImage, writePng } from '../../io/index.js';
import { blendLabels } from '../../report/figures/label-map.js';
import { InputError } from '../../util/errors.js';
import { writeFileAtomicSync } from '../../util/atomic-write.js';
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

/** Labels in palette colours blended over the RGB image ([H, W, 3] bytes), as RGBA bytes. */
export function overlayRgba(map: LabelMap, rgb: Uint8Array, alpha = 0.6): Uint8Array {
  // ids shifted by one so that label 0 gets a colour too (the palette leaves the background uncoloured)
  const shifted = Int32Array.from(map.data, (v) => v + 1);
  return blendLabels({ width: map.width, height: map.height, channels: 1, data: shifted }, { width: map.width, height: map.height, channels: 3, data: rgb }, { alpha, background: null });
}

/** Writes labels in palette colours blended over the RGB image ([H, W, 3] bytes). */
export async function writeOverlayPng(path: string, map: LabelMap, rgb: Uint8Array, alpha = 0.6): Promise<void> {
  await writePng(path, { width: map.width, height: map.height, channels: 4, bitDepth: 8, data: overlayRgba(map, rgb, alpha) });
}

/**
 * A live frame of a running segmentation (`kensa segment --live-every N`, shown by kensa serve):
 * the magic 'KLV1', then width, height and iteration as little-endian uint32, then the overlay's
 * RGBA bytes. Written synchronously and atomically, because the iterations run on this thread.
 */
export const LIVE_FRAME_MAGIC = 'KLV1';

export function writeLiveFrame(path: string, map: LabelMap, rgb: Uint8Array, iteration: number): void {
  const head = Buffer.alloc(16);
  head.write(LIVE_FRAME_MAGIC, 0, 'latin1');
  head.writeUInt32LE(map.width, 4);
  head.writeUInt32LE(map.height, 8);
  head.writeUInt32LE(iteration, 12);
  writeFileAtomicSync(path, [head, overlayRgba(map, rgb)]);
}

/** Parses a live frame (see writeLiveFrame); `file` names it in errors. */
export function readLiveFrame(bytes: Uint8Array, file: string): { width: number; height: number; iteration: number; rgba: Uint8Array } {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (b.length < 16 || b.toString('latin1', 0, 4) !== LIVE_FRAME_MAGIC) throw new InputError(file, 'is not a kensa live frame');
  const width = b.readUInt32LE(4), height = b.readUInt32LE(8), iteration = b.readUInt32LE(12);
  if (b.length !== 16 + width * height * 4) throw new InputError(file, `holds ${b.length - 16} pixel bytes, expected ${width * height * 4} for ${width}×${height}`);
  return { width, height, iteration, rgba: b.subarray(16) };
}
