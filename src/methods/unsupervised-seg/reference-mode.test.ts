// Reference mode: train on a folder's images, save, load, and apply to an image of another size
// with the same labels as the network that was saved; bad weight files are one-line errors.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { FloatPlanes } from '../../io/types.js';
import { InputError } from '../../util/errors.js';
import { applyReference, loadReferenceNet, saveReferenceNet, trainReference } from './reference-mode.js';

function picture(w: number, h: number, phase: number): FloatPlanes {
  const data = new Float32Array(3 * w * h);
  for (let c = 0; c < 3; c++)
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data[(c * h + y) * w + x] = (Math.sin((x + phase) / 3 + c) + Math.cos(y / 4)) / 4 + 0.5;
  return { channels: 3, width: w, height: h, data };
}

test('reference mode: train, save, load, apply at another size gives the same labels', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kensa-ref-'));
  try {
    const r = await trainReference([picture(16, 16, 0), picture(16, 16, 5)], { channels: 8, updatesPerImage: 3 });
    assert.equal(r.lossHistory.length, 6);
    assert.ok(r.lossHistory.every(Number.isFinite));
    const path = join(dir, 'ref.safetensors');
    saveReferenceNet(r.net, path);
    const other = picture(20, 13, 2);
    const before = applyReference(r.net, other);
    const loaded = loadReferenceNet(path);
    assert.equal(loaded.options.channels, 8);
    assert.equal(loaded.options.nConv, 2);
    const after = applyReference(loaded, other);
    assert.equal(after.labels.length, 20 * 13);
    assert.deepEqual(after.labels, before.labels);
    assert.ok(after.labelCount >= 1 && after.labelCount <= 8);
    r.net.dispose();
    loaded.dispose();
    writeFileSync(join(dir, 'garbage.safetensors'), 'not weights at all');
    assert.throws(() => loadReferenceNet(join(dir, 'garbage.safetensors')), (e: unknown) => e instanceof InputError && /garbage\.safetensors: /.test(e.message) && !e.message.includes('\n'));
    assert.throws(() => loadReferenceNet(join(dir, 'absent.safetensors')), /absent\.safetensors: no such file/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
