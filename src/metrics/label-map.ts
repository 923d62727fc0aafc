// A 2-D label map (one integer segment id per pixel, row-major [H, W]) and helpers shared by the
// segmentation metrics and the unsupervised-segmentation baselines.
import { OptionError } from '../util/errors.js';

/** Integer typed arrays accepted as label storage. */
export type LabelArray = Int32Array | Uint32Array | Int16Array | Uint16Array | Uint8Array | Int8Array;

/** Segment ids per pixel, row-major [H, W]; ids are arbitrary integers (need not be contiguous). */
export interface LabelMap {
  readonly data: LabelArray;
  readonly width: number;
  readonly height: number;
}

/** Same map with ids renumbered 0..count-1 in raster order of first appearance. */
export interface CompactLabels {
  readonly labels: Int32Array; // [H * W]
  readonly count: number;
}

/** Throws unless width * height matches the data length and the size is positive. */
export function assertLabelMap(name: string, map: LabelMap): void {
  const { width, height, data } = map;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new OptionError(name, `bad size ${width}x${height}`);
  }
  if (data.length !== width * height) {
    throw new OptionError(name, `has ${data.length} labels but ${width}x${height} = ${width * height} pixels`);
  }
}

/** Throws unless the two maps have the same width and height. */
export function assertSameSize(aName: string, a: LabelMap, bName: string, b: LabelMap): void {
  if (a.width !== b.width || a.height !== b.height) {
    throw new OptionError(bName, `is ${b.width}x${b.height} but ${aName} is ${a.width}x${a.height}`);
  }
}

/** Renumbers ids to 0..count-1 in order of first appearance (raster order). O(n). */
export function compactLabels(map: LabelMap): CompactLabels {
  assertLabelMap('labels', map);
  const { data } = map;
  const n = data.length;
  const labels = new Int32Array(n);
  const ids = new Map<number, number>();
  let prev = NaN;
  let prevId = -1;
  for (let i = 0; i < n; i++) {
    const v = data[i];
    if (v !== prev) {
      let id = ids.get(v);
      if (id === undefined) {
        id = ids.size;
        ids.set(v, id);
      }
      prev = v;
      prevId = id;
    }
    labels[i] = prevId;
  }
  return { labels, count: ids.size };
}

/** Number of distinct ids in the map. */
export function countSegments(map: LabelMap): number {
  return compactLabels(map).count;
}
