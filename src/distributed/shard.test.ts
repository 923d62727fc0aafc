// --shard R/N: parts cover every input exactly once; bad values are one-line errors; classify
// predict with --shard 0/3, 1/3, 2/3 predicts each file of a folder exactly once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseShard, shardFiles } from './shard.js';
import { writeHeadSet } from '../testing/synthetic-heads.js';

const MAIN = fileURLToPath(new URL('../cli/main.js', import.meta.url));

test('shards of 0..n cover every item exactly once, in balanced parts', () => {
  for (const n of [0, 1, 7, 10]) {
    for (const count of [1, 3, 4]) {
      const items = Array.from({ length: n }, (_, i) => i);
      const parts = Array.from({ length: count }, (_, index) => shardFiles(items, { index, count }));
      assert.deepEqual(parts.flat().sort((a, b) => a - b), items);
      const sizes = parts.map((p) => p.length);
      assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1);
    }
  }
  assert.deepEqual(shardFiles(['a', 'b', 'c', 'd', 'e'], parseShard('1/2')), ['b', 'd']);
  assert.deepEqual(shardFiles(['a'], parseShard(undefined)), ['a']);
  assert.throws(() => parseShard('2/2'), /^OptionError: --shard: R must be below N \(0..1\), got 2\/2$/);
  assert.throws(() => parseShard('1/0'), /--shard: N must be at least 1/);
  assert.throws(() => parseShard('half'), /--shard: expected R\/N/);
});

test('classify predict --shard 0/3, 1/3, 2/3 predicts every file of the folder exactly once', { timeout: 180_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kensa-shard-'));
  try {
    await writeHeadSet(join(dir, 'data'), 4, 2);
    const common = ['--threads', '1', '--quiet'];
    const t = spawnSync(process.execPath, [MAIN, 'classify', 'train', '--data', join(dir, 'data'), '--out', join(dir, 'model'), '--size', '32', '--slices', '0.4:0.6', '--width', '4', '--batch-size', '4', '--epochs', '1', '--augment', 'none', ...common], { encoding: 'utf8' });
    assert.equal(t.status, 0, t.stderr);
    const predicted = (shard?: string): string[] => {
      const r = spawnSync(process.execPath, [MAIN, 'classify', 'predict', join(dir, 'data', 'big'), join(dir, 'data', 'small'), '--model', join(dir, 'model'), '--json', ...(shard ? ['--shard', shard] : []), ...common], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      const j = JSON.parse(r.stdout) as { predictions?: { path: string }[] } | { path: string }[];
      const list = Array.isArray(j) ? j : (j.predictions ?? []);
      return list.map((p) => p.path);
    };
    const all = predicted();
    assert.equal(all.length, 8);
    const parts = ['0/3', '1/3', '2/3'].map((s) => predicted(s));
    assert.deepEqual(parts.map((p) => p.length), [3, 3, 2]);
    assert.deepEqual(parts.flat().sort(), [...all].sort());
    const bad = spawnSync(process.execPath, [MAIN, 'classify', 'predict', join(dir, 'data', 'big'), '--model', join(dir, 'model'), '--shard', '3/3', ...common], { encoding: 'utf8' });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /^kensa: --shard: R must be below N/m);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
