import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lineCurves } from './figures/line-curves.js';
import { RunFigures, readFigureManifest } from './run-figures.js';

const SVG = '<svg xmlns="http://www.w3.org/2000/svg"></svg>';

test('addFigure writes figures/<name>.svg and lists it; concurrent adds all land in the manifest', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'kensa-figs-'));
  const figs = new RunFigures(dir);
  await Promise.all(['a', 'b', 'c', 'd'].map((n) => figs.addFigure(n, SVG, { caption: `caption ${n}` })));
  assert.deepEqual((await figs.list()).map((f) => f.name), ['a', 'b', 'c', 'd']);
  assert.equal(await readFile(join(dir, 'figures', 'c.svg'), 'utf8'), SVG);
  assert.deepEqual((await readdir(join(dir, 'figures'))).sort(), ['a.svg', 'b.svg', 'c.svg', 'd.svg']);
  assert.deepEqual((await readdir(dir)).sort(), ['figures', 'figures.json']);
});

test('re-adding a name replaces its entry in place; add() records the kind', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'kensa-figs-'));
  const figs = new RunFigures(dir);
  await figs.addFigure('x', SVG, { caption: 'old' });
  const { data } = lineCurves.example();
  await figs.add(lineCurves, 'loss', data, { yTitle: 'Loss' }, 'Training loss');
  await figs.addFigure('x', SVG, { caption: 'new' });
  const list = await figs.list();
  assert.deepEqual(list.map((f) => [f.name, f.caption, f.kind]), [['x', 'new', undefined], ['loss', 'Training loss', 'line-curves']]);
});

test('unsafe names and non-SVG content are refused', async () => {
  const figs = new RunFigures(await mkdtemp(join(tmpdir(), 'kensa-figs-')));
  assert.throws(() => figs.addFigure('../evil', SVG), /figure name/);
  assert.throws(() => figs.addFigure('.hidden', SVG), /figure name/);
  assert.throws(() => figs.addFigure('ok', '<html>'), /not an SVG/);
});

test('readFigureManifest: absent → empty, garbled → InputError naming the file', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'kensa-figs-'));
  assert.deepEqual((await readFigureManifest(dir)).figures, []);
  await writeFile(join(dir, 'figures.json'), '{"figures": [');
  await assert.rejects(readFigureManifest(dir), /figures\.json: not valid JSON/);
  await writeFile(join(dir, 'figures.json'), '{"figures": [{"name": 3}]}');
  await assert.rejects(readFigureManifest(dir), /figures\[0\] needs string "name" and "file"/);
});
