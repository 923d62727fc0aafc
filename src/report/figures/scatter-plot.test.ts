import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scatterPlot } from './scatter-plot.js';

/** Vertices of a path made of M/L/Z commands (undefined when it holds curves or arcs). */
function polygon(d: string): [number, number][] | undefined {
  if (/[AaCcQqSsTt]/.test(d)) return undefined;
  return [...d.matchAll(/[ML](-?[\d.]+),(-?[\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
}

test('unknown points are black crosses drawn after (on top of) known points; centroids are diamonds', async () => {
  const svg = await scatterPlot.render({
    x: [0, 1, 2, 3],
    y: [0, 1, 0, 1],
    labels: ['unknown', 'a', 'b', 'a'],
    centroids: [{ label: 'a', x: 2, y: 1 }],
  });
  const marks = [...svg.matchAll(/<path aria-label="([^"]*)"[^>]*aria-roledescription="point"[^>]*transform="translate\(([-\d.]+),([-\d.]+)\)"[^>]*d="([^"]*)"[^>]*fill="(#[0-9a-f]+)"/g)]
    .map((m) => ({ cls: /Class: (\w+)/.exec(m[1])?.[1], x: Number(m[2]), y: Number(m[3]), d: m[4], fill: m[5] }));
  assert.equal(marks.length, 5);
  // drawing order: the three known points, then the unknown one, then the centroid
  assert.deepEqual(marks.slice(0, 4).map((m) => m.cls), ['a', 'b', 'a', 'unknown']);
  for (const m of marks.slice(0, 3)) assert.equal(polygon(m.d), undefined, `known point ${m.cls} is a circle (arcs)`);
  // a cross (plus sign): 12 vertices, each with one coordinate ±r on an arm's side and the other ±r
  // or ±R, r < R, the same shape under quarter turns
  const cross = polygon(marks[3].d)!;
  assert.equal(marks[3].fill, '#111111');
  assert.equal(cross.length, 12, marks[3].d);
  const abs = [...new Set(cross.flat().map((v) => Math.abs(v)))].sort((p, q) => p - q);
  assert.equal(abs.length, 2, `two distances ${abs}`);
  const [r, R] = abs;
  assert.ok(r > 0 && r < R);
  for (const [x, y] of cross) assert.equal(Math.min(Math.abs(x), Math.abs(y)), r, `vertex (${x}, ${y}) on an arm`);
  const key = (v: [number, number][]): string => v.map(([x, y]) => `${x},${y}`).sort().join(' ');
  assert.equal(key(cross.map(([x, y]) => [-y, x])), key(cross), 'quarter-turn symmetric');
  // a diamond: 4 vertices on the axes at one distance, in class a's colour, at the centroid's
  // position (x of b's point at x = 2, y of a's point at y = 1)
  const diamond = polygon(marks[4].d)!;
  assert.equal(diamond.length, 4, marks[4].d);
  const h = Math.abs(diamond[0][0] || diamond[0][1]);
  assert.deepEqual(key(diamond), key([[-h, 0], [0, -h], [h, 0], [0, h]]));
  assert.equal(marks[4].cls, 'a');
  assert.equal(marks[4].fill, marks[0].fill);
  assert.deepEqual([marks[4].x, marks[4].y], [marks[1].x, marks[0].y]);
});

test('numeric labels sort numerically in the legend', async () => {
  const svg = await scatterPlot.render({ x: [0, 1, 2], y: [0, 1, 2], labels: [10, 2, 1] });
  const order = ['1', '2', '10'].map((l) => svg.indexOf(`>${l}</text>`));
  assert.ok(order[0] < order[1] && order[1] < order[2], `legend order ${order}`);
});

test('mismatched lengths give a clear error', async () => {
  await assert.rejects(scatterPlot.render({ x: [0, 1], y: [0], labels: ['a', 'b'] }), /same length/);
});
