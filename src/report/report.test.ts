import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../util/data-root.js';
import { heatmapOverlay } from './figures/heatmap-overlay.js';
import { rocCurves } from './figures/roc-curves.js';
import { writeReport } from './report.js';
import { RunFigures } from './run-figures.js';

const FIXTURE = join(packageRoot(), 'tests', 'fixtures', 'report', 'run-basic');

/** A copy of the fixture run in a temp folder, with two figures added through RunFigures. */
async function fixtureRun(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'kensa-report-'));
  await cp(FIXTURE, dir, { recursive: true });
  const figs = new RunFigures(dir);
  const roc = rocCurves.example();
  await figs.add(rocCurves, 'roc', roc.data, roc.options, 'ROC on the test set <n = 300> & "held-out"');
  const heat = heatmapOverlay.example();
  await figs.add(heatmapOverlay, 'cam', heat.data, heat.options, 'Grad-CAM of class "cell"');
  return dir;
}

test('report from a fixture run holds every figure and table, self-contained', async () => {
  const dir = await fixtureRun();
  const out = await writeReport(dir);
  assert.equal(out, join(dir, 'report.html'));
  const html = await readFile(out, 'utf8');
  assert.ok(html.startsWith('<!doctype html>'));
  // header: title from the command, the date
  assert.ok(html.includes('<h1>kensa train --model resnet18 --out runs/&lt;b&gt;demo&lt;/b&gt;</h1>'));
  assert.ok(html.includes('2024-05-01T10:00:00Z'));
  // every figure, numbered, embedded as a data URI, with its caption escaped
  assert.equal((html.match(/<figure /g) ?? []).length, 2);
  assert.equal((html.match(/<img src="data:image\/svg\+xml;base64,/g) ?? []).length, 2);
  assert.ok(html.includes('<b>Figure 1.</b> ROC on the test set &lt;n = 300&gt; &amp; &quot;held-out&quot;'));
  assert.ok(html.includes('<b>Figure 2.</b> Grad-CAM of class &quot;cell&quot;'));
  const roc = html.match(/data:image\/svg\+xml;base64,([A-Za-z0-9+/=]+)/)?.[1] ?? '';
  assert.ok(Buffer.from(roc, 'base64').toString('utf8').includes('ResNet-18 (AUC = 0.938)'));
  // metrics tables
  assert.ok(html.includes('<th scope="row">accuracy</th><td class="num">0.9123</td>'));
  assert.ok(html.includes('<th scope="col">precision</th>'));
  assert.ok(html.includes('<table class="grid matrix">'));
  assert.ok(html.includes('<h4>ood › layer4</h4>') || html.includes('<h3>ood</h3>'));
  assert.ok(html.includes('<td class="num">0.8765</td>'));
  // config table with dotted keys, arrays joined
  assert.ok(html.includes('<code>optim.lr</code></th><td class="num">3e-4</td>'));
  assert.ok(html.includes('cell, debris, nucleus'));
  // log tail
  assert.ok(html.includes('epoch 2 loss 1.2 &lt;warn &amp; &quot;quote&quot;&gt;'));
  // self-contained: no external resources, no scripts
  assert.ok(!/<script|<link|src="(?!data:)|url\((?!#)/i.test(html), 'no scripts or external references');
  // no temp files left behind
  assert.deepEqual((await readdir(dir)).filter((n) => n.endsWith('.tmp')), []);
});

test('hostile strings in config and metrics are escaped', async () => {
  const dir = await fixtureRun();
  const html = await readFile(await writeReport(dir), 'utf8');
  assert.ok(!html.includes("<script>alert('config')"));
  assert.ok(!html.includes('<script>alert(2)'));
  assert.ok(!html.includes('<img src=x'));
  assert.ok(html.includes('&lt;/td&gt;&lt;script&gt;alert(&#39;config&#39;)&lt;/script&gt;'));
  assert.ok(html.includes('&lt;script&gt;alert(2)&lt;/script&gt;'));
  assert.ok(html.includes('&lt;img src=x onerror=alert(1)&gt;'));
});

test('the same run gives the same report', async () => {
  const dir = await fixtureRun();
  const a = await readFile(await writeReport(dir), 'utf8');
  const b = await readFile(await writeReport(dir), 'utf8');
  assert.equal(a, b);
});

test('a run with only config.json still gets a report that says what is missing', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'kensa-report-'));
  await writeFile(join(dir, 'config.json'), '{"seed": 1}');
  const html = await readFile(await writeReport(dir, { title: 'Bare run' }), 'utf8');
  assert.ok(html.includes('<h1>Bare run</h1>'));
  assert.ok(html.includes('No metrics.json in this run.'));
  assert.ok(html.includes('No figures in this run.'));
});

test('figures: unlisted files are shown, missing and escaping paths become warnings', async () => {
  const dir = await fixtureRun();
  await writeFile(join(dir, 'figures', 'extra.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  const manifest = JSON.parse(await readFile(join(dir, 'figures.json'), 'utf8'));
  manifest.figures.push({ name: 'gone', file: 'figures/gone.svg', caption: '' }, { name: 'evil', file: '../../etc/passwd.svg', caption: '' });
  await writeFile(join(dir, 'figures.json'), JSON.stringify(manifest));
  const html = await readFile(await writeReport(dir), 'utf8');
  assert.equal((html.match(/<figure /g) ?? []).length, 3);
  assert.ok(html.includes('data-name="extra"'));
  assert.ok(html.includes('figure file missing: figures/gone.svg'));
  assert.ok(html.includes('path leaves the run folder: ../../etc/passwd.svg'));
});

test('garbled metrics.json is a clear error and leaves no report behind', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'kensa-report-'));
  await writeFile(join(dir, 'metrics.json'), '{"accuracy": 0.9, ');
  await assert.rejects(writeReport(dir), /metrics\.json: not valid JSON/);
  assert.deepEqual(await readdir(dir), ['metrics.json']);
  await assert.rejects(writeReport(join(dir, 'no-such-run')), /run folder not found/);
});
