// Test support: content-free label maps that golden tests compare a method against. They carry no
// information about the image, so a method that does not beat them has learned nothing.
import type { LabelMap } from '../metrics/label-map.js';

/** A label map whose ids are 0..count-1, row-major [H, W]. */
export interface ControlLabelMap extends LabelMap {
  readonly data: Int32Array;
  /** Number of distinct ids. */
  readonly count: number;
}

/** Every pixel gets id 0. */
export function blankLabelMap(width: number, height: number): ControlLabelMap {
  return { data: new Int32Array(width * height), width, height, count: 1 };
}

/** Where the grid lines fall: a shift by a fraction of one cell, in [0, 1). @default 0 */
export interface GridPhase {
  x?: number;
  y?: number;
}

/**
 * A regular grid of about `segments` near-square cells, ids in raster order of the cells:
 * cols = round(sqrt(segments · W / H)), rows = round(segments / cols), both clamped to [1, side];
 * pixel (x, y) falls in cell (floor(x · cols / W + phase.x), floor(y · rows / H + phase.y)), so a
 * non-zero phase adds one partial row or column of cells at the far edge. Golden tests measure a
 * control's spread over phases.
 */
export function gridLabelMap(width: number, height: number, segments: number, phase: GridPhase = {}): ControlLabelMap {
  if (!(Number.isInteger(width) && width > 0 && Number.isInteger(height) && height > 0)) throw new RangeError(`gridLabelMap: bad size ${width}x${height}`);
  if (!(segments >= 1)) throw new RangeError(`gridLabelMap: segments must be >= 1, got ${segments}`);
  const cols = Math.min(width, Math.max(1, Math.round(Math.sqrt((segments * width) / height))));
  const rows = Math.min(height, Math.max(1, Math.round(segments / cols)));
  const px = phase.x ?? 0;
  const py = phase.y ?? 0;
  if (!(px >= 0 && px < 1 && py >= 0 && py < 1)) throw new RangeError(`gridLabelMap: phase must be in [0, 1), got (${px}, ${py})`);
  const c = cols + (px > 0 ? 1 : 0);
  const r = rows + (py > 0 ? 1 : 0);
  const data = new Int32Array(width * height);
  const used = new Uint8Array(r * c);
  for (let y = 0; y < height; y++) {
    const ry = Math.floor((y * rows) / height + py);
    for (let x = 0; x < width; x++) {
      const id = ry * c + Math.floor((x * cols) / width + px);
      data[y * width + x] = id;
      used[id] = 1;
    }
  }
  // Dense ids 0..count-1 (a phase can leave a far-edge cell empty when it is thinner than a pixel).
  const remap = new Int32Array(r * c);
  let count = 0;
  for (let i = 0; i < r * c; i++) if (used[i]) remap[i] = count++;
  for (let i = 0; i < data.length; i++) data[i] = remap[data[i]];
  return { data, width, height, count };
}

/** The 16 grid phases {0, 1/4, 1/2, 3/4}² over which golden tests take a grid control's best score. */
export const GRID_PHASES: readonly GridPhase[] = [0, 0.25, 0.5, 0.75].flatMap((x) => [0, 0.25, 0.5, 0.75].map((y) => ({ x, y })));

/** The best score of a content-free control: the blank map and, for each segment count, the grid at every phase. */
export function strongestControl(width: number, height: number, segmentCounts: readonly number[], score: (map: LabelMap) => number): { score: number; name: string } {
  let best = { score: score(blankLabelMap(width, height)), name: 'blank' };
  for (const n of segmentCounts) {
    for (const p of GRID_PHASES) {
      const g = gridLabelMap(width, height, n, p);
      const s = score(g);
      if (s > best.score) best = { score: s, name: `grid of ${g.count} cells, phase (${p.x}, ${p.y})` };
    }
  }
  return best;
}
