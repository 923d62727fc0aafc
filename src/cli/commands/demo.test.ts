// kensa demo end to end with the tiny budget (one libtorch thread): every part leaves its run
// folders and report, the index links all five, and each headline number beats its negative
// control by a margin (values measured at seed 0 are in the comments). Skipped with a message when
// the Debian packages that carry the embedded data are not installed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { missingSource } from '../../methods/demo/embedded-sources.js';

// The CLI of the build this test belongs to (dist*/src/cli/main.js).
const entry = fileURLToPath(new URL('../main.js', import.meta.url));
const kensa = (args: string[], env: Record<string, string> = {}) => {
  const r = spawnSync(process.execPath, [entry, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 600_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
};
const missing = missingSource('mricron') ?? missingSource('skimage');
const skip = missing ? `embedded demo data absent: ${missing}` : false;

interface DemoJson {
  index: string;
  parts: { name: string; headline: { value: number; control: number }; report: string; runs: string[] }[];
}

test('kensa demo --budget tiny: five run folders, an index linking their reports, every headline above its negative control', { skip, timeout: 600_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'kensa-demo-'));
  try {
    const out = join(dir, 'demo');
    const r = kensa(['demo', '--budget', 'tiny', '--threads', '1', '--out', out, '--json', '--quiet']);
    assert.equal(r.code, 0, r.stderr);
    const res = JSON.parse(r.stdout) as DemoJson;
    assert.equal(res.index, join(out, 'index.html'));
    assert.deepEqual(res.parts.map((p) => p.name), ['metric', 'explain', 'transfer', 'seg-ability', 'segment']);
    const html = readFileSync(res.index, 'utf8');
    for (const p of res.parts) {
      assert.ok(existsSync(join(out, p.report)), p.report);
      for (const run of p.runs) for (const f of ['config.json', 'metrics.json', 'report.html']) assert.ok(existsSync(join(out, run, f)), `${run}/${f}`);
      // the thumbnail links the part's report
      assert.ok(html.includes(`href="${p.report.split('/').map(encodeURIComponent).join('/')}"`), `index links ${p.report}`);
    }
    assert.equal((html.match(/<a class="thumb"/g) ?? []).length, 5);
    const part = (name: string) => res.parts.find((p) => p.name === name)!;
    const margin = (name: string, m: number): void => {
      const h = part(name).headline;
      assert.ok(h.value > h.control + m, `${name}: ${h.value} vs control ${h.control} (margin ${m} required)`);
    };
    margin('metric', 0.1); // unknown-class AUROC (Mahalanobis) 0.850 vs 0.5 (0.688 before the gap/cosine/warm-up/jitter defaults)
    margin('explain', 0.25); // classifier accuracy 0.917 vs chance 0.5
    margin('transfer', 0.2); // AdaBoost AUC 0.917 vs 0.5
    margin('seg-ability', 0.2); // test Dice 0.565 vs all-foreground 0.206 (blank: 0)
    margin('segment', 0.04); // mIoU 0.332 vs a single segment 0.250
    // closed-set accuracy of the metric part against chance over its 3 known classes (measured 1.00; 0.938 before the new defaults)
    const metric = JSON.parse(readFileSync(join(out, part('metric').runs[0], 'metrics.json'), 'utf8')) as { heads: { arcface: { closedSetTileAccuracy: number } } };
    assert.ok(metric.heads.arcface.closedSetTileAccuracy > 1 / 3 + 0.3, `closed-set ${metric.heads.arcface.closedSetTileAccuracy}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('kensa demo: a missing embedded package is one line naming the file and the package, and leaves no folder', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kensa-demo-'));
  try {
    const r = kensa(['demo', '--only', 'explain', '--out', join(dir, 'demo'), '--quiet'], { KENSA_MRICRON_DIR: join(dir, 'no-mricron') });
    assert.equal(r.code, 1);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /no-mricron\/ch2\.nii\.gz: missing: install the Debian package mricron-data/);
    assert.deepEqual(readdirSync(dir), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('kensa demo: --only names an unknown part, --data a folder without the layout', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kensa-demo-'));
  try {
    const a = kensa(['demo', '--only', 'metric,bogus', '--out', join(dir, 'a'), '--quiet']);
    assert.equal(a.code, 2);
    assert.match(a.stderr, /^kensa: --only: unknown part 'bogus' \(one of 1 metric, 2 explain, 3 transfer, 4 seg-ability, 5 segment\)\n$/);
    const b = kensa(['demo', '--only', 'segment', '--data', dir, '--out', join(dir, 'b'), '--quiet']);
    assert.equal(b.code, 1);
    assert.match(b.stderr, /^kensa: demo part 'segment': .*bsds500: not found \(--data expects the \.\.\/shared\/data layout/);
    assert.ok(!existsSync(join(dir, 'a')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
