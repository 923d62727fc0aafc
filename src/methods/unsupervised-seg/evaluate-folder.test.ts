// Folder evaluation on hand-made maps: a perfect prediction scores mIoU 1, PRI 1, VoI 0; a blank
// prediction against two halves scores the hand-computed values; size mismatches name the file.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { evaluateFolder } from './evaluate-folder.js';
import { writeLabelPng } from './label-output.js';

test('evaluateFolder: perfect and blank predictions, pooled mIoU, unmatched files, size mismatch', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kensa-eval-'));
  try {
    const gtDir = join(dir, 'gt');
    const pred = join(dir, 'pred');
    mkdirSync(gtDir);
    mkdirSync(pred);
    // 4×2 image, left half 1 and right half 2 (two annotators agree)
    const halves = { data: Int32Array.from([1, 1, 2, 2, 1, 1, 2, 2]), width: 4, height: 2 };
    await writeLabelPng(join(gtDir, 'a_0.png'), halves);
    await writeLabelPng(join(gtDir, 'a_1.png'), halves);
    await writeLabelPng(join(pred, 'a.png'), { ...halves, data: Int32Array.from([7, 7, 3, 3, 7, 7, 3, 3]) });
    await writeLabelPng(join(pred, 'orphan.png'), halves);
    const perfect = await evaluateFolder(pred, gtDir);
    assert.equal(perfect.n, 1);
    assert.equal(perfect.mIoU, 1);
    assert.equal(perfect.PRI, 1);
    assert.equal(perfect.VoI, 0);
    assert.deepEqual(perfect.unmatched, ['orphan.png']);
    // blank: each half has IoU 4/8 with the one segment → mIoU 0.5. Rand index: of the 28 pairs,
    // 12 lie within a half (agree), 16 straddle (disagree) → 12/28. VoI = H(G|P) = 1 bit.
    await writeLabelPng(join(pred, 'a.png'), { ...halves, data: new Int32Array(8) });
    const blank = await evaluateFolder(pred, gtDir);
    assert.ok(Math.abs(blank.mIoU - 0.5) < 1e-12);
    assert.ok(Math.abs(blank.PRI - 12 / 28) < 1e-12);
    assert.ok(Math.abs(blank.VoI - 1) < 1e-12);
    // connected-component relabelling splits a two-piece segment: left and right columns share id 5
    await writeLabelPng(join(pred, 'a.png'), { ...halves, data: Int32Array.from([5, 6, 6, 5, 5, 6, 6, 5]) });
    const split = await evaluateFolder(pred, gtDir);
    const joined = await evaluateFolder(pred, gtDir, { relabel: false });
    assert.equal(split.meanSegments, 3);
    assert.equal(joined.meanSegments, 2);
    await writeLabelPng(join(pred, 'a.png'), { data: new Int32Array(6), width: 3, height: 2 });
    await assert.rejects(evaluateFolder(pred, gtDir), /a\.png: is 3x2 but its ground truth a_0\.png is 4x2/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
