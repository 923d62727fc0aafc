import { test } from 'node:test';
import assert from 'node:assert/strict';
import { boxPlot, evenSubset } from './box-plot.js';
import { violinPlot } from './violin-plot.js';

test('evenSubset keeps both extremes', () => {
  assert.deepEqual(evenSubset([1, 2, 3, 4, 5], 3), [1, 3, 5]);
  assert.deepEqual(evenSubset([1, 2], 5), [1, 2]);
});

test('groups keep their given order on the axis, hostile names escaped', async () => {
  const groups = [{ name: 'z<b>', values: [1, 2, 3] }, { name: 'a', values: [2, 3, 4] }];
  for (const kind of [boxPlot, violinPlot]) {
    const svg = await kind.render({ groups });
    assert.ok(svg.indexOf('>z&lt;b&gt;</text>') >= 0 && svg.indexOf('>z&lt;b&gt;</text>') < svg.indexOf('>a</text>'), kind.name);
  }
});

test('an empty group is skipped, duplicate names refused', async () => {
  const svg = await boxPlot.render({ groups: [{ name: 'empty', values: [] }, { name: 'full', values: [1, 2, 3] }] });
  assert.ok(svg.includes('>full</text>'));
  await assert.rejects(boxPlot.render({ groups: [{ name: 'a', values: [1] }, { name: 'a', values: [1] }] }), /appears twice/);
});
