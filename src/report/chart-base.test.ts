// Shared chart helpers: even thinning of long series (line curves, ROC curves).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { thinEvenly } from './chart-base.js';
import { rocCurves } from './figures/roc-curves.js';

test('thinEvenly keeps short series whole, thins long ones evenly, always keeps both ends', () => {
  assert.deepEqual(thinEvenly([0, 0.5, 1], 200), [0, 0.5, 1]);
  const x = Array.from({ length: 1001 }, (_, i) => i);
  const t = thinEvenly(x, 200);
  assert.equal(t.length, 200);
  assert.equal(t[0], 0);
  assert.equal(t[199], 1000);
  // point k is round(k · 1000 / 199)
  assert.equal(t[1], 5);
  assert.equal(t[100], 503);
  assert.deepEqual(thinEvenly(Array.from({ length: 13 }, (_, i) => i), 4), [0, 4, 8, 12]);
  assert.deepEqual(thinEvenly(Array.from({ length: 11 }, (_, i) => i), 3), [0, 5, 10]);
});

test('roc-curves: maxPoints thins what is drawn, the AUC in the legend still uses every point', async () => {
  const n = 1001;
  const fpr = Array.from({ length: n }, (_, i) => i / (n - 1));
  const tpr = fpr.map((f) => Math.sqrt(f));
  const full = await rocCurves.render({ curves: [{ name: 'sqrt', fpr, tpr }] });
  const thin = await rocCurves.render({ curves: [{ name: 'sqrt', fpr, tpr }] }, { maxPoints: 50 });
  const legend = (svg: string): string => /sqrt \(AUC = [0-9.]+\)/.exec(svg)![0];
  assert.equal(legend(thin), legend(full));
  assert.equal(legend(full), 'sqrt (AUC = 0.667)');
  assert.ok(thin.length < full.length, `${thin.length} vs ${full.length}`);
});
