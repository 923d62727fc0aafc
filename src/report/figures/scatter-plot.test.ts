import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scatterPlot } from './scatter-plot.js';

test('unknown points are black crosses drawn after (on top of) known points; centroids are diamonds', async () => {
  const svg = await scatterPlot.render({
    x: [0, 1, 2, 3],
    y: [0, 1, 0, 1],
    labels: ['unknown', 'a', 'b', 'a'],
    centroids: [{ label: 'a', x: 2, y: 1 }],
  });
  const marks = [...svg.matchAll(/aria-label="([^"]*)"[^>]*aria-roledescription="point"[^>]*fill="(#[0-9a-f]+)"/g)];
  const classes = marks.map((m) => /Class: (\w+)/.exec(m[1])?.[1]);
  assert.deepEqual(classes.slice(0, 4), ['a', 'b', 'a', 'unknown']);
  assert.equal(marks[3][2], '#111111');
  assert.equal(marks.length, 5);
});

test('numeric labels sort numerically in the legend', async () => {
  const svg = await scatterPlot.render({ x: [0, 1, 2], y: [0, 1, 2], labels: [10, 2, 1] });
  const order = ['1', '2', '10'].map((l) => svg.indexOf(`>${l}</text>`));
  assert.ok(order[0] < order[1] && order[1] < order[2], `legend order ${order}`);
});

test('mismatched lengths give a clear error', async () => {
  await assert.rejects(scatterPlot.render({ x: [0, 1], y: [0], labels: ['a', 'b'] }), /same length/);
});
