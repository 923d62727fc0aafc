import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderVegaLite, stableIds } from './vega-render.js';

test('stableIds renumbers clip ids by appearance and leaves text alone', () => {
  const a = stableIds('<clipPath id="clip7"/><g clip-path="url(#clip7)"><text>clip7</text></g>');
  const b = stableIds('<clipPath id="clip9"/><g clip-path="url(#clip9)"><text>clip7</text></g>');
  assert.equal(a, b);
  assert.match(a, /id="k[0-9a-f]{8}-clip1"/);
  assert.ok(a.includes('<text>clip7</text>'));
});

test('renderVegaLite renders a minimal spec headless and rejects an invalid one', async () => {
  const svg = await renderVegaLite({ data: { values: [{ a: 1 }] }, mark: 'point', encoding: { x: { field: 'a', type: 'quantitative', title: 'Alpha' } } });
  assert.ok(svg.startsWith('<svg'));
  assert.ok(svg.includes('Alpha'));
  await assert.rejects(renderVegaLite({ mark: 'no-such-mark' }));
});
