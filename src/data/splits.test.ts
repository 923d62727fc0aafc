import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dataset } from '../util/data-root.js';
import { classFolderDataset } from './folder-datasets.js';
import { fileNumber, fileNumberKey, patternKey } from './group-key.js';
import { splitItems, type Split } from './splits.js';

interface It {
  id: number;
  cls: string;
  group: string;
}

/** 3 classes x 40 items, groups of 1-4 items within a class. */
function items(): It[] {
  const out: It[] = [];
  for (const cls of ['a', 'b', 'c']) {
    let n = 0;
    for (let g = 0; n < 40; g++) {
      for (let k = 0; k < 1 + (g % 4) && n < 40; k++, n++) out.push({ id: out.length, cls, group: `${cls}${g}` });
    }
  }
  return out;
}

function splitOf<T>(s: Split<T>): Map<T, string> {
  const m = new Map<T, string>();
  for (const name of ['train', 'val', 'test'] as const) for (const it of s[name]) m.set(it, name);
  return m;
}

test('every item lands in exactly one split; indices match items; input order kept', () => {
  const xs = items();
  const s = splitItems(xs, { seed: 1 });
  assert.equal(s.train.length + s.val.length + s.test.length, xs.length);
  assert.equal(new Set([...s.train, ...s.val, ...s.test]).size, xs.length);
  for (const name of ['train', 'val', 'test'] as const) {
    assert.deepEqual(s.indices[name].map((i) => xs[i]), s[name]);
    assert.deepEqual([...s.indices[name]].sort((a, b) => a - b), s.indices[name]);
  }
  // ungrouped, unstratified: 120 items, item midpoints (i + 0.5)/120 < 0.7 for i < 84
  assert.deepEqual([s.train.length, s.val.length, s.test.length], [84, 18, 18]);
});

test('same seed gives the same split; another seed a different one', () => {
  const xs = items();
  const opts = { seed: 5, stratifyBy: (i: It) => i.cls, groupBy: (i: It) => i.group };
  assert.deepEqual(splitItems(xs, opts).indices, splitItems(xs, opts).indices);
  assert.notDeepEqual(splitItems(xs, opts).indices, splitItems(xs, { ...opts, seed: 6 }).indices);
});

test('stratified: each class split by the fractions', () => {
  const xs = items();
  const s = splitItems(xs, { seed: 2, fractions: [0.5, 0.25, 0.25], stratifyBy: (i) => i.cls });
  // 40 per class: midpoints (i + 0.5)/40 < 0.5 for i < 20, < 0.75 for i < 30
  for (const cls of ['a', 'b', 'c']) {
    assert.deepEqual(
      [s.train, s.val, s.test].map((p) => p.filter((i) => i.cls === cls).length),
      [20, 10, 10],
      `class ${cls}`,
    );
  }
});

test('grouped: no group straddles splits, for many seeds; sizes stay near the fractions', () => {
  const xs = items();
  for (let seed = 0; seed < 20; seed++) {
    const s = splitItems(xs, { seed, stratifyBy: (i) => i.cls, groupBy: (i) => i.group });
    const where = splitOf(s);
    const groupSplit = new Map<string, string>();
    for (const it of xs) {
      const sp = where.get(it)!;
      assert.equal(groupSplit.get(it.group) ?? sp, sp, `group ${it.group} straddles (seed ${seed})`);
      groupSplit.set(it.group, sp);
    }
    // groups hold at most 4 items, so each class's train part is within 4 of 28
    for (const cls of ['a', 'b', 'c']) assert.ok(Math.abs(s.train.filter((i) => i.cls === cls).length - 28) <= 4);
  }
});

test('bad fractions are an OptionError', () => {
  assert.throws(() => splitItems([1, 2], { fractions: [0, 0, 0] }), /fractions/);
  assert.throws(() => splitItems([1, 2], { fractions: [-1, 1, 1] }), /fractions/);
});

test('fileNumber and fileNumberKey: last digits, blocks, folder scope', () => {
  assert.equal(fileNumber('/d/NCM333_1157.jpg'), 1157);
  assert.equal(fileNumber('/d/IXI059-HH-1284_T1.nii.gz', { which: 'first' }), 59);
  assert.equal(fileNumber('/d/IXI059-HH-1284_T1.nii.gz'), 1);
  assert.equal(fileNumber('plain.png'), undefined);
  const key = fileNumberKey({ blockSize: 20 });
  assert.equal(key('/d/A/NCM_0019.jpg'), key('/d/A/NCM_0000.jpg'));
  assert.notEqual(key('/d/A/NCM_0020.jpg'), key('/d/A/NCM_0019.jpg'));
  assert.notEqual(key('/d/A/NCM_0001.jpg'), key('/d/B/NCM_0001.jpg'));
  assert.equal(fileNumberKey({ scope: 'global' })('/d/A/x_7.png'), fileNumberKey({ scope: 'global' })('/d/B/y_7.png'));
  assert.throws(() => key('/d/plain.png'), /holds no number/);
  assert.throws(() => fileNumberKey({ blockSize: 0 }), /blockSize/);
  assert.equal(patternKey(/^(IXI\d+)/)('/x/IXI059-HH-1284_T1.nii.gz'), 'IXI059');
});

const sem = dataset('sem-ncm');
test('sem-ncm split by file-number blocks: stratified, no block straddles, reproducible', { skip: sem.skip }, async () => {
  const ds = await classFolderDataset(sem.path!);
  const key = fileNumberKey({ blockSize: 20 });
  const opts = { seed: 3, stratifyBy: (i: (typeof ds.items)[number]) => i.label, groupBy: (i: (typeof ds.items)[number]) => key(i.path) };
  const s = splitItems(ds.items, opts);
  assert.deepEqual(s.indices, splitItems(ds.items, opts).indices);
  const where = splitOf(s);
  const seen = new Map<string, string>();
  for (const it of ds.items) {
    const k = key(it.path);
    assert.equal(seen.get(k) ?? where.get(it), where.get(it), `block ${k} straddles`);
    seen.set(k, where.get(it)!);
  }
  for (let c = 0; c < 4; c++) {
    const counts = [s.train, s.val, s.test].map((p) => p.filter((i) => i.label === c).length);
    assert.ok(counts.every((n) => n > 0), `class ${c}: ${counts}`);
    assert.ok(Math.abs(counts[0] - 0.7 * 45) <= 8, `class ${c}: ${counts}`);
  }
});

test('orderBy: each class is cut into contiguous train | val | test blocks in sequence order', () => {
  // Items listed out of order; the sequence position is the reversed id within each class.
  const xs = items().reverse();
  const pos = (i: It): number => 1000 - i.id;
  const s = splitItems(xs, { fractions: [0.5, 0.25, 0.25], stratifyBy: (i) => i.cls, groupBy: (i) => i.group, orderBy: pos });
  for (const cls of ['a', 'b', 'c']) {
    const [tr, va, te] = [s.train, s.val, s.test].map((p) => p.filter((i) => i.cls === cls).map(pos));
    assert.ok(tr.length > 0 && va.length > 0 && te.length > 0, cls);
    // every train position precedes every val position, which precede every test position
    assert.ok(Math.max(...tr) < Math.min(...va) && Math.max(...va) < Math.min(...te), `class ${cls}: ${tr} | ${va} | ${te}`);
  }
  // groups are still whole, and the seed does not matter
  const where = splitOf(s);
  for (const it of xs) assert.equal(where.get(it), where.get(xs.find((j) => j.group === it.group)!));
  assert.deepEqual(splitItems(xs, { seed: 9, fractions: [0.5, 0.25, 0.25], stratifyBy: (i) => i.cls, groupBy: (i) => i.group, orderBy: pos }).indices, s.indices);
});

test('orderBy + testBlock: the chosen block is test, the block before it val (wrapping), the rest train; guard drops train neighbours of test', () => {
  // one class of 40 items at positions 0..39, each its own group
  const xs = Array.from({ length: 40 }, (_, i) => ({ id: i }));
  const pos = (i: { id: number }): number => i.id;
  const cut = (o: { testBlock?: number; guard?: number }): number[][] => {
    const s = splitItems(xs, { fractions: [0.6, 0.2, 0.2], orderBy: pos, ...o });
    return [s.train, s.val, s.test].map((p) => p.map(pos));
  };
  const range = (a: number, b: number): number[] => Array.from({ length: b - a }, (_, k) => a + k);
  assert.deepEqual(cut({}), [range(0, 24), range(24, 32), range(32, 40)]);
  assert.deepEqual(cut({ testBlock: 4 }), cut({}));
  assert.deepEqual(cut({ testBlock: 0 }), [range(8, 32), range(32, 40), range(0, 8)]);
  assert.deepEqual(cut({ testBlock: 2 }), [[...range(0, 8), ...range(24, 40)], range(8, 16), range(16, 24)]);
  // guard 2: train items 24, 25 (after test 16..23) are left out; 6, 7 border val, not test
  assert.deepEqual(cut({ testBlock: 2, guard: 2 }), [[...range(0, 8), ...range(26, 40)], range(8, 16), range(16, 24)]);
  assert.deepEqual(cut({ testBlock: 0, guard: 3 }), [range(11, 32), range(32, 40), range(0, 8)]);
  // the default block has no train item next to test: the guard changes nothing
  assert.deepEqual(cut({ guard: 3 }), cut({}));
  assert.throws(() => cut({ testBlock: 5 }), /testBlock.*\[0, 4\]/);
  assert.throws(() => splitItems(xs, { testBlock: 0 }), /needs orderBy/);
});
