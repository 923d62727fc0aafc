// The report's summary section: first after the header, values escaped and formatted, the marked
// cells bold, gallery thumbnails embedded at the stated size and linked to their files, paths that
// leave the run folder refused with a note, metrics folded below, garbled summary.json a one-line error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { writeReport } from './report.js';
import { SUMMARY_FILE, writePreview, type ReportSummary } from './summary.js';

async function run(summary: unknown): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'kensa-summary-'));
  await writeFile(join(dir, 'config.json'), JSON.stringify({ command: 'kensa segment x --out y' }));
  await writeFile(join(dir, 'metrics.json'), JSON.stringify({ images: 2, mIoU: 0.25 }));
  await writeFile(join(dir, SUMMARY_FILE), typeof summary === 'string' ? summary : JSON.stringify(summary));
  return dir;
}

const pngSize = async (uri: string): Promise<[number, number]> => {
  const m = await sharp(Buffer.from(uri.replace(/^data:image\/png;base64,/, ''), 'base64')).metadata();
  return [m.width ?? 0, m.height ?? 0];
};

test('summary: first section, escaped facts, bold best cells, thumbnails linked to their files', async () => {
  const s: ReportSummary = {
    verdict: 'Two images <segmented> & checked.',
    facts: [{ label: 'Mean labels', value: 3.14159265, note: 'per image' }],
    tables: [{ caption: 'AUROC', columns: ['head', 'msp', 'energy'], rows: [{ label: 'softmax', cells: [0.61, 0.7] }, { label: 'arcface', cells: [0.8, null] }], best: [[0, 1], [1, 0]] }],
    galleries: [{ caption: 'results', columns: 2, side: 64, items: [{ title: 'a b', images: [{ file: 'previews/a b.png' }, { file: '../outside.png' }] }] }],
  };
  const dir = await run(s);
  await mkdir(join(dir, 'previews'));
  // 300×150 grey ramp: the thumbnail keeps the aspect ratio inside 64×64 → 64×32
  const data = Uint8Array.from({ length: 300 * 150 }, (_, i) => i % 256);
  await writePreview(join(dir, 'previews', 'a b.png'), { data, width: 300, height: 150, channels: 1 }, 200);
  const preview = await sharp(join(dir, 'previews', 'a b.png')).metadata();
  assert.deepEqual([preview.width, preview.height], [200, 100]);
  const html = await readFile(await writeReport(dir), 'utf8');
  const order = ['<section id="summary">', '<section id="metrics">', '<section id="figures">'].map((k) => html.indexOf(k));
  assert.ok(order[0] > 0 && order[0] < order[1] && order[1] < order[2], `section order ${order}`);
  assert.ok(html.includes('<p class="verdict">Two images &lt;segmented&gt; &amp; checked.</p>'));
  assert.ok(html.includes('<dd>3.142 <small>per image</small></dd>'), 'four significant digits');
  assert.ok(html.includes('<td class="num"><b>0.7</b></td>') && html.includes('<td class="num"><b>0.8</b></td>'), 'marked cells are bold');
  assert.ok(html.includes('<td class="num">0.61</td>') && html.includes('<td>–</td>'));
  const thumb = html.match(/<a class="thumb" href="previews\/a%20b\.png"[^>]*><img src="(data:image\/png;base64,[^"]+)"/);
  assert.ok(thumb, 'thumbnail linked to the encoded file path');
  assert.deepEqual(await pngSize(thumb[1]), [64, 32]);
  assert.ok(!html.includes('outside.png"'), 'no link out of the run folder');
  assert.match(html, /Summary image \.\.\/outside\.png: path leaves the run folder/);
  assert.match(html, /<details><summary>Every value in metrics.json<\/summary>/);
  assert.match(html, /<nav><a href="#summary">Summary<\/a> · <a href="#metrics">/);
});

test('summary: more items than the limit are counted; garbled or wrong-shaped summary.json is an InputError naming it', async () => {
  const items = Array.from({ length: 60 }, (_, i) => ({ title: `i${i}`, images: [{ file: `x/${i}.png` }] }));
  const dir = await run({ galleries: [{ items }] });
  const html = await readFile(await writeReport(dir), 'utf8');
  assert.match(html, /48 of 60 shown; every file is in the run folder\./);
  assert.equal((html.match(/missing or unreadable/g) ?? []).length, 48, 'absent files are noted, not fatal');
  for (const bad of ['{"verdict": ', '{"verdict": 3}', '{"tables": {}}', '[1, 2]']) {
    const d = await run(bad);
    await assert.rejects(writeReport(d), (e: Error) => e.name === 'InputError' && e.message.includes(SUMMARY_FILE) && !e.message.includes('\n'));
  }
});
