import { test } from 'node:test';
import assert from 'node:assert/strict';
import { metricsHtml } from './metrics-html.js';

test('scalars become key/value rows with sensible precision', () => {
  const html = metricsHtml({ accuracy: 0.912345678, epochs: 30, model: 'resnet18', best: null });
  assert.ok(html.includes('<th scope="row">accuracy</th><td class="num">0.9123</td>'));
  assert.ok(html.includes('<td class="num">30</td>'));
  assert.ok(html.includes('<td>—</td>'));
});

test('per-class objects become one matrix; records a table; a confusion matrix a grid', () => {
  const html = metricsHtml({
    perClass: { cell: { precision: 0.9, recall: 0.8 }, debris: { precision: 0.5, recall: 0.25 } },
    history: [{ epoch: 1, loss: 2.5 }, { epoch: 2, loss: 1.25 }],
    confusion: [[5, 1], [2, 7]],
  });
  assert.match(html, /<h3>perClass<\/h3>\n<table class="grid"><thead><tr><th><\/th><th scope="col">precision<\/th><th scope="col">recall<\/th>/);
  assert.ok(html.includes('<th scope="row">debris</th><td class="num">0.5</td><td class="num">0.25</td>'));
  assert.ok(html.includes('<th scope="col">epoch</th><th scope="col">loss</th>'));
  assert.ok(html.includes('<table class="grid matrix">'));
});

test('deep nesting gets headings with the path; long series are summarised', () => {
  const html = metricsHtml({ ood: { layer4: { auroc: 0.9, scores: Array.from({ length: 100 }, (_, i) => i / 10) } } });
  assert.ok(html.includes('<h3>ood</h3>'));
  assert.ok(html.includes('<h4>ood › layer4</h4>'));
  assert.ok(html.includes('100 values: 0, 0.1, …, 9.9; min 0, max 9.9'));
});

test('hostile keys and values are escaped', () => {
  const html = metricsHtml({ '<img src=x onerror=alert(1)>': '<script>alert("x")</script>', nested: { '"&': { a: '<b>' } } });
  assert.ok(!html.includes('<script>') && !html.includes('<img') && !html.includes('<b>'));
  assert.ok(html.includes('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'));
  assert.ok(html.includes('&lt;img src=x onerror=alert(1)&gt;'));
});

test('long record lists are cut with a note', () => {
  const html = metricsHtml({ rows: Array.from({ length: 60 }, (_, i) => ({ i })) }, { maxRows: 5 });
  assert.ok(html.includes('Showing 5 of 60 rows.'));
});
