// metric openset-eval under kensa launch --nproc 2: each rank trains every other fold and the
// results reach rank 0 over the process group (an all-gather, not the filesystem: rank 1 writes
// only its private copy of the run folder); the report and metrics.json equal the single-process
// run's apart from training times, and rank 0's log lists only its own folds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { distAvailable } from './native-dist.js';
import { Rng } from '../data/rng.js';
import { writeGreyPng } from '../data/fixtures-support.js';

const MAIN = fileURLToPath(new URL('../cli/main.js', import.meta.url));
const skip = distAvailable() ? false : 'the kensa addon in use was built without process groups (needs libgloo-dev at build time)';
const KINDS: Record<string, (x: number, y: number, rng: Rng) => boolean> = {
  checker: (x, y) => (Math.floor(x / 4) + Math.floor(y / 4)) % 2 === 1,
  dots: (x, y) => x % 6 < 2 && y % 6 < 2,
  speckle: (_x, _y, rng) => rng.next() < 0.5,
  stripes: (_x, y) => y % 8 < 4,
};
const noTimes = (v: unknown): unknown => JSON.parse(JSON.stringify(v, (k, x) => (['trainSeconds', 'seconds', 'tilesPerSecond'].includes(k) ? undefined : x)));

test('openset-eval folds spread over 2 ranks = the single-process run (apart from training times)', { skip, timeout: 400_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kensa-openset-ranks-'));
  try {
    const data = join(dir, 'data');
    const rng = new Rng(11);
    for (const [name, on] of Object.entries(KINDS)) {
      mkdirSync(join(data, name), { recursive: true });
      for (let n = 0; n < 8; n++) await writeGreyPng(join(data, name, `${name}-${n}.png`), 48, 48, (x, y) => (on(x, y, rng) ? 150 : 110) + Math.round((rng.next() - 0.5) * 20));
    }
    // 2 heads x 2 held-out classes = 4 folds: rank 0 trains folds 0 and 2, rank 1 folds 1 and 3
    const args = (out: string): string[] => ['metric', 'openset-eval', '--data', data, '--guard', '0', '--tile-size', '24', '--downsample', '2', '--width', '4', '--embedding-size', '4', '--batch-size', '16', '--val-fraction', '0.25', '--test-fraction', '0.25', '--heads', 'softmax,cosface', '--hold-out', 'dots,stripes', '--epochs', '1', '--out', out, '--threads', '1', '--quiet'];
    const env = { ...process.env, OMP_NUM_THREADS: '1' };
    const one = spawnSync(process.execPath, [MAIN, ...args(join(dir, 'one'))], { encoding: 'utf8', env });
    assert.equal(one.status, 0, one.stderr);
    const two = spawnSync(process.execPath, [MAIN, 'launch', '--nproc', '2', '--timeout', '120', '--', ...args(join(dir, 'two'))], { encoding: 'utf8', env });
    assert.equal(two.status, 0, `${two.stdout}\n${two.stderr}`);
    const m1 = JSON.parse(readFileSync(join(dir, 'one', 'metrics.json'), 'utf8')) as { folds: { head: string; unknownClass: string }[] };
    const m2 = JSON.parse(readFileSync(join(dir, 'two', 'metrics.json'), 'utf8'));
    assert.equal(m1.folds.length, 4);
    assert.deepEqual(noTimes(m2), noTimes(m1), 'metrics.json of 2 ranks = 1 process');
    const figures = (run: string): unknown => (JSON.parse(readFileSync(join(dir, run, 'figures.json'), 'utf8')) as { figures: { name: string }[] }).figures.map((f) => f.name);
    assert.deepEqual(figures('two'), figures('one'));
    // rank 0 reported only its own folds (0 and 2): the other two came over the group
    const folds = (run: string): string[] => [...readFileSync(join(dir, run, 'log.txt'), 'utf8').matchAll(/ (\S+): closed-set tiles/g)].map((x) => x[1]);
    const all = folds('one');
    assert.equal(all.length, 4);
    assert.deepEqual(folds('two'), [all[0], all[2]]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
