#!/usr/bin/env node
// Longer local fuzzing of every reader (the unit test runs a CI-sized budget of the same fuzzer):
//   node scripts/fuzz.mjs [--dist dist] [--cases 500] [--seed 1] [--targets png,dicom] [--time-limit 10000] [--keep DIR] [--samples]
// Findings (anything but success or a one-line InputError: other errors, hangs, native aborts)
// are listed with their mutations; --keep copies their files to DIR for regression tests.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const dist = resolve(opt('dist', 'dist'));
const load = (p) => import(pathToFileURL(join(dist, p)).href);
const { fuzz, keepFinding } = await load('src/testing/fuzz.js');
const { fuzzSeeds, FUZZ_TARGETS } = await load('src/testing/fuzz-targets.js');
const { dataRoot } = await load('src/util/data-root.js');

const work = mkdtempSync(join(tmpdir(), 'kensa-fuzz-'));
const all = await fuzzSeeds(dataRoot(), work);
const wanted = (opt('targets', '') || FUZZ_TARGETS.join(',')).split(',');
const seeds = Object.fromEntries(Object.entries(all).filter(([t]) => wanted.includes(t)));
const report = await fuzz({
  seeds,
  casesPerTarget: Number(opt('cases', '500')),
  seed: Number(opt('seed', '1')),
  timeLimitMs: Number(opt('time-limit', '10000')),
  workDir: join(work, 'cases'),
});
for (const [t, c] of Object.entries(report.perTarget)) console.log(`${t.padEnd(20)} ${Object.entries(c).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`).join(', ')}`);
if (args.includes('--samples')) for (const [t, m] of Object.entries(report.samples)) for (const x of m) console.log(`  ${t}: ${x.slice(0, 200)}`);
for (const f of report.findings) {
  const kept = opt('keep') ? ` kept as ${keepFinding(f, resolve(opt('keep')))}` : '';
  console.log(`FINDING ${f.case.target} #${f.case.index} (${f.case.seedName}; ${f.case.mutations.map((m) => `${m.kind} ${m.detail}`).join('; ')}): ${f.outcome}: ${f.detail.slice(0, 300)}${kept}`);
}
console.log(`${report.cases} cases in ${(report.ms / 1000).toFixed(1)} s, ${report.findings.length} finding(s)`);
rmSync(work, { recursive: true, force: true });
process.exitCode = report.findings.length > 0 ? 1 : 0;
