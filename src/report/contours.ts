// Iso-contours of a 2-D field by marching squares (Lorensen & Cline 1987, in 2-D), with linear
// interpolation on cell edges, saddles resolved by the cell-centre average, and segments joined
// into polylines. The field is padded with an outside value so contours close at the image border.

/** A polyline in pixel coordinates (pixel (i, j) spans [i, i+1]×[j, j+1]; samples sit at centres). */
export interface Contour {
  points: Array<[number, number]>;
  closed: boolean;
}

// Segment table: for each case (tl·8 + tr·4 + br·2 + bl·1 inside bits), pairs of edges to connect.
// Edges: 0 = top, 1 = right, 2 = bottom, 3 = left. Saddles (5, 10) are handled separately.
const SEGMENTS: number[][][] = [[], [[3, 2]], [[2, 1]], [[3, 1]], [[0, 1]], [], [[0, 2]], [[3, 0]], [[3, 0]], [[0, 2]], [], [[0, 1]], [[3, 1]], [[2, 1]], [[3, 2]], []];

/** Contours of `field` [h·w] at `threshold` (inside means value > threshold). */
export function contourLines(field: ArrayLike<number>, width: number, height: number, threshold = 0.5): Contour[] {
  const outside = threshold > 0 ? 0 : threshold - 1;
  const at = (x: number, y: number): number => {
    if (x < 0 || y < 0 || x >= width || y >= height) return outside;
    const v = field[y * width + x];
    return Number.isFinite(v) ? v : outside;
  };
  // Edge keys identify the crossing point shared by neighbouring cells.
  const points = new Map<string, [number, number]>();
  const edgePoint = (x: number, y: number, edge: number): string => {
    const [x0, y0, x1, y1] = edge === 0 ? [x, y, x + 1, y] : edge === 1 ? [x + 1, y, x + 1, y + 1] : edge === 2 ? [x, y + 1, x + 1, y + 1] : [x, y, x, y + 1];
    const key = `${x0},${y0},${x1},${y1}`;
    if (!points.has(key)) {
      const a = at(x0, y0);
      const b = at(x1, y1);
      const t = a === b ? 0.5 : (threshold - a) / (b - a);
      points.set(key, [x0 + (x1 - x0) * t + 0.5, y0 + (y1 - y0) * t + 0.5]);
    }
    return key;
  };
  const segments: Array<[string, string]> = [];
  for (let y = -1; y < height; y++) {
    for (let x = -1; x < width; x++) {
      const tl = at(x, y), tr = at(x + 1, y), br = at(x + 1, y + 1), bl = at(x, y + 1);
      const c = (tl > threshold ? 8 : 0) | (tr > threshold ? 4 : 0) | (br > threshold ? 2 : 0) | (bl > threshold ? 1 : 0);
      let pairs = SEGMENTS[c];
      if (c === 5 || c === 10) {
        const centreInside = (tl + tr + br + bl) / 4 > threshold;
        // Centre inside joins the two inside corners, cutting off the outside ones (and vice versa).
        pairs = (c === 5) === centreInside ? [[3, 0], [2, 1]] : [[0, 1], [3, 2]];
      }
      for (const [e1, e2] of pairs) segments.push([edgePoint(x, y, e1), edgePoint(x, y, e2)]);
    }
  }
  return joinSegments(segments, points);
}

function joinSegments(segments: Array<[string, string]>, points: Map<string, [number, number]>): Contour[] {
  const byKey = new Map<string, number[]>();
  segments.forEach(([a, b], i) => {
    for (const k of [a, b]) {
      const list = byKey.get(k);
      if (list) list.push(i);
      else byKey.set(k, [i]);
    }
  });
  const used = new Uint8Array(segments.length);
  const walk = (from: string): string[] => {
    const chain: string[] = [];
    let key = from;
    for (;;) {
      const next = (byKey.get(key) ?? []).find((i) => !used[i]);
      if (next === undefined) return chain;
      used[next] = 1;
      const [a, b] = segments[next];
      key = a === key ? b : a;
      chain.push(key);
    }
  };
  const out: Contour[] = [];
  for (let i = 0; i < segments.length; i++) {
    if (used[i]) continue;
    used[i] = 1;
    const [a, b] = segments[i];
    const forward = walk(b);
    const closed = forward[forward.length - 1] === a;
    const keys = closed ? [a, b, ...forward.slice(0, -1)] : [...walk(a).reverse(), a, b, ...forward];
    out.push({ points: keys.map((k) => points.get(k) as [number, number]), closed });
  }
  return out;
}

/** SVG path data for contours, scaled by `sx`, `sy` and offset by (ox, oy). */
export function contourPath(contours: Contour[], sx: number, sy: number, ox = 0, oy = 0): string {
  const r = (v: number): string => String(Math.round(v * 100) / 100);
  return contours
    .map((c) => c.points.map(([x, y], i) => `${i ? 'L' : 'M'}${r(ox + x * sx)} ${r(oy + y * sy)}`).join('') + (c.closed ? 'Z' : ''))
    .join('');
}
