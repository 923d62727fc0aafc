import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configHtml, flattenConfig } from './config-html.js';

test('flattenConfig gives dotted keys and keeps arrays as values', () => {
  assert.deepEqual(flattenConfig({ optim: { lr: 0.001, betas: [0.9, 0.999] }, seed: 1, empty: {} }), [
    ['optim.lr', 0.001],
    ['optim.betas', [0.9, 0.999]],
    ['seed', 1],
    ['empty', {}],
  ]);
});

test('configHtml escapes hostile keys and values', () => {
  const html = configHtml({ '<k>': '</td><script>x</script>', list: ['<a>', 1] });
  assert.ok(!html.includes('<script>') && !html.includes('<k>') && !html.includes('<a>'));
  assert.ok(html.includes('&lt;/td&gt;&lt;script&gt;x&lt;/script&gt;'));
  assert.ok(html.includes('&lt;a&gt;, 1'));
});
